package proxy

import (
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/handlergen"
)

// The proxy carries out commands as the shared table's flags and routes
// say: every RouteFanout or RouteSplit command is fanned out or split and
// merged, every command the proxy fans out or splits has that route,
// NodeOnly ones are refused and Blocking ones take a connection of their
// own.
func TestTableFollowsSpecFlags(t *testing.T) {
	for _, e := range newCmdTable().order {
		s := e.spec
		switch {
		case s.Has(command.ProxyOnly):
			if e.kind != kindLocal && e.kind != kindRouted {
				t.Errorf("%s is ProxyOnly (no node serves it) but the proxy does not answer it itself", s.Name)
			}
		case s.Has(command.NodeOnly):
			if e.kind != kindRefused {
				t.Errorf("%s is NodeOnly but not refused through the proxy", s.Name)
			}
		case s.Has(command.Blocking):
			if e.kind != kindBlocking {
				t.Errorf("%s is Blocking but the proxy does not carry it out as blocking", s.Name)
			}
		case s.Proxy == command.RouteFanout, s.Proxy == command.RouteSplit:
			if e.kind != kindComposite {
				t.Errorf("%s is %v but the proxy has no merge for it", s.Name, s.Proxy)
			}
		case e.kind == kindComposite:
			t.Errorf("the proxy fans out or splits %s, but its spec's route is %v", s.Name, s.Proxy)
		}
	}
}

// TestRoutesGenerated: handlers_gen.go is what go generate ./proxy makes
// of the specs and this package's proxy*, txSplit*, compute* and across*
// names now, and they match: every spec has one route and the handler
// its route needs, and every such name serves a spec. The error names
// each one that does not.
func TestRoutesGenerated(t *testing.T) {
	if err := handlergen.CheckProxy(".", "proxy", command.Specs()); err != nil {
		t.Fatal(err)
	}
}

// TestRoutesNameSpecs: everything the generated table binds is bound to
// a command of the shared table, and to one whose route uses it.
func TestRoutesNameSpecs(t *testing.T) {
	specs := command.NewTable(command.Specs())
	tb := newCmdTable()
	for name, r := range routes() {
		s := specs.Lookup([]byte(name))
		if s == nil {
			t.Errorf("routes() binds %q, which is no command", name)
			continue
		}
		e := tb.order[s.ID]
		if (r.local != nil || r.composite != nil || r.tx != nil || r.ps != nil) && e.kind == kindRefused {
			t.Errorf("%s has a handler, yet the proxy refuses it (route %v)", name, s.Proxy)
		}
		if r.txSplit != nil && e.kind != kindComposite {
			t.Errorf("%s splits in a transaction but is not split outside one", name)
		}
	}
}

// TestBlocksIfFollowsSpec: a command line is carried out as blocking
// when its spec's BlocksIf says so (XREAD ... BLOCK), and only then.
func TestBlocksIfFollowsSpec(t *testing.T) {
	tb := newCmdTable()
	for _, c := range []struct {
		line  []string
		block bool
	}{
		{[]string{"XREAD", "BLOCK", "0", "STREAMS", "s", "$"}, true},
		{[]string{"xread", "COUNT", "block", "STREAMS", "s", "0"}, false},
		{[]string{"XREAD", "STREAMS", "block", "0"}, false},
		{[]string{"XREADGROUP", "GROUP", "block", "c", "block", "10", "STREAMS", "s", ">"}, true},
		{[]string{"XREADGROUP", "GROUP", "block", "c", "STREAMS", "s", ">"}, false},
		{[]string{"GET", "block"}, false},
		{[]string{"BLPOP", "l", "0"}, true},
	} {
		args := make([][]byte, len(c.line))
		for i, a := range c.line {
			args[i] = []byte(a)
		}
		e := tb.lookup(args[0])
		if got := e.blocks(args); got != c.block {
			t.Errorf("%v blocks = %v, want %v", c.line, got, c.block)
		}
		if s := e.spec; s.BlocksIf != nil && s.BlocksIf(args) != c.block {
			t.Errorf("%v: spec BlocksIf disagrees with the proxy", c.line)
		}
	}
}

// TestStatelessQueuedInMulti: a command the proxy answers itself is
// queued inside MULTI, for the node to answer in EXEC, when its spec is
// Stateless, and refused (aborting the transaction) otherwise.
func TestStatelessQueuedInMulti(t *testing.T) {
	rs := startRedises(t, 1)
	p := startProxy(t, Config{}, addrs(rs...)...)
	n := 0
	for _, e := range newCmdTable().order {
		if e.kind != kindLocal || !e.spec.Has(command.Stateless) {
			continue
		}
		n++
		line := []string{strings.ToUpper(e.spec.Name)}
		for len(line) < max(e.spec.Arity, -e.spec.Arity) {
			line = append(line, "hi")
		}
		c := dialRaw(t, p.addr)
		c.do("MULTI")
		if got := c.do(line...); got != "+QUEUED\r\n" {
			t.Errorf("%v in MULTI = %q", line, got)
			continue
		}
		want := rawDo(rs[0].addr, line...)
		if got := c.do("EXEC"); got != "*1\r\n"+want {
			t.Errorf("EXEC of %v = %q, want one reply %q", line, got, want)
		}
	}
	if n == 0 {
		t.Fatal("no command the proxy answers is Stateless")
	}
	// SELECT is the proxy's but not Stateless: it aborts the transaction.
	c := dialRaw(t, p.addr)
	c.do("MULTI")
	if got := c.do("SELECT", "0"); got != "-ERR 'select' cannot be queued in a transaction through the proxy\r\n" {
		t.Errorf("SELECT in MULTI = %q", got)
	}
	if got := c.do("EXEC"); !strings.HasPrefix(got, "-EXECABORT") {
		t.Errorf("EXEC after a refused SELECT = %q", got)
	}
	// CLIENT is queued, to be answered by the proxy once EXEC has run
	// (multi_local.go), but for the subcommands that change what the
	// transaction's reads do.
	c.do("MULTI")
	if got := c.do("CLIENT", "TRACKING", "on"); got != "-ERR 'client|tracking' cannot be queued in a transaction through the proxy\r\n" {
		t.Errorf("CLIENT TRACKING in MULTI = %q", got)
	}
	if got := c.do("CLIENT", "GETNAME"); got != "+QUEUED\r\n" {
		t.Errorf("CLIENT GETNAME in MULTI = %q", got)
	}
	if got := c.do("EXEC"); !strings.HasPrefix(got, "-EXECABORT") {
		t.Errorf("EXEC after a refused CLIENT TRACKING = %q", got)
	}
}
