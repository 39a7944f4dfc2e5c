package proxy

import (
	"testing"

	"github.com/vcache/vcache/internal/command"
)

// TestEveryCommandHasARoute: adding a command to the shared table cannot
// leave the proxy without a way to carry it out. Each spec is answered by
// the proxy, split, fanned out or routed by a handler the proxy binds to
// it, routed by its keys, sent to any node because its spec says any
// node will do (AnyNode), or refused because its spec says it is a
// node's (NodeOnly). A keyless command with none of these is an error
// here, not a silent relay to one node.
func TestEveryCommandHasARoute(t *testing.T) {
	for _, e := range newCmdTable().order {
		s := e.spec
		keyless := s.FirstKey == 0 && !s.Movable()
		switch e.kind {
		case kindRefused:
			if !s.Has(command.NodeOnly) {
				t.Errorf("%s: the proxy has no route for it (a handler, or the spec's AnyNode or NodeOnly flag)", s.Name)
			}
		case kindKey:
			if keyless && !s.Has(command.AnyNode) {
				t.Errorf("%s: keyless, not AnyNode, yet sent to any node", s.Name)
			}
		case kindLocal:
			if e.local == nil {
				t.Errorf("%s: answered by the proxy without a handler", s.Name)
			}
		case kindComposite, kindRouted:
			if e.composite == nil {
				t.Errorf("%s: split, fanned out or routed without a handler", s.Name)
			}
		case kindTx:
			if e.tx == nil {
				t.Errorf("%s: a transaction command without a handler", s.Name)
			}
		case kindSubscribe:
			if e.ps == nil {
				t.Errorf("%s: a subscribe command without a handler", s.Name)
			}
		}
		if s.Has(command.AnyNode) && (!keyless || e.kind != kindKey) {
			t.Errorf("%s: flagged AnyNode but the proxy does not send it to any node (kind %d)", s.Name, e.kind)
		}
	}
}

// TestUnroutedKeylessRefused: a keyless command the proxy has no route
// for is refused, not sent to whichever node is first.
func TestUnroutedKeylessRefused(t *testing.T) {
	specs := append(command.Specs(), command.Spec{Name: "x.new", Arity: 1, Flags: command.Keyless})
	tab := newCmdTableFrom(specs)
	if e := tab.lookup([]byte("X.NEW")); e == nil || e.kind != kindRefused {
		t.Fatalf("an unrouted keyless command: %+v", e)
	}
	if e := tab.lookup([]byte("time")); e == nil || e.kind != kindKey {
		t.Fatalf("TIME (AnyNode): %+v", e)
	}
}
