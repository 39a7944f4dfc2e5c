package ft

import (
	"slices"

	"github.com/vcache/vcache/internal/ftargs"
)

// What a search of an index ON JSON returns. RediSearch evaluates every
// returned name that is a JSONPath on the document (a schema field by
// its path), whether the schema has it or not, and replies the first
// match (DIALECT 1 and 2) or the JSON array of every match (DIALECT 3 and
// up; FORMAT EXPAND, which RESP3 then shows as native structures).
// Without RETURN a document comes back whole as "$", after the SORTBY
// field. A loader of JSON documents keeps the values that sort (the
// first match, by field alias) apart from the values the reply shows,
// which it puts under ReturnKey(name).

// ReturnKey is the name under which a loader of JSON documents puts the
// reply's value of a RETURN name (or of "$", or the SORTBY field).
func ReturnKey(name string) string { return "\x00" + name }

// NullKey is the name under which a loader of JSON documents marks a
// RETURN name whose first match is JSON null (RediSearch replies a null).
func NullKey(name string) string { return "\x01" + name }

// fieldValues is d's field/value list for the reply: a null for a value
// that is JSON null.
func (d *Doc) fieldValues() []any {
	fv := make([]any, 0, 2*len(d.Fields))
	for i, p := range d.Fields {
		if slices.Contains(d.Nulls, i) {
			fv = append(fv, p[0], nil)
			continue
		}
		fv = append(fv, p[0], p[1])
	}
	return fv
}

// JSONReturnPaths returns, for req on an index ON JSON, the JSONPaths the
// reply shows, by name: RETURN's names (a schema alias by its field's
// path, a name starting with "$" as itself), or "$" and the SORTBY field
// without RETURN. Names that are neither give no value, as in
// RediSearch.
func (ix *Index) JSONReturnPaths(req *SearchRequest) map[string]string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := map[string]string{}
	add := func(name string) {
		if f, ok := ix.schema.field(name); ok && f.Type != Vector {
			out[name] = f.Name
		} else if len(name) > 0 && name[0] == '$' {
			out[name] = name
		}
	}
	if req.NoContent {
		return out
	}
	if req.Return != nil {
		for _, name := range req.Return {
			add(name)
		}
		return out
	}
	out["$"] = "$"
	if req.SortBy != "" {
		add(req.SortBy)
	}
	return out
}

// jsonDefaultFields are the fields of a JSON document's result without
// RETURN: the SORTBY field (when it is not the score or a range's
// distance) and the document as "$".
func jsonDefaultFields(req *SearchRequest, f map[string][]byte, scoreField string, yields [][2]string) [][2]string {
	var out [][2]string
	if s := req.SortBy; s != "" && s != scoreField {
		if _, isYield := yieldOf(yields, s); !isYield {
			if v, ok := f[ReturnKey(s)]; ok {
				out = append(out, [2]string{s, string(v)})
			}
		}
	}
	if v, ok := f[ReturnKey("$")]; ok {
		out = append(out, [2]string{"$", string(v)})
	} else if v, ok := f["$"]; ok {
		out = append(out, [2]string{"$", string(v)})
	}
	return out
}

// JSONAggregatePaths returns, for req on an index ON JSON, the JSONPaths
// whose values its rows may load, by the name the loader reads them
// under: LOAD's paths (a schema alias by its field's path, a JSONPath as
// itself), every schema field (steps read them implicitly) and "$".
func (ix *Index) JSONAggregatePaths(req *AggregateRequest) map[string]string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := map[string]string{"$": "$"}
	for _, f := range ix.schema.Fields {
		if f.Type != Vector {
			out[f.Alias], out[f.Name] = f.Name, f.Name
		}
	}
	for _, s := range req.Args.Steps {
		for _, l := range s.Load {
			if f, ok := ix.schema.field(l.Path); ok && f.Type != Vector {
				out[l.Path] = f.Name
			} else if len(l.Path) > 0 && l.Path[0] == '$' {
				out[l.Path] = l.Path
			}
		}
	}
	return out
}

// jsonRowValue is an aggregate row's value of a JSON document's field
// name: v, what the pipeline computes with, showing the reply's value
// under ReturnKey(name) when that differs (DIALECT 3, FORMAT EXPAND).
func jsonRowValue(fields map[string][]byte, name string, v []byte) ftargs.Value {
	val := ftargs.Str(string(v))
	if t, ok := fields[ReturnKey(name)]; ok && string(t) != val.Str {
		val.Shown = string(t)
	}
	return val
}
