package proxy

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestJSONMGetAndMSetSplitAcrossNodes: JSON.MGET with keys on several
// nodes reaches each node with its keys and the path, and the replies come
// back in the client's key order; JSON.MSET's triples go to their keys'
// nodes.
func TestJSONMGetAndMSetSplitAcrossNodes(t *testing.T) {
	var mu sync.Mutex
	seen := map[string][]string{} // node -> JSON.MSET keys it was sent
	node := func(name string) *fakeNode {
		return startFakeNode(t, func(_ *fakeConn, args []string) string {
			switch strings.ToUpper(args[0]) {
			case "JSON.MGET":
				path := args[len(args)-1]
				var b strings.Builder
				fmt.Fprintf(&b, "*%d\r\n", len(args)-2)
				for _, k := range args[1 : len(args)-1] {
					v := fmt.Sprintf("%s %s %s", name, k, path)
					fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(v), v)
				}
				return b.String()
			case "JSON.MSET":
				mu.Lock()
				for i := 1; i+2 < len(args); i += 3 {
					seen[name] = append(seen[name], args[i]+"="+args[i+1]+"="+args[i+2])
				}
				mu.Unlock()
				return "+OK\r\n"
			}
			return "-ERR unexpected\r\n"
		})
	}
	nodes := []*fakeNode{node("n0"), node("n1"), node("n2")}
	p := startProxy(t, Config{}, nodes[0].addr, nodes[1].addr, nodes[2].addr)
	c := dialRaw(t, p.addr)
	keys := clusterKeys(30)
	args := append([]string{"JSON.MGET"}, keys...)
	args = append(args, "$.a")
	got := c.do(args...)
	if !strings.HasPrefix(got, fmt.Sprintf("*%d\r\n", len(keys))) {
		t.Fatalf("JSON.MGET = %q", got)
	}
	owners := map[string]bool{}
	lines := strings.Split(got, "\r\n")
	for i, k := range keys {
		v := lines[2+2*i]
		f := strings.Fields(v)
		if len(f) != 3 || f[1] != k || f[2] != "$.a" {
			t.Fatalf("JSON.MGET element %d = %q, want key %s with the path", i, v, k)
		}
		owners[f[0]] = true
	}
	if len(owners) < 2 {
		t.Fatalf("%d keys all went to one node: %v", len(keys), owners)
	}
	if got := c.do("JSON.MGET", "k"); !strings.HasPrefix(got, "-ERR wrong number of arguments") {
		t.Fatalf("JSON.MGET without a path = %q", got)
	}
	margs := []string{"JSON.MSET"}
	for _, k := range keys {
		margs = append(margs, k, "$", "1")
	}
	if got := c.do(margs...); got != "+OK\r\n" {
		t.Fatalf("JSON.MSET = %q", got)
	}
	mu.Lock()
	defer mu.Unlock()
	total := 0
	for _, triples := range seen {
		total += len(triples)
		for _, tr := range triples {
			if !strings.HasSuffix(tr, "=$=1") {
				t.Fatalf("JSON.MSET part has a broken triple %q", tr)
			}
		}
	}
	if total != len(keys) || len(seen) < 2 {
		t.Fatalf("JSON.MSET reached %d nodes with %d triples, want several nodes and %d", len(seen), total, len(keys))
	}
}
