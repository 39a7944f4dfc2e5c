package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// readGenesis returns testdata/genesis.txt: the Genesis text of
// RediSearch's tests (tests/ctests/genesis.txt), as its pytests load it
// (Python's text mode: LF line ends).
func readGenesis(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/genesis.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFTSnippetsGolden runs testdata/ftsnippets.txt on one node and
// through the proxy over three: HIGHLIGHT, SUMMARIZE, INKEYS and
// INFIELDS, and their errors, each reply the file's (RediSearch 2.8's
// expected replies where its tests have them, cited there).
func TestFTSnippetsGolden(t *testing.T) {
	genesis := readGenesis(t)
	paths := map[string]*testutil.Conn{
		"node":  testutil.Dial(t, startNode(t)),
		"proxy": testutil.Dial(t, serveProxyOver(t, startNode(t), startNode(t), startNode(t))),
	}
	for _, s := range testutil.ReadGolden(t, "testdata/ftsnippets.txt") {
		for i, a := range s.Args {
			if a == "$GENESIS" {
				s.Args[i] = genesis
			}
		}
		want := strings.Join(s.Want, "\n")
		for name, c := range paths {
			c.Send(s.Args...)
			v, err := c.ReadValue()
			if err != nil {
				t.Fatalf("line %d, %s: %v", s.Line, name, err)
			}
			if got := testutil.CLI(v); got != want {
				t.Errorf("line %d %.120q, %s:\n got  %s\n want %s", s.Line, s.Args, name, got, want)
			}
		}
	}
}

// TestFTSnippetsGenesis: the rest of RediSearch's testSummarization
// (tests/pytests/test_summarize.py), whose replies are too long for the
// golden file, on one node and through the proxy over three: the query's
// words highlighted in the fragments, the whole text highlighted, a
// NOT query leaving it whole (211500 bytes), a FRAGS past the fragments.
func TestFTSnippetsGenesis(t *testing.T) {
	genesis := readGenesis(t)
	ctx := context.Background()
	for name, addr := range map[string]string{
		"node":  startNode(t),
		"proxy": serveProxyOver(t, startNode(t), startNode(t), startNode(t)),
	} {
		t.Run(name, func(t *testing.T) {
			c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2})
			defer c.Close()
			if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "SCHEMA", "txt", "TEXT").Err(); err != nil {
				t.Fatal(err)
			}
			c.HSet(ctx, "gen1", "txt", genesis)
			text := func(args ...any) string {
				t.Helper()
				res, err := c.Do(ctx, append([]any{"FT.SEARCH", "idx"}, args...)...).Slice()
				if err != nil {
					t.Fatalf("%v: %v", args, err)
				}
				if len(res) != 3 || res[0] != int64(1) || res[1] != "gen1" {
					t.Fatalf("%v: %.200v", args, res)
				}
				f := res[2].([]any)
				if len(f) != 2 || f[0] != "txt" {
					t.Fatalf("%v: fields %.200v", args, f)
				}
				return f[1].(string)
			}
			s := text("abraham isaac jacob", "SUMMARIZE", "FIELDS", 1, "txt", "LEN", 20,
				"HIGHLIGHT", "FIELDS", 1, "txt", "TAGS", "<b>", "</b>")
			for _, w := range []string{"<b>Abraham</b>", "<b>Isaac</b>", "<b>Jacob</b>"} {
				if !strings.Contains(s, w) {
					t.Errorf("summary without %s: %.300q", w, s)
				}
			}
			if strings.Count(s, "... ") != 3 || len(s) > 3*(20*6+200) {
				t.Errorf("summary of %d bytes, %d fragments: %.300q", len(s), strings.Count(s, "... "), s)
			}
			whole := text("abraham isaac jacob", "HIGHLIGHT", "fields", 1, "txt", "TAGS", "<i>", "</i>")
			if len(whole) < 160000 || !strings.Contains(whole, "And <i>Abraham</i> rose up early") ||
				strings.ReplaceAll(strings.ReplaceAll(whole, "<i>", ""), "</i>", "") != genesis {
				t.Errorf("whole text highlighted: %d bytes, %.300q", len(whole), whole)
			}
			// Every fragment: each name as often as in the text (the
			// contexts stop at their neighbours).
			all := text("abraham isaac jacob", "SUMMARIZE", "FIELDS", 1, "txt", "FRAGS", 10000)
			for _, w := range []string{"Abraham", "Isaac", "Jacob"} {
				if got, want := strings.Count(all, w), strings.Count(genesis, w); got != want || want < 50 {
					t.Errorf("FRAGS 10000: %s %d times, in the text %d", w, got, want)
				}
			}
			if got := text("-blah", "HIGHLIGHT"); got != genesis || len(got) != 211500 {
				t.Errorf("-blah HIGHLIGHT: %d bytes, want the text whole (211500)", len(got))
			}
		})
	}
}

// TestFTSnippetsClientsThroughProxy: HIGHLIGHT, SUMMARIZE, INKEYS and
// INFIELDS through the proxy over three nodes as go-redis sends and reads
// them, in RESP2 and RESP3 (testutil.CheckFTSnippets, which node's tests
// run on a node).
func TestFTSnippetsClientsThroughProxy(t *testing.T) {
	testutil.CheckFTSnippets(t, serveProxyOver(t, startNode(t), startNode(t), startNode(t)), "snip")
}
