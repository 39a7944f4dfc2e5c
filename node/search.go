package node

import (
	"errors"
	"slices"
	"strings"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/vector/ft"
)

// searchObserver keeps the FT catalog consistent with the keyspace, and
// tells replicas of evictions (a DEL in the replication backlog: replicas
// expire keys by the same deadlines themselves, but evict by their own
// memory). The keyspace calls it under the key's shard lock.
type searchObserver struct {
	cat  *ft.Catalog
	repl *backlog
}

func (o searchObserver) HashChanged(key string, slot int, fields map[string][]byte) {
	o.cat.HashChanged(key, slot, fields)
}

// WantsHash lets the keyspace skip building a packed hash's fields for
// keys no index covers (cache.HashFilter).
func (o searchObserver) WantsHash(key string) bool { return o.cat.Wants(key) }

// HashFieldNames: the indexes read only their schemas' fields of a hash
// (cache.HashFieldPicker).
func (o searchObserver) HashFieldNames(key string) ([]string, bool) {
	return o.cat.HashFieldNames(key), true
}

// WantsHashes: only while some index exists.
func (o searchObserver) WantsHashes() bool { return o.cat.Len() > 0 }

func (o searchObserver) KeyRemoved(key string, slot int, why cache.Reason) {
	o.cat.KeyRemoved(key, slot)
	if why == cache.ReasonEvicted && o.repl.on.Load() {
		o.repl.appendCommand(slot, [][]byte{[]byte("DEL"), []byte(key)})
	}
}

// cmdFTList answers the index names as RediSearch 2.8 does: simple
// strings (a set in RESP3, by the spec's shape).
func cmdFTList(cx *Ctx) {
	names := cx.Node.search.List()
	cx.Array(len(names))
	for _, n := range names {
		cx.Simple(ft.EscapeSimple(n))
	}
}

// ftError replies with a search error's text as RediSearch words it.
func ftError(cx *Ctx, err error) {
	switch {
	case errors.Is(err, ft.ErrUnknownIndex):
		cx.Error(string(cx.Args[1]) + ": no such index")
	case errors.Is(err, ft.ErrIndexExists):
		cx.Error("Index already exists")
	default:
		cx.Error(err.Error())
	}
}

func cmdFTCreate(cx *Ctx) {
	s, err := ft.ParseCreate(cx.Args[1:])
	if err != nil {
		ftError(cx, err)
		return
	}
	if indexDenied(cx, s.Prefixes) {
		return
	}
	ix, err := cx.Node.search.Create(s)
	if errors.Is(err, ft.ErrIndexExists) && cx.Node.Cluster() != nil && sameDefinition(cx.Node, s) {
		// In a cluster an index reaches a node twice (from the proxy and in
		// its primary's replication stream): the same definition again is
		// not an error.
		cx.OK()
		return
	}
	if err != nil {
		ftError(cx, err)
		return
	}
	cx.Node.indexExisting(ix)
	cx.OK()
}

func cmdFTAlter(cx *Ctx) {
	name, skip, fields, spec, err := ft.ParseAlter(cx.Args[1:])
	if err != nil {
		ftError(cx, err)
		return
	}
	ix, err := cx.Node.search.Get(name)
	if err != nil {
		ftError(cx, err)
		return
	}
	if indexDenied(cx, ix.Schema().Prefixes) {
		return
	}
	if cx.Node.Cluster() != nil && hasFields(ix.Schema(), fields) {
		cx.OK() // already added (see cmdFTCreate)
		return
	}
	if err := ix.AddFields(fields, spec); err != nil {
		ftError(cx, err)
		return
	}
	if !skip {
		cx.Node.indexExisting(ix)
	}
	cx.OK()
}

func cmdFTSearch(cx *Ctx) {
	// As RediSearch: the arguments, then the index, then the query string
	// (after the ACL check of the index, as the proxy's).
	args, slots, err := searchSlots(cx.Args[1:])
	if err != nil {
		ftError(cx, err)
		return
	}
	req, err := ft.ParseSearchArgs(args)
	if err != nil {
		ftError(cx, err)
		return
	}
	cx.Node.search.Config.ApplyDialect(req) // the query is read in its dialect
	ix := openSearch(cx, req.Index, req.Expand, req.ParseQueryFor)
	if ix == nil {
		return
	}
	capResults(cx.Node.search.Config, req)
	if refuseGone(cx, slots) {
		return
	}
	ks := cx.Node.ks
	req.Admit = searchAdmit(cx.Node, slots)
	res, err := ix.SearchDocs(req, searchDocs(ks, ix, req))
	if err != nil {
		ftError(cx, err)
		return
	}
	writeAny(cx, res.ReplyFor(req))
}

