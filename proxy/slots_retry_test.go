package proxy

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
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

// heldRouter is a static router whose Addrs, when hold is set, answers
// the map it read and then waits until hold is closed.
type heldRouter struct {
	*StaticRouter
	hold atomic.Pointer[chan struct{}]
	read chan struct{}
}

func (r *heldRouter) Addrs() []string {
	a := r.StaticRouter.Addrs()
	if h := r.hold.Swap(nil); h != nil {
		r.read <- struct{}{}
		<-*h
	}
	return a
}

// TestRoutesFollowTheLastMap: a refresh's rebuild of the route table that
// read the map before it changed, and stores after the watcher stored the
// newer map, must not leave the proxy on the older map.
func TestRoutesFollowTheLastMap(t *testing.T) {
	a, b := startSearchNode(t), startSearchNode(t)
	static, err := NewStaticRouter([]string{a.addr})
	if err != nil {
		t.Fatal(err)
	}
	r := &heldRouter{StaticRouter: static, read: make(chan struct{})}
	p, err := New(DefaultConfig(), r, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go p.Serve(context.Background(), ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		p.Shutdown(ctx)
	})
	eventually(t, 2*time.Second, "the first route table", func() bool { return p.routes.Load() != nil })
	hold := make(chan struct{})
	r.hold.Store(&hold)
	rebuilt := make(chan struct{})
	go func() { p.rebuildRoutes(); close(rebuilt) }() // as the refresher does
	<-r.read                                          // it has read the one-node map
	if err := static.SetAddrs([]string{a.addr, b.addr}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the watcher's turn
	close(hold)
	<-rebuilt
	eventually(t, 2*time.Second, "the route table of the two-node map set last", func() bool {
		return len(p.routes.Load().nodes) == 2
	})
}
