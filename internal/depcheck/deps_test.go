package depcheck

import (
	"os/exec"
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
}

// netFree packages must not touch the network.
var netFree = []string{"cache", "vector"}

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
var speakNoRESP = []string{"cluster", "vector"}

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
