package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// flagsOf returns the flag names `vcache sub -h` lists.
func flagsOf(t *testing.T, sub string) map[string]bool {
	t.Helper()
	var out bytes.Buffer
	_ = run(context.Background(), []string{sub, "-h"}, &out, &out)
	names := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s+-([a-z][a-z0-9-]*)`).FindAllStringSubmatch(out.String(), -1) {
		names[m[1]] = true
	}
	if len(names) < 5 {
		t.Fatalf("vcache %s -h listed %d flags:\n%s", sub, len(names), out.String())
	}
	return names
}

var flagToken = regexp.MustCompile(`--([a-z][a-z0-9-]*)`)

// TestDeploymentFilesUseRealFlags checks every --flag in the Dockerfile, the
// compose file and the Kubernetes manifests against the flags of the
// subcommand it is given to, so the files cannot drift from the binary.
func TestDeploymentFilesUseRealFlags(t *testing.T) {
	flags := map[string]map[string]bool{"server": flagsOf(t, "server"), "proxy": flagsOf(t, "proxy"), "dev": flagsOf(t, "dev")}
	root := filepath.Join("..", "..")
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	check := func(file, sub, text string) int {
		n := 0
		for _, m := range flagToken.FindAllStringSubmatch(text, -1) {
			n++
			if !flags[sub][m[1]] {
				t.Errorf("%s: vcache %s has no flag --%s", file, sub, m[1])
			}
		}
		return n
	}
	// The Dockerfile's CMD lines and the example in its comments.
	for _, line := range strings.Split(read("Dockerfile"), "\n") {
		switch {
		case strings.HasPrefix(line, "CMD "):
			check("Dockerfile", "server", line)
		case strings.Contains(line, "vcache dev "):
			check("Dockerfile", "dev", line[strings.Index(line, "vcache dev "):])
		}
	}
	// Compose: each service's command array.
	compose := read("docker-compose.yml")
	commands := regexp.MustCompile(`(?s)command: \[(server|proxy),(.*?)\]`).FindAllStringSubmatch(compose, -1)
	if len(commands) != 4 {
		t.Fatalf("docker-compose.yml: %d commands, want 3 nodes and a proxy", len(commands))
	}
	for _, c := range commands {
		if check("docker-compose.yml", c[1], c[2]) == 0 {
			t.Errorf("docker-compose.yml: no flags in %q", c[0])
		}
	}
	// Kubernetes: the nodes' and the proxies' args.
	if check("deploy/k8s/nodes.yaml", "server", argsOf(t, read("deploy/k8s/nodes.yaml"), "server")) < 8 {
		t.Error("deploy/k8s/nodes.yaml: too few flags found")
	}
	if check("deploy/k8s/proxy.yaml", "proxy", argsOf(t, read("deploy/k8s/proxy.yaml"), "proxy")) < 3 {
		t.Error("deploy/k8s/proxy.yaml: too few flags found")
	}
}

// argsOf returns the "- --flag" lines that follow "- sub" in a manifest.
func argsOf(t *testing.T, manifest, sub string) string {
	t.Helper()
	i := strings.Index(manifest, "- "+sub+"\n")
	if i < 0 {
		t.Fatalf("no %q container args", sub)
	}
	var b strings.Builder
	for _, line := range strings.Split(manifest[i:], "\n")[1:] {
		l := strings.TrimSpace(line)
		if !strings.HasPrefix(l, "- --") {
			break
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}

// TestDeploymentFilesAreYAML parses the compose file and the manifests
// with PyYAML (Debian python3-yaml), and checks the kinds the README
// promises are there.
func TestDeploymentFilesAreYAML(t *testing.T) {
	if err := exec.Command("python3", "-c", "import yaml").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 with PyYAML is required in CI (apt-get install python3-yaml)")
		}
		t.Skip("python3-yaml not installed")
	}
	root := filepath.Join("..", "..")
	files := []string{filepath.Join(root, "docker-compose.yml")}
	k8s, _ := filepath.Glob(filepath.Join(root, "deploy", "k8s", "*.yaml"))
	files = append(files, k8s...)
	script := `import sys, yaml
kinds = []
for f in sys.argv[1:]:
    for d in yaml.safe_load_all(open(f)):
        kinds.append(d.get("kind", "compose") if isinstance(d, dict) else "?")
print(" ".join(sorted(kinds)))`
	out, err := exec.Command("python3", append([]string{"-c", script}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("YAML: %v\n%s", err, out)
	}
	got := strings.Fields(string(out))
	for _, kind := range []string{"StatefulSet", "Deployment", "Service", "PodDisruptionBudget", "Role", "RoleBinding", "ServiceAccount", "compose"} {
		if !slices.Contains(got, kind) {
			t.Errorf("no %s among %v", kind, got)
		}
	}
}

// TestComposeKeepsDataAndBuildsOnce: the compose file builds one image and
// every service runs it; each node keeps its snapshot in a named volume
// (--dir /data), so a restarted container comes back with its data; the
// proxy publishes its admin port.
func TestComposeKeepsDataAndBuildsOnce(t *testing.T) {
	if err := exec.Command("python3", "-c", "import yaml").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 with PyYAML is required in CI (apt-get install python3-yaml)")
		}
		t.Skip("python3-yaml not installed")
	}
	script := `import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
named = set((c.get("volumes") or {}).keys())
for name, s in sorted(c["services"].items()):
    cmd = s["command"]
    vols = s.get("volumes") or []
    print(name, s.get("image", "-"), "build" if "build" in s else "-",
          cmd[cmd.index("--dir") + 1] if "--dir" in cmd else "-",
          ",".join(v for v in vols if v.split(":")[0] in named and v.endswith(":/data")) or "-",
          ",".join(s.get("ports") or []) or "-",
          cmd[cmd.index("--admin-addr") + 1] if "--admin-addr" in cmd else "-")`
	out, err := exec.Command("python3", "-c", script, filepath.Join("..", "..", "docker-compose.yml")).CombinedOutput()
	if err != nil {
		t.Fatalf("compose: %v\n%s", err, out)
	}
	builds := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		name, image, build, dir, volume, ports, admin := f[0], f[1], f[2], f[3], f[4], f[5], f[6]
		if image != "vcache:local" {
			t.Errorf("%s runs image %s, want the one image vcache:local", name, image)
		}
		if build == "build" {
			builds++
		}
		if strings.HasPrefix(name, "node") && (dir != "/data" || volume == "-") {
			t.Errorf("%s: --dir %s, volume %s: a node needs --dir /data on a named volume", name, dir, volume)
		}
		if name == "proxy" && (admin == "-" || !strings.Contains(ports, ":"+admin[strings.LastIndex(admin, ":")+1:])) {
			t.Errorf("proxy: --admin-addr %s not published (ports %s)", admin, ports)
		}
	}
	if builds != 1 {
		t.Errorf("%d services build the image, want 1", builds)
	}
}
