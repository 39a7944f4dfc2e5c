package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestPrebuiltImage builds the container image of deploy/prebuilt.Containerfile
// with podman (Debian's; skipped where there is none) from a static binary
// built here, and checks the image runs vcache as the non-root user with
// its ports and a /data directory. Whether the image also runs depends on
// the machine (cgroups, rlimits): the test tries and says what happened.
func TestPrebuiltImage(t *testing.T) {
	podman, err := exec.LookPath("podman")
	if err != nil {
		t.Skip("podman not installed")
	}
	ctx := t.TempDir()
	build := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(ctx, "vcache"), ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if err := os.Mkdir(filepath.Join(ctx, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	tag := "localhost/vcache-test:" + strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")
	file, _ := filepath.Abs(filepath.Join("..", "..", "deploy", "prebuilt.Containerfile"))
	if out, err := exec.Command(podman, "build", "-f", file, "-t", tag, ctx).CombinedOutput(); err != nil {
		t.Fatalf("podman build: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command(podman, "rmi", "-f", tag).Run() })
	out, err := exec.Command(podman, "image", "inspect", tag).Output()
	if err != nil {
		t.Fatalf("podman image inspect: %v", err)
	}
	var images []struct {
		Config struct {
			User         string
			Entrypoint   []string
			Cmd          []string
			ExposedPorts map[string]struct{}
		}
	}
	if err := json.Unmarshal(out, &images); err != nil || len(images) != 1 {
		t.Fatalf("inspect: %v\n%s", err, out)
	}
	c := images[0].Config
	if c.User != "65532:65532" {
		t.Errorf("image user %q, want the non-root 65532:65532", c.User)
	}
	if !slices.Equal(c.Entrypoint, []string{"/vcache"}) || len(c.Cmd) == 0 || c.Cmd[0] != "server" {
		t.Errorf("entrypoint %q cmd %q, want /vcache server ...", c.Entrypoint, c.Cmd)
	}
	for _, p := range []string{"6379/tcp", "7946/tcp", "7946/udp"} {
		if _, ok := c.ExposedPorts[p]; !ok {
			t.Errorf("port %s not exposed: %v", p, c.ExposedPorts)
		}
	}
	run, err := exec.Command(podman, "run", "--rm", "--network=none", tag, "version").CombinedOutput()
	switch {
	case err == nil && !strings.Contains(string(run), "vcache"):
		t.Errorf("the image ran but printed %q", run)
	case err != nil:
		t.Logf("podman cannot run containers on this machine (the image built): %v: %s", err, strings.TrimSpace(string(run)))
	}
}
