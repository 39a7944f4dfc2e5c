package node

import (
	"sort"

	"github.com/vcache/vcache/internal/command"
)

// commandTable joins the shared command specs with this node's handlers:
// the table of the served specs and their entries, by spec ID. A spec
// without a handler is not served (it answers as unknown); a handler
// without a spec is a programming error caught by the tests.
func commandTable() (*command.Table, []*cmdEntry) {
	hs := map[string]Handler{}
	addConnectionHandlers(hs)
	addServerHandlers(hs)
	addMultiHandlers(hs)
	addStringHandlers(hs)
	addHashHandlers(hs)
	addKeyHandlers(hs)
	addSearchHandlers(hs)
	addVectorSetHandlers(hs)

	t := command.NewTable(command.Specs()).Select(func(s *command.Spec) bool { return hs[s.Name] != nil })
	list := make([]*cmdEntry, t.Len())
	for _, s := range t.All() {
		list[s.ID] = &cmdEntry{spec: s, handler: hs[s.Name]}
	}
	return t, list
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
