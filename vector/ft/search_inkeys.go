package ft

import (
	"slices"
	"strconv"
	"strings"
)

// INKEYS and INFIELDS, FT.SEARCH's limits on the documents and the fields
// a query looks at, as RediSearch 2.8 applies them. INKEYS is a clause
// like FILTER's and GEOFILTER's: ANDed with the query (a KNN's
// prefilter), it passes the documents of those keys, and none with
// INKEYS 0 or when the index holds none of them. INFIELDS scopes every
// text term to those of its names that are TEXT fields of the index (a
// term scoped to other fields matches nothing, as does every text term
// when no name is a TEXT field); INFIELDS 0 limits nothing.

// NewKeysFilter makes the clause of an INKEYS argument.
func NewKeysFilter(keys []string) *Node {
	n := &Node{Kind: qKeys, keys: make(map[string]struct{}, len(keys)), keyList: keys}
	for _, k := range keys {
		n.keys[k] = struct{}{}
	}
	return n
}

// keyIDs returns the ids of the documents of INKEYS clause n. mu must be
// held.
func (ix *Index) keyIDs(n *Node) map[uint32]struct{} {
	set := make(map[uint32]struct{}, len(n.keys))
	for k := range n.keys {
		if id, ok := ix.ids[k]; ok && ix.docs[id] != nil {
			set[id] = struct{}{}
		}
	}
	return set
}

// explainIDs is what FT.EXPLAIN shows of INKEYS clause n: "IDS {" and
// the document id of each key the index holds, in the order given, each
// followed by a comma, as RediSearch prints its ids (which start at 1).
// mu must be held.
func (ix *Index) explainIDs(n *Node) {
	var b strings.Builder
	b.WriteString("IDS {")
	for _, k := range n.keyList {
		if id, ok := ix.ids[k]; ok {
			b.WriteString(strconv.FormatUint(uint64(id)+1, 10) + ",")
		}
	}
	b.WriteString("}")
	n.keysShown = b.String()
}

// inFieldsScope returns the scope INFIELDS' names give the query's text
// terms: those names that are TEXT fields, in schema order ("a|b"), or
// nullScope when none is.
func (s *Schema) inFieldsScope(names []string) string {
	var in []string
	for _, f := range s.Fields {
		if f.Type == Text && slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, f.Alias) }) {
			in = append(in, f.Alias)
		}
	}
	if len(in) == 0 {
		return nullScope
	}
	return strings.Join(in, "|")
}

// limitText scopes the tree's text clauses to scope as well
// (intersectScope).
func limitText(n *Node, scope string) {
	if n.Kind == qText {
		n.Field = intersectScope(n.Field, scope)
	}
	for _, k := range n.Kids {
		limitText(k, scope)
	}
}
