package proxy

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestFTAsksAgainWhenSlotsMoved: a node whose map has moved slots away
// (a split's source that dropped them) refuses a query naming them; the
// proxy then asks again by its newer map, and the client sees every
// document: FT.INFO counts them all and FT.SEARCH finds the moved ones.
func TestFTAsksAgainWhenSlotsMoved(t *testing.T) {
	src, dst := startSearchNode(t), startSearchNode(t)
	p := startProxy(t, Config{}, src.addr, dst.addr)
	c := dialRaw(t, p.addr)
	if got := c.do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "v", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2"); got != "+OK\r\n" {
		t.Fatalf("FT.CREATE = %q", got)
	}
	for i := range 40 {
		if got := c.do("HSET", fmt.Sprintf("doc:%d", i), "v", encodeVec(float32(i), 0)); got != ":1\r\n" {
			t.Fatalf("HSET = %q", got)
		}
	}
	src.mu.Lock()
	moved := len(src.docs)
	if moved == 0 || moved == 40 {
		src.mu.Unlock()
		t.Fatalf("the source holds %d of 40 documents: want a share", moved)
	}
	// The split: the target has the source's documents, the source's map
	// gives them away and it drops them; the proxy learns that map only
	// when the source has refused it.
	dst.mu.Lock()
	for k, d := range src.docs {
		dst.docs[k] = d
	}
	dst.mu.Unlock()
	src.docs = map[string]map[string]string{}
	refused := 0
	src.gone, src.onGone = true, func() {
		refused++
		if err := p.router.SetAddrs([]string{dst.addr}); err != nil {
			t.Error(err)
		}
	}
	src.mu.Unlock()
	if got := c.do("FT.INFO", "idx"); !strings.Contains(got, "$8\r\nnum_docs\r\n$2\r\n40\r\n") {
		t.Errorf("FT.INFO after the split = %q, want num_docs 40", got)
	}
	src.mu.Lock()
	if refused != 1 {
		t.Errorf("the source refused %d times, want 1", refused)
	}
	src.mu.Unlock()
	// FT.SEARCH, by the old map again: the nearest to doc:0 of them all.
	if err := p.router.SetAddrs([]string{src.addr, dst.addr}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "the proxy to route to the source again", func() bool { return len(p.routes.Load().nodes) == 2 })
	src.mu.Lock()
	src.onGone = func() {
		if err := p.router.SetAddrs([]string{dst.addr}); err != nil {
			t.Error(err)
		}
	}
	src.mu.Unlock()
	got := c.do("FT.SEARCH", "idx", "*=>[KNN 3 @v $B AS d]", "PARAMS", "2", "B", encodeVec(0, 0), "SORTBY", "d", "RETURN", "1", "d", "DIALECT", "2")
	for _, k := range []string{"doc:0", "doc:1", "doc:2"} {
		if !strings.Contains(got, "\r\n"+k+"\r\n") {
			t.Errorf("FT.SEARCH after the split = %q, want %s", got, k)
		}
	}
}
