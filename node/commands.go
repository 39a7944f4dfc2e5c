package node

import (
	"sort"

	"github.com/vcache/vcache/internal/command"
)

// commandTable joins the shared command specs with this node's handlers.
// A spec without a handler is not served (it answers as unknown); a handler
// without a spec is a programming error caught by the tests.
func (n *Node) commandTable() map[string]*cmdEntry {
	hs := map[string]Handler{}
	addConnectionHandlers(hs)
	addServerHandlers(hs)
	addMultiHandlers(hs)
	addStringHandlers(hs)
	addHashHandlers(hs)
	addKeyHandlers(hs)
	addSearchHandlers(hs)
	addVectorSetHandlers(hs)

	out := make(map[string]*cmdEntry, len(hs))
	n.cmdList = nil
	for _, s := range command.NewTable(command.Specs()).All() {
		if h, ok := hs[s.Name]; ok {
			e := &cmdEntry{spec: s, handler: h, id: len(n.cmdList)}
			out[s.Name] = e
			n.cmdList = append(n.cmdList, e)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
