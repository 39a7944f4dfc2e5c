package node

import (
	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/vector/ft"
)

// decodeSugDict reads an FT.SUGADD dictionary back from a snapshot (the
// keyspace's custom value of type ft.SugTypeName).
func decodeSugDict(b []byte) (cache.Custom, error) { return ft.UnmarshalSugDict(b) }

// searchStateCommands returns the commands that give another node this
// node's search state besides the index definitions: FT.DICTADD for
// every custom dictionary, FT.SYNUPDATE for every synonym group,
// FT.ALIASUPDATE for every alias and FT.CONFIG SET for every option
// changed from its default (the proxy sends each such change to every
// node; a node that joins later gets them here). A full sync and a
// migration send them after the FT.CREATEs. (Suggestion dictionaries are
// keys: they travel with their slot.)
func (n *Node) searchStateCommands() [][][]byte {
	var out [][][]byte
	for _, d := range n.search.Dicts.All() {
		args := [][]byte{[]byte("FT.DICTADD"), []byte(d.Name)}
		for _, t := range d.Terms {
			args = append(args, []byte(t))
		}
		out = append(out, args)
	}
	for _, name := range n.search.List() {
		ix, err := n.search.Get(name)
		if err != nil {
			continue
		}
		for _, g := range ix.SynGroups() {
			args := [][]byte{[]byte("FT.SYNUPDATE"), []byte(ix.Schema().Name), []byte(g.ID), []byte("SKIPINITIALSCAN")}
			for _, t := range g.Terms {
				args = append(args, []byte(t))
			}
			out = append(out, args)
		}
	}
	for _, p := range n.search.AliasPairs() {
		out = append(out, [][]byte{[]byte("FT.ALIASUPDATE"), []byte(p[0]), []byte(p[1])})
	}
	for _, o := range n.search.Config.Changed() {
		out = append(out, [][]byte{[]byte("FT.CONFIG"), []byte("SET"), []byte(o[0]), []byte(o[1])})
	}
	return out
}
