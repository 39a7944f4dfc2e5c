package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/testutil"
	"github.com/vcache/vcache/proxy"
)

// ftCase is one command of testdata/ftsearch_errors.txt and its reply.
type ftCase struct {
	args []string
	want string
}

func readFTCases(t *testing.T, path string) []ftCase {
	t.Helper()
	var cases []ftCase
	for _, s := range testutil.ReadGolden(t, path) {
		cases = append(cases, ftCase{args: s.Args, want: strings.Join(s.Want, "\n")})
	}
	return cases
}

// serveProxyOver serves a proxy with the default config in front of
// nodes, shut down when the test ends, and returns its address.
func serveProxyOver(t *testing.T, nodes ...string) string {
	t.Helper()
	return serveProxyWith(t, proxy.DefaultConfig(), nodes...)
}

// halfTag returns a hash tag whose slot is in the low half of the slots
// (the first node's, under a proxy over two nodes) when low, else in the
// high half.
func halfTag(low bool) string {
	for i := 0; ; i++ {
		s := fmt.Sprintf("t%d", i)
		if (keyslot.OfString(s) < keyslot.Count/2) == low {
			return s
		}
	}
}

// serveProxyWith serves a proxy with cfg in front of nodes, shut down
// when the test ends, and returns its address.
func serveProxyWith(t *testing.T, cfg proxy.Config, nodes ...string) string {
	t.Helper()
	router, err := proxy.NewStaticRouter(nodes)
	if err != nil {
		t.Fatal(err)
	}
	return serveProxyRouted(t, cfg, router)
}

// serveProxyRouted serves a proxy with cfg that routes with router, shut
// down when the test ends, and returns its address.
func serveProxyRouted(t *testing.T, cfg proxy.Config, router proxy.Router) string {
	t.Helper()
	p, err := proxy.New(cfg, router, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Serve(context.Background(), ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		p.Shutdown(ctx)
		<-done
	})
	return ln.Addr().String()
}

// TestFTSearchErrorsSameOnEveryPath sends bad FT.SEARCH commands to one
// node and through the proxy over three: each reply must be the same, and
// the golden file's.
func TestFTSearchErrorsSameOnEveryPath(t *testing.T) {
	direct := testutil.Dial(t, startNode(t))
	via := testutil.Dial(t, serveProxyOver(t, startNode(t), startNode(t), startNode(t)))
	blob := make([]byte, 8)
	binary.LittleEndian.PutUint32(blob, math.Float32bits(0.5))
	binary.LittleEndian.PutUint32(blob[4:], math.Float32bits(0.25))
	far := make([]byte, 8)
	binary.LittleEndian.PutUint32(far, math.Float32bits(3))

	both := func(args ...string) (d, p string) {
		t.Helper()
		dv, p0 := direct.Do(args...), via.Do(args...)
		return dv, p0
	}
	setup := [][]string{
		{"FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "v", "VECTOR", "FLAT", "6",
			"TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2", "title", "TEXT", "year", "NUMERIC", "genre", "TAG"},
		{"HSET", "doc:1", "v", string(blob), "title", "one", "year", "2001", "genre", "a"},
		{"HSET", "doc:2", "v", string(far), "title", "two", "year", "2002", "genre", "b"},
	}
	for _, args := range setup {
		if d, p := both(args...); d != p || strings.HasPrefix(d, "-") {
			t.Fatalf("%q: direct %q, proxy %q", args, d, p)
		}
	}

	check := func(args []string, want string) {
		t.Helper()
		direct.Send(args...)
		via.Send(args...)
		dv, err := direct.ReadValue()
		if err != nil {
			t.Fatalf("%q direct: %v", args, err)
		}
		pv, err := via.ReadValue()
		if err != nil {
			t.Fatalf("%q through the proxy: %v", args, err)
		}
		d, p := testutil.CLI(dv), testutil.CLI(pv)
		if d != p {
			t.Errorf("FT.SEARCH %q:\n node:  %s\n proxy: %s", args[2:], d, p)
		}
		if want != "" && d != want {
			t.Errorf("FT.SEARCH %q:\n got  %s\n want %s", args[2:], d, want)
		}
	}
	cases := readFTCases(t, "testdata/ftsearch_errors.txt")
	if len(cases) < 20 {
		t.Fatalf("%d cases in the golden file", len(cases))
	}
	for _, c := range cases {
		for i, a := range c.args {
			if a == "$B" {
				c.args[i] = string(blob)
			}
		}
		check(c.args, c.want)
	}

	// More lines, compared between the paths only: every option with a
	// missing or bad value, at the end of an otherwise good command.
	good := []string{"FT.SEARCH", "idx", "*=>[KNN 2 @v $B AS d]", "PARAMS", "2", "B", string(blob), "SORTBY", "d", "DIALECT", "2"}
	for _, tail := range [][]string{
		{"LIMIT"}, {"LIMIT", "1"}, {"LIMIT", "x", "y"}, {"LIMIT", "1.5", "2"}, {"LIMIT", "0", "0"},
		{"SORTBY"}, {"SORTBY", "year", "MAX", "3"}, {"RETURN", "-1"}, {"RETURN", "1"}, {"RETURN", "3", "a", "AS", "as"},
		{"PARAMS", "2", "C", "1"}, {"DIALECT", "x"}, {"TIMEOUT"}, {"SLOP"}, {"SLOP", "x"}, {"LANGUAGE"},
		{"EXPANDER"}, {"SCORER"}, {"PAYLOAD"}, {"INKEYS"}, {"INFIELDS", "5"}, {"FILTER", "year", "x", "1"},
		{"FILTER", "year", "1", "(y"}, {"GEOFILTER", "g", "1", "2", "3"}, {"GEOFILTER", "g", "1", "2", "3", "parsec"},
		{"HIGHLIGHT", "TAGS", "<b>"}, {"SUMMARIZE", "LEN", "x"}, {"FORMAT"}, {"FORMAT", "JSON"},
		{"WITHSCORES", "EXPLAINSCORE", "BOGUS"}, {"bogus\r\nline"}, {"GROUPBY"}, {"WITHCURSOR"},
	} {
		check(append(append([]string(nil), good...), tail...), "")
	}
	// And the good command itself, so the comparison is not of errors only.
	check(good, "")
}
