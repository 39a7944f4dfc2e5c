package main

import (
	"archive/tar"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/vector/ft"
)

// TestPrebuiltImage builds the container image of deploy/prebuilt.Containerfile
// with podman (Debian's; skipped where there is none) from a static binary
// built here, and checks the image runs vcache as the non-root user with
// its ports and a /data directory, and carries the Chinese lexicon where
// a node looks for it (when Debian's friso-dict is installed here; the
// lexicon copied into the context loads). Whether the image also runs depends on
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
	lexFiles := copyLexicon(t, filepath.Join(ctx, "friso"))
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
	if len(lexFiles) > 0 {
		checkImageFiles(t, podman, tag, lexFiles)
	}
	run, err := exec.Command(podman, "run", "--rm", "--network=none", tag, "version").CombinedOutput()
	switch {
	case err == nil && !strings.Contains(string(run), "vcache"):
		t.Errorf("the image ran but printed %q", run)
	case err != nil:
		t.Logf("podman cannot run containers on this machine (the image built): %v: %s", err, strings.TrimSpace(string(run)))
	}
}

// copyLexicon copies Debian's Chinese lexicon (friso-dict), when
// installed, into dir as the image's build context wants it, checks that
// vcache loads it from there, and returns the image paths and sizes of its
// files (none, and an empty dir, when it is not installed).
func copyLexicon(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	const src = "/usr/share/friso/dict/UTF-8"
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Logf("no Chinese lexicon to put in the image: %v", err)
		return nil
	}
	files := map[string]int64{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
		files[strings.TrimPrefix(src, "/")+"/"+e.Name()] = int64(len(data))
	}
	ft.SetChineseLexicon(dir)
	defer ft.SetChineseLexicon("")
	if words, _, err := ft.ChineseLexicon(); err != nil || words < 100_000 {
		t.Fatalf("the lexicon copied for the image loads %d words (%v), want over 100,000", words, err)
	}
	return files
}

// checkImageFiles checks that the image tag holds every file of want
// (path without the leading slash, and size), reading the layers of
// podman save's archive.
func checkImageFiles(t *testing.T, podman, tag string, want map[string]int64) {
	t.Helper()
	archive := filepath.Join(t.TempDir(), "image.tar")
	if out, err := exec.Command(podman, "save", "--format", "docker-archive", "-o", archive, tag).CombinedOutput(); err != nil {
		t.Fatalf("podman save: %v\n%s", err, out)
	}
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string]int64{}
	outer := tar.NewReader(f)
	for {
		h, err := outer.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(h.Name, ".tar") {
			continue
		}
		layer := tar.NewReader(outer)
		for {
			lh, err := layer.Next()
			if err != nil {
				break
			}
			got[strings.TrimPrefix(lh.Name, "./")] = lh.Size
		}
	}
	for path, size := range want {
		if got[path] != size {
			t.Errorf("image file /%s: %d bytes, want %d", path, got[path], size)
		}
	}
}
