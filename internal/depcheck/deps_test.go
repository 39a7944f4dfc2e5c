package depcheck

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const mod = "github.com/vcache/vcache/"

// forbidden maps a package (and its subpackages) to the project packages
// it must never depend on, directly or not.
var forbidden = map[string][]string{
	"cache":   {"vector", "cluster", "node", "proxy", "bench", "cmd"},
	"vector":  {"cache", "cluster", "node", "proxy", "bench", "cmd"},
	"cluster": {"cache", "vector", "node", "proxy", "bench", "cmd"},
	"proxy":   {"cache", "vector", "node", "bench", "cmd"},
	"node":    {"proxy", "bench", "cmd"},
	"bench":   {"cache", "node", "proxy", "cluster", "cmd"}, // vector is a library benches may measure in-process
	// rag and examples are clients: they reach vcache over RESP only (their
	// tests may start a node in-process; go list -deps does not follow
	// test imports).
	"rag":      {"cache", "vector", "cluster", "node", "proxy", "bench", "cmd"},
	"examples": {"cache", "vector", "cluster", "node", "proxy", "bench", "cmd", "rag"},
	"internal": {"cache", "vector", "cluster", "node", "proxy", "bench", "cmd"},
	"script":   {"cache", "vector", "cluster", "node", "proxy", "bench", "cmd"},
}

// netFree packages must not touch the network.
var netFree = []string{"cache", "vector", "script"}

func TestPackageGraph(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, mod+"...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], mod)
		top, _, _ := strings.Cut(pkg, "/")
		for _, dep := range fields[1:] {
			if !strings.HasPrefix(dep, mod) {
				for _, nf := range netFree {
					if top == nf && (dep == "net" || strings.HasPrefix(dep, "net/")) {
						t.Errorf("%s imports %s: %s must not touch the network", pkg, dep, nf)
					}
				}
				continue
			}
			depTop, _, _ := strings.Cut(strings.TrimPrefix(dep, mod), "/")
			for _, bad := range forbidden[top] {
				if depTop == bad {
					t.Errorf("%s depends on %s: %s must not import %s", pkg, dep, top, bad)
				}
			}
		}
	}
}

// speakNoRESP packages return typed values and sentinel errors; the
// front ends (node, proxy) turn them into RESP. (Their tests may use the
// shared test helpers, which speak RESP for other packages' tests.)
var speakNoRESP = []string{"cluster", "vector", "script"}

// respPackages read or write RESP: servers, clients and vcache's own.
var respPackages = []string{"github.com/tidwall/redcon", "github.com/redis/go-redis", mod + "internal/resp"}

func TestNoRESPInClusterOrVector(t *testing.T) {
	var pkgs []string
	for _, p := range speakNoRESP {
		pkgs = append(pkgs, mod+p+"/...")
	}
	out, err := exec.Command("go", append([]string{"list", "-f", `{{.ImportPath}}|{{join .Deps " "}}`}, pkgs...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, deps, _ := strings.Cut(line, "|")
		checked++
		for _, dep := range strings.Fields(deps) {
			for _, bad := range respPackages {
				if dep == bad || strings.HasPrefix(dep, bad+"/") {
					t.Errorf("%s depends on %s: cluster and vector speak no RESP (the node writes replies)", pkg, dep)
				}
			}
		}
	}
	if checked < len(speakNoRESP) {
		t.Fatalf("go list listed %d packages:\n%s", checked, out)
	}
}

// respCodes start the error replies of RESP; only the front ends (node,
// proxy, internal/command) word them.
var respCodes = []string{"ERR ", "WRONGTYPE ", "MOVED ", "ASK ", "TRYAGAIN", "CLUSTERDOWN", "NOPERM ", "OOM ", "NOAUTH ", "EXECABORT ", "BUSY"}

// TestNoRESPErrorTexts: cache, cluster and vector return sentinel errors
// in plain words; no string literal of theirs starts with a RESP error
// code.
func TestNoRESPErrorTexts(t *testing.T) {
	for _, dir := range []string{"cache", "cluster", "vector"} {
		root := filepath.Join("..", "..", dir)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for i, line := range strings.Split(string(src), "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "//") {
					continue // a comment may name a code
				}
				for _, code := range respCodes {
					if strings.Contains(line, `"`+code) {
						t.Errorf("%s:%d: a literal starts with the RESP code %q: return a sentinel, the node words the reply", path, i+1, strings.TrimSpace(code))
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
