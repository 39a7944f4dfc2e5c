package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// nodeClients returns node and the directory of the Node.js clients that
// scripts/fetch-node-clients.sh installs, or skips the test without them
// (fails in CI, which installs them).
func nodeClients(t *testing.T) (node, modules string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		modules, err = filepath.Abs("../../.cache/node-clients/node_modules")
	}
	if err == nil {
		_, err = os.Stat(filepath.Join(modules, "bullmq"))
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Node.js clients are required in CI (scripts/fetch-node-clients.sh): %v", err)
		}
		t.Skipf("Node.js clients not installed (scripts/fetch-node-clients.sh): %v", err)
	}
	return node, modules
}

// runNodeScript runs a script of testdata/nodeclients with args and
// returns its output (the last line: the script's JSON).
func runNodeScript(t *testing.T, node, modules, script string, args ...string) string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("testdata/nodeclients", script))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, append([]string{path}, args...)...)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	cmd.WaitDelay = 5 * time.Second
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
		case <-time.After(90 * time.Second):
			_ = cmd.Process.Kill()
		}
	}()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s %v: %v\n%s", script, args, err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}

// TestNodeClientsThroughProxy runs node-redis 6 (RESP2 and RESP3: it
// opens with HELLO), ioredis 5 and a BullMQ 5 queue with a worker through
// the proxy of `vcache dev`, and against redis-server 7.0.15, and wants
// the same results from both.
func TestNodeClientsThroughProxy(t *testing.T) {
	node, modules := nodeClients(t)
	ref := startRedisRef(t)
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error", "--admin-addr", "")
	defer func() { cancel(); <-done }()
	port := func(a string) string { return a[strings.LastIndexByte(a, ':')+1:] }
	for _, c := range []struct {
		script string
		args   []string
	}{
		{"clients.cjs", nil},
		// BullMQ's scripts name several keys of a queue: the hash tag
		// keeps them in one slot, as Redis Cluster asks.
		{"bullmq.cjs", []string{"{bull}"}},
	} {
		got := runNodeScript(t, node, modules, c.script, append([]string{port(addr)}, c.args...)...)
		want := runNodeScript(t, node, modules, c.script, append([]string{port(ref)}, c.args...)...)
		t.Logf("%s: %.300s", c.script, got)
		if got != want {
			t.Errorf("%s through the proxy:\n%s\nredis-server:\n%s", c.script, got, want)
		}
	}
}

// TestRedisOMThroughProxy runs redis-om 0.4 (JSON documents and hashes,
// an index each, the searches its fluent API builds) through the proxy.
// redis-server has no search to compare with: the answers below follow
// from the three albums the script saves (Copenhagen, Berlin and London
// as their places; 500 km around Copenhagen takes in Berlin, not London).
func TestRedisOMThroughProxy(t *testing.T) {
	node, modules := nodeClients(t)
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error", "--admin-addr", "")
	defer func() { cancel(); <-done }()
	got := runNodeScript(t, node, modules, "redisom.cjs", addr[strings.LastIndexByte(addr, ':')+1:])
	var want []string
	for _, form := range []string{"JSON", "HASH"} {
		for _, r := range []string{
			`"artist equals",["The Righteous & The Butterfly","XIII"]`,
			`"year gt",["Take Me Back to Eden","The Righteous & The Butterfly"]`,
			`"sorted by year desc",[2023,2014,2003]`,
			`"genres contain",["XIII"]`,
			`"title matches",["Take Me Back to Eden"]`,
			`"title matches exactly",["Take Me Back to Eden"]`,
			`"boolean",["The Righteous & The Butterfly"]`,
			`"within 500 km",["The Righteous & The Butterfly","XIII"]`,
			`"count between",2`,
			`"page 2 of 1",[2014]`,
			`"first","Take Me Back to Eden"`,
		} {
			want = append(want, `["`+form+`",`+r+`]`)
		}
	}
	if w := "[" + strings.Join(want, ",") + "]"; got != w {
		t.Errorf("redis-om through the proxy:\n%s\nwant:\n%s", got, w)
	}
}

// TestLangChainThroughProxy runs LangChain.js's Redis vector store (index,
// documents, KNN with scores, a tag filter, deleteAll) and chat history
// through the proxy, with fixed embeddings: the nearest two to the query
// are at cosine distance 0 and 0.2, the filter keeps the one machine.
func TestLangChainThroughProxy(t *testing.T) {
	node, modules := nodeClients(t)
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error", "--admin-addr", "")
	defer func() { cancel(); <-done }()
	got := runNodeScript(t, node, modules, "langchain.cjs", addr[strings.LastIndexByte(addr, ':')+1:])
	want := `[["nearest 2",[["cats purr","animal",0],["dogs bark","animal",0.2]]],["filtered",["cars honk"]],` +
		`["history",[["human","hi"],["ai","hello"]]],["history cleared",0],["index dropped",[]]]`
	if got != want {
		t.Errorf("LangChain.js through the proxy:\n%s\nwant:\n%s", got, want)
	}
}
