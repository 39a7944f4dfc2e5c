package node

import (
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/testutil"
)

// TestFTSnippetsClients: INKEYS, INFIELDS, HIGHLIGHT and SUMMARIZE on a
// node as go-redis sends and reads them, in RESP2 and RESP3
// (testutil.CheckFTSnippets; cmd/vcache runs it through the proxy).
func TestFTSnippetsClients(t *testing.T) {
	testutil.CheckFTSnippets(t, startNode(t, nil).addr, "snip")
}

// TestFTSnippetsExplainProfileCLI: FT.EXPLAIN shows INKEYS as
// RediSearch's IDS node (the ids of the keys the index holds, from 1, each
// with a comma), FT.PROFILE as an ID-LIST iterator (tests/pytests/test.py
// test_MOD_3540's check) with a Highlighter after the Loader, and
// redis-cli prints a highlighted reply.
func TestFTSnippetsExplainProfileCLI(t *testing.T) {
	tn := startNode(t, nil)
	rc := tn.raw(t)
	rc.do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc", "SCHEMA", "t", "TEXT")
	for _, k := range []string{"doc0", "doc1", "doc2"} {
		rc.do("HSET", k, "t", "foo bar")
	}
	want := "\"INTERSECT {\\n  UNION {\\n    foo\\n    +foo(expanded)\\n  }\\n  IDS {3,1,}\\n}\\n\""
	if got := rc.do("FT.EXPLAIN", "idx", "foo", "INKEYS", "3", "doc2", "nosuch", "doc0"); got != want {
		t.Errorf("FT.EXPLAIN with INKEYS:\n got  %s\n want %s", got, want)
	}
	prof := rc.do("FT.PROFILE", "idx", "SEARCH", "QUERY", "*", "INKEYS", "2", "doc0", "doc2", "HIGHLIGHT")
	if !strings.Contains(prof, `"ID-LIST"`) || !strings.Contains(prof, `"Highlighter"`) || !strings.HasPrefix(prof, "1) 1) (integer) 2") {
		t.Errorf("FT.PROFILE with INKEYS and HIGHLIGHT:\n%s", prof)
	}
	out := redisCLI(t, tn.addr, nil, "FT.SEARCH", "idx", "bar", "INKEYS", "1", "doc1", "HIGHLIGHT", "TAGS", "*", "*")
	if want := "1\ndoc1\nt\nfoo *bar*\n"; out != want {
		t.Errorf("redis-cli FT.SEARCH ... HIGHLIGHT printed %q, want %q", out, want)
	}
}
