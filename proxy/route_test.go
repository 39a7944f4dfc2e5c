package proxy

import (
	"testing"

	"github.com/vcache/vcache/internal/command"
)

// TestEveryCommandHasARoute: adding a command to the shared table cannot
// leave the proxy without a way to carry it out. Each spec has exactly one
// Proxy route, and the proxy carries it out as that route says: answered
// by the proxy, split, fanned out or routed by the handler bound to it,
// routed by its keys, sent to any node (RouteAnyNode), or refused because
// its spec says it is a node's (NodeOnly). A keyless command routed by key
// is an error here (and in go generate), not a silent relay to one node.
func TestEveryCommandHasARoute(t *testing.T) {
	want := map[command.Route]kind{
		command.RouteKey: kindKey, command.RouteAnyNode: kindKey, command.RouteLocal: kindLocal,
		command.RouteFanout: kindComposite, command.RouteSplit: kindComposite, command.RouteOwn: kindRouted,
		command.RouteTx: kindTx, command.RouteSubscribe: kindSubscribe,
	}
	for _, e := range newCmdTable().order {
		s := e.spec
		keyless := s.FirstKey == 0 && !s.Movable()
		k, ok := want[s.Proxy]
		switch {
		case !ok:
			t.Errorf("%s: route %v is not one the proxy knows", s.Name, s.Proxy)
		case s.Has(command.NodeOnly):
			if e.kind != kindRefused || s.Proxy != command.RouteKey {
				t.Errorf("%s: NodeOnly, but routed through the proxy (route %v, kind %d)", s.Name, s.Proxy, e.kind)
			}
		case s.Has(command.Blocking):
			if e.kind != kindBlocking || s.Proxy != command.RouteKey {
				t.Errorf("%s: Blocking, but not carried out as blocking (route %v, kind %d)", s.Name, s.Proxy, e.kind)
			}
		case keyless && s.Proxy == command.RouteKey:
			t.Errorf("%s: names no key and has no Proxy route (RouteAnyNode, RouteFanout, RouteLocal, ...) nor the NodeOnly flag", s.Name)
		case !keyless && s.Proxy == command.RouteAnyNode:
			t.Errorf("%s: names keys but is routed to any node", s.Name)
		case e.kind != k:
			t.Errorf("%s: route %v, but the proxy carries it out as kind %d (a handler missing?)", s.Name, s.Proxy, e.kind)
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
		t.Fatalf("TIME (RouteAnyNode): %+v", e)
	}
}
