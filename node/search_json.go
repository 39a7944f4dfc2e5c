package node

import (
	"encoding/binary"
	"math"
	"strings"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/vector/ft"
)

// FT indexes ON JSON: the node reads a JSON document's values at the
// schema's paths and hands them to the index as a hash's fields would be
// (text, tags joined by their separator, a number, a FLOAT32 blob).

// JSONChanged indexes a created or changed JSON document.
func (o searchObserver) JSONChanged(key string, slot int, doc cache.JSONView) {
	o.cat.JSONChanged(key, func(s *ft.Schema) map[string][]byte { return jsonIndexFields(s, doc) })
}

// jsonIndexFields returns the values of doc that the fields of s index,
// by field name (the path). A path that selects nothing is left out.
func jsonIndexFields(s *ft.Schema, doc cache.JSONView) map[string][]byte {
	out := make(map[string][]byte, len(s.Fields))
	for _, f := range s.Fields {
		switch f.Type {
		case ft.Vector:
			nums, ok := doc.Floats(f.Name)
			if !ok {
				if vals, _ := doc.Strings(f.Name); len(vals) > 0 {
					out[f.Name] = []byte(vals[0]) // not numbers: the index counts a failure
				}
				continue
			}
			blob := make([]byte, 4*len(nums))
			for i, x := range nums {
				binary.LittleEndian.PutUint32(blob[4*i:], math.Float32bits(float32(x)))
			}
			out[f.Name] = blob
		default:
			vals, ok := doc.Strings(f.Name)
			if !ok || len(vals) == 0 {
				continue
			}
			sep := " "
			switch f.Type {
			case ft.Tag:
				sep = string(f.Separator)
			case ft.Geo: // every "lon,lat" point
				sep = ft.GeoPointSep
			case ft.Numeric: // one number
				vals = vals[:1]
			}
			out[f.Name] = []byte(strings.Join(vals, sep))
		}
	}
	// LANGUAGE_FIELD and SCORE_FIELD are paths too: the first value each
	// selects, a string for the language and a number for the score (as
	// RediSearch reads them); another kind leaves the index's default. A
	// path a schema field indexes keeps that field's value.
	if p := s.LanguageField; p != "" && out[p] == nil {
		if v, isString, ok := doc.First(p); ok && isString {
			out[p] = []byte(v)
		}
	}
	if p := s.ScoreField; p != "" && out[p] == nil {
		if v, isString, ok := doc.First(p); ok && !isString {
			out[p] = []byte(v)
		}
	}
	return out
}

// indexJSONDocs indexes the JSON documents that exist (FT.CREATE and
// FT.ALTER of an ON JSON index).
func indexJSONDocs(ks *cache.Keyspace, ix *ft.Index, upserted func(), pause func() bool) {
	s := ix.Schema()
	ks.ForEachJSON(s.Prefixes, func(key string, doc cache.JSONView) {
		ix.Upsert(key, jsonIndexFields(s, doc))
		upserted()
	}, pause)
}

// docSource is where a search reads its documents: the keyspace, or
// the keyspace held still (cache.Keyspace.Freeze) while a search whose
// documents keep changing under it finishes (ft.Docs.Still).
type docSource struct {
	ks *cache.Keyspace
	r  docReads // ks, or the Frozen of the Freeze under way
}

// docReads are the keyspace's reads a search makes.
type docReads interface {
	HashFields(key []byte) (map[string][]byte, bool)
	HashPick(key string, names []string, fn func(i int, v []byte)) bool
	JSONFields(key []byte, paths map[string]string) (map[string][]byte, bool)
	JSONSearchValues(key []byte, paths *cache.JSONSearchPaths, multi bool) (map[string]cache.JSONSearchValue, bool)
}

func newDocSource(ks *cache.Keyspace) *docSource { return &docSource{ks: ks, r: ks} }

// docs returns the ft.Docs of a search that loads documents with load.
func (s *docSource) docs(load ft.Loader) ft.Docs {
	return ft.Docs{Load: load, Pick: s.pick, Still: s.still}
}

func (s *docSource) pick(key string, names []string, fn func(int, []byte)) bool {
	return s.r.HashPick(key, names, fn)
}