// openSearch finds the index a query names and checks, as RediSearch
// does and in its order, that the client may read it and may have the
// reply's FORMAT EXPAND (expand), then parses the query (parse); on
// failure it has replied and returns nil.
func openSearch(cx *Ctx, index string, expand bool, parse func(*ft.Index) error) *ft.Index {
	ix, err := cx.Node.search.Get(index)
	if err != nil {
		ftError(cx, err)
		return nil
	}
	if indexDenied(cx, ix.Schema().Prefixes) {
		return nil
	}
	if expandDenied(cx, expand, ix) {
		return nil
	}
	if err := parse(ix); err != nil {
		ftError(cx, err)
		return nil
	}
	return ix
}

func cmdFTInfo(cx *Ctx) {
	slots, ok := infoSlots(cx)
	if !ok {
		return
	}
	ix, err := cx.Node.search.Get(string(cx.Args[1]))
	if errors.Is(err, ft.ErrUnknownIndex) {
		cx.Error("Unknown index name") // RediSearch 2.8's words for FT.INFO
		return
	} else if err != nil {
		ftError(cx, err)
		return
	}
	if indexDenied(cx, ix.Schema().Prefixes) {
		return
	}
	if refuseGone(cx, slots) {
		return
	}
	inf := ix.Info()
	if slots != nil {
		// The proxy's slots for this node, as FT.SEARCH's: its map is one
		// partition of the slots, so the sum is every document once
		// while the nodes learn a split's map one after the other.
		inf.NumDocs = ix.CountInSlots(slots.Has)
	} else if served := cx.Node.servedSlots(); served != nil {
		// As DBSIZE: a replica's copies are not counted, so the sum over
		// the nodes is the number of documents.
		inf.NumDocs = ix.CountInSlots(served)
	}
	writeAny(cx, inf.Reply())
}

func cmdFTDropIndex(cx *Ctx) {
	dd := false
	if len(cx.Args) == 3 {
		if !strings.EqualFold(string(cx.Args[2]), "DD") {
			cx.SyntaxError()
			return
		}
		dd = true
	} else if len(cx.Args) > 3 {
		cx.SyntaxError()
		return
	}
	ftDropIndex(cx, dd)
}

// ftDropIndex drops the index cx.Args[1] names, and its documents if dd.
func ftDropIndex(cx *Ctx, dd bool) {
	ix, err := cx.Node.search.Get(string(cx.Args[1]))
	if errors.Is(err, ft.ErrUnknownIndex) {
		cx.Error(msgUnknownIndex) // RediSearch's words for FT.DROPINDEX and FT.DROP
		return
	} else if err != nil {
		ftError(cx, err)
		return
	}
	if indexDenied(cx, ix.Schema().Prefixes) {
		return
	}
	dropped, err := cx.Node.search.Drop(string(cx.Args[1]))
	if errors.Is(err, ft.ErrUnknownIndex) {
		cx.Error(msgUnknownIndex)
		return
	} else if err != nil {
		ftError(cx, err)
		return
	}
	if dd && dropped != ix && indexDenied(cx, dropped.Schema().Prefixes) {
		// Another client made a new index of that name meanwhile: its
		// documents stay unless they may be deleted too.
		return
	}
	ix = dropped
	if dd {
		for _, k := range ix.Keys() {
			cx.Node.ks.Del([]byte(k))
		}
	}
	cx.OK()
}

// writeAny writes nested []any of strings, int64s and []byte as RESP
// (ft.SimpleString as a simple string).
func writeAny(cx *Ctx, v any) {
	switch x := v.(type) {
	case ft.SimpleString:
		cx.Simple(ft.EscapeSimple(string(x)))
	case []any:
		cx.Array(len(x))
		for _, e := range x {
			writeAny(cx, e)
		}
	case string:
		cx.BulkString(x)
	case []byte:
		cx.Bulk(x)
	case int64:
		cx.Int(x)
	case int:
		cx.Int(int64(x))
	case nil:
		cx.Null()
	default:
		cx.Error("ERR internal: unexpected reply type")
	}
}

// sameDefinition reports whether the index named like s has s's
// definition.
func sameDefinition(n *Node, s *ft.Schema) bool {
	ix, err := n.search.Get(s.Name)
	return err == nil && slices.Equal(ix.Schema().Args, s.Args)
}

// hasFields reports whether s has every field of fields, by alias.
func hasFields(s *ft.Schema, fields []ft.Field) bool {
	for _, f := range fields {
		if !slices.ContainsFunc(s.Fields, func(g ft.Field) bool { return g.Alias == f.Alias && g.Type == f.Type }) {
			return false
		}
	}
	return len(fields) > 0
}
