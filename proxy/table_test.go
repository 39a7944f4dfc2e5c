package proxy

import (
	"testing"

	"github.com/vcache/vcache/internal/command"
)

// The proxy carries out commands as the shared table's flags say: every
// Fanout command is fanned out and merged, every keyless command it
// fans out is flagged Fanout, NodeOnly ones are refused and Blocking ones
// take a connection of their own.
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
		case s.Has(command.Fanout):
			if e.kind != kindComposite {
				t.Errorf("%s is Fanout but the proxy has no merge for it", s.Name)
			}
		case e.kind == kindComposite && s.FirstKey == 0:
			t.Errorf("the proxy fans %s out, but its spec is not Fanout", s.Name)
		}
	}
}

// TestMonitorRefused: MONITOR is a node's, and the proxy says so rather
// than passing it to one node; the connection serves on after it.
func TestMonitorRefused(t *testing.T) {
	rs := startRedises(t, 1)
	p := startProxy(t, Config{}, addrs(rs...)...)
	c := dialRaw(t, p.addr)
	if got := c.do("MONITOR"); got != "-ERR 'monitor' is not available through the proxy\r\n" {
		t.Fatalf("MONITOR through the proxy = %q", got)
	}
	if got := c.do("PING"); got != "+PONG\r\n" {
		t.Fatalf("PING after MONITOR = %q", got)
	}
}