// still runs fn with every key held still, the search's reads going
// through the Freeze's Frozen meanwhile.
func (s *docSource) still(fn func()) {
	s.ks.Freeze(func(f cache.Frozen) {
		s.r = f
		defer func() { s.r = s.ks }()
		fn()
	})
}

// load returns how search results load an index's documents: a hash's
// fields, or a JSON document's text under "$" with its schema values
// under their names and aliases (RETURN and SORTBY read them).
func (s *docSource) load(ix *ft.Index) func(key string) (map[string][]byte, bool) {
	sc := ix.Schema()
	if !sc.OnJSON {
		return func(key string) (map[string][]byte, bool) { return s.r.HashFields([]byte(key)) }
	}
	paths := map[string]string{}
	for _, f := range sc.Fields {
		if f.Type != ft.Vector {
			paths[f.Name], paths[f.Alias] = f.Name, f.Name
		}
	}
	return func(key string) (map[string][]byte, bool) { return s.r.JSONFields([]byte(key), paths) }
}

// searchDocs returns how FT.SEARCH reads the documents of ix from ks:
// docSource.load's fields, and for a JSON index the values the reply
// shows under ft.ReturnKey (RETURN's JSONPaths, "$", the SORTBY field).
func searchDocs(ks *cache.Keyspace, ix *ft.Index, req *ft.SearchRequest) ft.Docs {
	s := newDocSource(ks)
	base := s.load(ix)
	if !ix.Schema().OnJSON {
		return s.docs(base)
	}
	paths := ix.JSONReturnPaths(req)
	// "$" as one value is the document's text, which base loads already.
	_, whole := paths["$"]
	whole = whole && !req.Multi
	if whole {
		delete(paths, "$")
	}
	if len(paths) == 0 && !whole {
		return s.docs(base)
	}
	parsed := cache.NewJSONSearchPaths(paths)
	return s.docs(func(key string) (map[string][]byte, bool) {
		f, ok := base(key)
		if !ok {
			return nil, false
		}
		if whole {
			f[ft.ReturnKey("$")] = f["$"]
		}
		if parsed.Len() == 0 {
			return f, true
		}
		vals, _ := s.r.JSONSearchValues([]byte(key), parsed, req.Multi)
		for name, v := range vals {
			if v.Null {
				f[ft.NullKey(name)] = nil
				continue
			}
			f[ft.ReturnKey(name)] = v.Text
		}
		return f, true
	})
}

// expandDenied checks FORMAT EXPAND as RediSearch does (RESP3 only, JSON
// indexes only) and replies the error if it is refused.
func expandDenied(cx *Ctx, expand bool, ix *ft.Index) bool {
	switch {
	case !expand:
		return false
	case !cx.cl.resp3.Load():
		cx.Error("EXPAND format is only supported with RESP3")
	case !ix.Schema().OnJSON:
		cx.Error("EXPAND format is only supported with JSON")
	default:
		return false
	}
	return true
}

// aggregateDocs returns how FT.AGGREGATE's rows read the documents of ix
// from ks: docSource.load's fields (a hash's rows read only the fields
// they show, with Pick), and for a JSON index every path a row may load
// (ft.JSONAggregatePaths) with the value it computes with under its name
// and the value the reply shows under ft.ReturnKey.
func aggregateDocs(ks *cache.Keyspace, ix *ft.Index, req *ft.AggregateRequest) ft.Docs {
	s := newDocSource(ks)
	base := s.load(ix)
	if !ix.Schema().OnJSON {
		return s.docs(base)
	}
	paths := cache.NewJSONSearchPaths(ix.JSONAggregatePaths(req))
	return s.docs(func(key string) (map[string][]byte, bool) {
		f, ok := base(key)
		if !ok {
			return nil, false
		}
		vals, _ := s.r.JSONSearchValues([]byte(key), paths, req.Multi)
		for name, v := range vals {
			if v.Null {
				continue // a row loads no value for a null
			}
			if name != "$" {
				f[name] = v.First
			}
			f[ft.ReturnKey(name)] = v.Text
		}
		return f, true
	})
}
