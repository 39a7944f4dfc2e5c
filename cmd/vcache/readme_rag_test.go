package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/testutil"
)

// readmeRAGDemo returns the `./vcache rag` command lines of the README's RAG
// demo (its first sh block) and the output block quoted after them.
func readmeRAGDemo(t *testing.T) (cmds [][]string, quoted string) {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "\n## RAG demo\n")
	if i < 0 {
		t.Fatal("README has no RAG demo section")
	}
	s = s[i:]
	blocks := regexp.MustCompile("(?s)```(\\w*)\n(.*?)```").FindAllStringSubmatch(s, 2)
	if len(blocks) < 2 || blocks[0][1] != "sh" {
		t.Fatal("README's RAG demo has no sh block followed by an output block")
	}
	for _, line := range strings.Split(blocks[0][2], "\n") {
		if !strings.HasPrefix(line, "./vcache rag ") {
			continue
		}
		if c := strings.Index(line, "  #"); c >= 0 {
			line = line[:c]
		}
		args, err := testutil.SplitArgs(strings.TrimPrefix(line, "./vcache rag "))
		if err != nil {
			t.Fatalf("README line %q: %v", line, err)
		}
		cmds = append(cmds, args)
	}
	return cmds, blocks[1][2]
}

// TestReadmeRAGDemo runs the README's RAG demo commands on the real GloVe
// vectors against `vcache dev` and compares their output with the output
// the README quotes (durations aside), so the README cannot claim hits the
// demo does not find.
func TestReadmeRAGDemo(t *testing.T) {
	glove := filepath.Join("..", "..", defaultGloVe)
	if _, err := os.Stat(glove); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no GloVe file (%v): .ci/run fetches it with scripts/fetch-rag-data.sh glove", err)
		}
		t.Skip("no GloVe file; run scripts/fetch-rag-data.sh glove")
	}
	cmds, quoted := readmeRAGDemo(t)
	var asks int
	for _, c := range cmds {
		if c[0] == "ask" {
			asks++
		}
	}
	if len(cmds) < 2 || cmds[0][0] != "ingest" || asks == 0 {
		t.Fatalf("README's RAG demo should ingest, then ask: %q", cmds)
	}
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error")
	defer func() { cancel(); <-done }()

	var got strings.Builder
	for _, c := range cmds {
		args := []string{c[0], "--addr", addr, "--glove", glove}
		for _, a := range c[1:] {
			if c[0] == "ingest" && !strings.HasPrefix(a, "-") {
				a = filepath.Join("..", "..", a) // paths are the repository's
			}
			args = append(args, a)
		}
		out, err := ragRun(t, args...)
		if err != nil {
			t.Fatalf("vcache rag %q: %v\n%s", c, err, out)
		}
		got.WriteString(out)
	}
	ms := regexp.MustCompile(`in [0-9.]+(ms|s|µs)\b`)
	norm := func(s string) string { return strings.TrimSpace(ms.ReplaceAllString(s, "in <time>")) }
	if norm(got.String()) != norm(quoted) {
		t.Errorf("the README's RAG demo output is not what its commands print now; paste this into the README:\n%s", got.String())
	}
}
