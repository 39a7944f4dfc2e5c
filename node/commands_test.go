package node

import (
	"testing"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/handlergen"
)

// TestHandlersGenerated: handlers_gen.go is what go generate ./node makes
// of the specs and this package's cmd* handlers now, and they match: every
// spec has its handler (but the ProxyOnly ones), every cmd* name serves a
// spec. The error names each one that does not.
func TestHandlersGenerated(t *testing.T) {
	if err := handlergen.Check(".", "node", command.Specs()); err != nil {
		t.Fatal(err)
	}
}

// Every handler serves a command of the shared table (a handler without a
// spec would never be reached), and the served table holds exactly them.
func TestEveryHandlerHasASpec(t *testing.T) {
	specs := command.NewTable(command.Specs())
	hs := handlers()
	for name := range hs {
		if specs.Lookup([]byte(name)) == nil {
			t.Errorf("handler %q has no spec in internal/command", name)
		}
	}
	served, entries := commandTable()
	if served.Len() != len(hs) || len(entries) != len(hs) {
		t.Errorf("%d handlers, %d served specs, %d entries", len(hs), served.Len(), len(entries))
	}
	for _, s := range served.All() {
		if e := entries[s.ID]; e.spec != s || e.handler == nil {
			t.Errorf("%s: entry %d does not hold its spec and handler", s.Name, s.ID)
		}
	}
}
