package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/testutil"
)

// TestRedisPyFTCompatThroughProxy runs node/testdata/redispy_ftcompat.py
// (redis-py 4.3.4's dropindex, tagvals, explain, spellcheck, config,
// aliasadd, info and suggestions) through `vcache proxy` in front of
// three real nodes: the index, its aliases and options exist on every
// node, and the answers are merged.
func TestRedisPyFTCompatThroughProxy(t *testing.T) {
	py := testutil.PythonWith(t, "redis")
	backends := startNode(t) + "," + startNode(t) + "," + startNode(t)
	addr, cancel, done := startCmd(t, "proxy", "--port", "0", "--backend", backends, "--loglevel", "error")
	defer func() { cancel(); <-done }()
	_, port, _ := strings.Cut(addr, ":")
	ctx, stop := context.WithTimeout(context.Background(), 60*time.Second)
	defer stop()
	out, err := exec.CommandContext(ctx, py, "../../node/testdata/redispy_ftcompat.py", port).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("redis-py through the proxy: %v\n%s", err, out)
	}
}
