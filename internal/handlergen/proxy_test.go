package handlergen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/command"
)

const proxyBase = `type session struct{}
type psCmd struct{ add bool }
type txSplit struct{ step int }
func fan(*session, []byte) {}
`

func TestGenerateProxy(t *testing.T) {
	dir := writePkg(t, map[string]string{
		"a.go": proxyBase + `func proxyPing(*session, [][]byte) {}
func txLocalPing([][]byte) bool { return true }
var (
	proxyFlushAll = fan
	proxyDel = fan
	proxyFTList = fan
	proxyMulti = fan
	proxySubscribe = psCmd{true}
	txSplitDel = txSplit{1}
	computeDel = fan
	acrossBLPop = fan
)
func (session) proxyMethod() {}
func proxyline() {}
type proxyConn struct{}
`,
		"a_test.go": `func proxyFromTest() {}`,
	})
	specs := []command.Spec{
		{Name: "ping", Flags: command.Keyless, Proxy: command.RouteLocal},
		{Name: "get", FirstKey: 1, LastKey: 1, Step: 1},
		{Name: "time", Flags: command.Keyless, Proxy: command.RouteAnyNode},
		{Name: "flushall", Flags: command.Keyless, Proxy: command.RouteFanout},
		{Name: "del", FirstKey: 1, LastKey: -1, Step: 1, Proxy: command.RouteSplit},
		{Name: "ft._list", Flags: command.Keyless, Proxy: command.RouteFanout},
		{Name: "multi", Flags: command.Keyless, Proxy: command.RouteTx},
		{Name: "subscribe", Flags: command.Keyless, Proxy: command.RouteSubscribe},
		{Name: "blpop", Flags: command.Blocking, FirstKey: 1, LastKey: -2, Step: 1},
		{Name: "shutdown", Flags: command.Keyless | command.NodeOnly},
	}
	src, err := GenerateProxy(dir, "srv", specs)
	if err != nil {
		t.Fatal(err)
	}
	want := `func routes() map[string]route {
	return map[string]route{
		"ping":      {local: proxyPing, txLocal: txLocalPing},
		"flushall":  {composite: proxyFlushAll},
		"del":       {composite: proxyDel, txSplit: &txSplitDel, compute: computeDel},
		"ft._list":  {composite: proxyFTList},
		"multi":     {tx: proxyMulti},
		"subscribe": {ps: &proxySubscribe},
		"blpop":     {across: acrossBLPop},
	}
}
`
	if !strings.HasPrefix(string(src), "// Code generated ") || !strings.HasSuffix(string(src), want) {
		t.Errorf("generated:\n%s\nwant it to end with:\n%s", src, want)
	}
	if err := os.WriteFile(filepath.Join(dir, OutFile), src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckProxy(dir, "srv", specs); err != nil {
		t.Errorf("CheckProxy of a fresh file: %v", err)
	}
	specs[1].Proxy = command.RouteSplit
	if err := CheckProxy(dir, "srv", specs); err == nil || !strings.Contains(err.Error(), "spec get: route RouteSplit needs a handler") {
		t.Errorf("CheckProxy after a route changed: %v", err)
	}
}

// TestGenerateProxyErrors: a spec added without a route, or without the
// handler its route needs, stops go generate and names what to write.
func TestGenerateProxyErrors(t *testing.T) {
	dir := writePkg(t, map[string]string{"a.go": proxyBase + `var (
	proxyGet = fan
	proxyOrphan = fan
	proxyECHO = fan
	proxyEcho = fan
	txSplitSUnion = txSplit{1}
	acrossGet = fan
	computeNothing = fan
	txLocalGet = fan
)
`})
	specs := []command.Spec{
		{Name: "get", FirstKey: 1, LastKey: 1, Step: 1},
		{Name: "x.new", Flags: command.Keyless},
		{Name: "ft.search", Flags: command.Keyless, Proxy: command.RouteFanout},
		{Name: "echo", Flags: command.Keyless, Proxy: command.RouteLocal},
		{Name: "shutdown", Flags: command.Keyless | command.NodeOnly, Proxy: command.RouteLocal},
		{Name: "strlen", FirstKey: 1, LastKey: 1, Step: 1, Proxy: command.RouteAnyNode},
		{Name: "sunion", FirstKey: 1, LastKey: -1, Step: 1, Proxy: command.RouteFanout},
	}
	_, err := GenerateProxy(dir, "srv", specs)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		"spec get: route RouteKey takes no handler, but srv has proxyGet (a.go:8)",
		"spec x.new: names no key but has no Proxy route",
		"spec ft.search: route RouteFanout needs a handler, and srv has no proxyFtSearch",
		"proxyECHO (a.go:10) and proxyEcho (a.go:11) have the same name but for case",
		"spec shutdown: flagged NodeOnly, which the proxy refuses, but given Proxy RouteLocal",
		"spec strlen: names keys but is routed to any node",
		"spec sunion: txSplitSUnion (a.go:12) splits it in a transaction, but its route is RouteFanout",
		"spec get: acrossGet (a.go:13) waits across nodes, but the spec is neither Blocking nor has a BlocksIf",
		"proxyOrphan (a.go:9) in srv: no spec \"orphan\"",
		"computeNothing (a.go:14) in srv: no spec \"nothing\"",
		"spec get: txLocalGet (a.go:15) answers it in a transaction, but its route is RouteKey, not RouteLocal",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors do not say %q:\n%v", want, err)
		}
	}
}
