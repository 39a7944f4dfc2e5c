package handlergen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/command"
)

// writePkg writes a package "srv" of the given files into a new directory.
func writePkg(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("package srv\n\n"+src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const base = `type Ctx struct{}
type Handler func(*Ctx)
func wrap(f func()) Handler { return func(*Ctx) { f() } }
`

func TestGenerateByConvention(t *testing.T) {
	dir := writePkg(t, map[string]string{
		"a.go": base + `func cmdHSetNX(cx *Ctx) {}
func cmdFTList(*Ctx) {}
func cmdEvalRO(cx *Ctx) {}
var (
	cmdEcho = wrap(func() {})
	cmdUnlink = cmdDel
)
func cmdDel(cx *Ctx) {}
func (Ctx) cmdMethod(cx *Ctx) {}
func cmdline() {}
type cmdEntry struct{}
`,
		"a_test.go": `func cmdFromTest(cx *Ctx) {}`,
	})
	specs := []command.Spec{{Name: "hsetnx"}, {Name: "ft._list"}, {Name: "eval_ro"}, {Name: "echo"},
		{Name: "del"}, {Name: "unlink"}, {Name: "monitor", Flags: command.ProxyOnly}}
	src, err := Generate(dir, "srv", specs)
	if err != nil {
		t.Fatal(err)
	}
	want := `func handlers() map[string]Handler {
	return map[string]Handler{
		"hsetnx":   cmdHSetNX,
		"ft._list": cmdFTList,
		"eval_ro":  cmdEvalRO,
		"echo":     cmdEcho,
		"del":      cmdDel,
		"unlink":   cmdUnlink,
	}
}
`
	if !strings.HasPrefix(string(src), "// Code generated ") || !strings.HasSuffix(string(src), want) {
		t.Errorf("generated:\n%s\nwant it to end with:\n%s", src, want)
	}
	if err := Check(dir, "srv", specs); err == nil || !strings.Contains(err.Error(), "run go generate ./srv") {
		t.Errorf("Check without %s: %v", OutFile, err)
	}
	if err := os.WriteFile(filepath.Join(dir, OutFile), src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Check(dir, "srv", specs); err != nil {
		t.Errorf("Check of a fresh file: %v", err)
	}
	// The generated file is left out of the handlers it reads.
	specs = append(specs, command.Spec{Name: "hsetex"})
	if err := os.WriteFile(filepath.Join(dir, "b.go"), []byte("package srv\n\nfunc cmdHSetEx(cx *Ctx) {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Check(dir, "srv", specs); err == nil || err.Error() != "srv/"+OutFile+" is stale: run go generate ./srv" {
		t.Errorf("Check after a new command: %v", err)
	}
}

func TestGenerateErrors(t *testing.T) {
	dir := writePkg(t, map[string]string{"a.go": base + `func cmdGet(cx *Ctx) {}
func cmdOrphan(cx *Ctx) {}
func cmdSet(cx *Ctx) int { return 0 }
var cmdPing = wrap(func() {})
func cmdPING(cx *Ctx) {}
func cmdEcho(cx *Ctx) {}
`})
	specs := []command.Spec{{Name: "get"}, {Name: "set"}, {Name: "monitor"}, {Name: "ft.search"},
		{Name: "ping"}, {Name: "echo", Flags: command.ProxyOnly}}
	_, err := Generate(dir, "srv", specs)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		"spec monitor: no handler cmdMonitor in srv (",
		"spec ft.search: no handler cmdFtSearch in srv (",
		"spec set: no handler cmdSet in srv",
		"handler cmdSet (a.go:8): a handler func takes one *Ctx and returns nothing",
		"handler cmdOrphan (a.go:7) in srv: no spec \"orphan\" in internal/command",
		"handlers cmdPING (a.go:10) and cmdPing (a.go:9) have the same name but for case",
		"spec echo: flagged ProxyOnly but srv has handler cmdEcho (a.go:11)",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors do not say %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "cmdGet") {
		t.Errorf("errors name cmdGet, which serves spec get:\n%v", err)
	}
}
