package vector

import (
	"bytes"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// gatedIndex is an Index whose Adds wait for gate to be open: the tests
// hold moves into the graph under way.
type gatedIndex struct {
	Index
	mu   sync.Mutex
	open chan struct{}
}

func newGated(t *testing.T, p Params) *gatedIndex {
	t.Helper()
	g, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	return &gatedIndex{Index: g, open: make(chan struct{})}
}

func (g *gatedIndex) Add(id uint32, v []float32) error {
	g.mu.Lock()
	open := g.open
	g.mu.Unlock()
	<-open
	return g.Index.Add(id, v)
}

// release lets the Adds through (again and again: it may be called twice).
func (g *gatedIndex) release() {
	g.mu.Lock()
	select {
	case <-g.open:
	default:
		close(g.open)
	}
	g.mu.Unlock()
}

// passOne lets the Adds waiting now through and has the next ones wait.
func (g *gatedIndex) passOne() {
	g.mu.Lock()
	old := g.open
	g.open = make(chan struct{})
	close(old)
	g.mu.Unlock()
}

// hold has the next Adds wait again.
func (g *gatedIndex) hold() {
	g.mu.Lock()
	g.open = make(chan struct{})
	g.mu.Unlock()
}

func (g *gatedIndex) writeHiding(w io.Writer, hide map[uint32]bool) (int64, error) {
	return g.Index.(hidingWriter).writeHiding(w, hide)
}

// stop lets the Adds through and closes tr (a failed test's moves must
// not hold Close).
func stop(g *gatedIndex, tr *Tiered) {
	g.release()
	tr.Close()
}

func tierParams(dim int) Params {
	p := DefaultParams(HNSW, dim, L2)
	p.EfRuntime = 64
	return p
}

// nearest is the id Search(v, K 1) finds, or -1.
func nearest(t *testing.T, ix Index, v []float32) int64 {
	t.Helper()
	res, err := ix.Search(v, SearchOptions{K: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) == 0 {
		return -1
	}
	return int64(res[0].ID)
}

// TestTieredReadsItsWrites: a vector is found by the next search while
// every move into the graph is held (the buffer alone answers); a
// replacement hides the graph's old vector, and a removal of an id whose
// move is under way hides it and is not undone by that move, before and
// after the workers are done; Backlog counts what waits.
func TestTieredReadsItsWrites(t *testing.T) {
	data := uniform(5, 300, 16)
	g := newGated(t, tierParams(16))
	tr := NewTiered(g, 1000, 2)
	tr.small = 0 // two workers from the start
	defer stop(g, tr)
	for i, v := range data[:200] {
		if err := tr.Add(uint32(i), v); err != nil {
			t.Fatal(err)
		}
		if got := nearest(t, tr, v); got != int64(i) {
			t.Fatalf("search right after Add(%d) found %d", i, got)
		}
	}
	if n := tr.Backlog(); n != 200 {
		t.Fatalf("Backlog = %d with every move held, want 200", n)
	}
	g.release()
	tr.Flush()
	g.mu.Lock()
	g.open = make(chan struct{}) // hold the moves again
	g.mu.Unlock()
	// The graph holds 7 and 9; the two workers take the new vectors of 7
	// and 9 and wait in the graph's Add; 9 is then removed.
	tr.Add(7, data[200])
	tr.Add(9, data[201])
	waitBusy(t, tr, 2)
	tr.Remove(9)
	check := func(when string) {
		t.Helper()
		if got := nearest(t, tr, data[200]); got != 7 {
			t.Fatalf("%s: id 7 replaced by vector 200: search for it found %d", when, got)
		}
		if got := nearest(t, tr, data[7]); got == 7 {
			t.Fatalf("%s: id 7's old vector still found", when)
		}
		if got := nearest(t, tr, data[9]); got == 9 {
			t.Fatalf("%s: removed id 9 found by its old vector", when)
		}
		if got := nearest(t, tr, data[201]); got == 9 {
			t.Fatalf("%s: removed id 9 found by the vector it had while moving", when)
		}
		if _, ok := tr.Vector(9); ok {
			t.Fatalf("%s: removed id 9 still has a vector", when)
		}
	}
	check("moves held")
	g.release()
	tr.Flush()
	check("moved")
	if n, l := tr.Backlog(), g.Len(); n != 0 || l != 199 {
		t.Fatalf("after Flush: Backlog %d, graph holds %d, want 0 and 199", n, l)
	}
}

// waitBusy waits until n moves are under way.
func waitBusy(t *testing.T, tr *Tiered, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tr.mu.Lock()
		busy := len(tr.busy)
		tr.mu.Unlock()
		if busy >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d moves under way, want %d", busy, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestTieredChangesDuringMovesAreKept: updates and removals of ids whose
// move into the graph is under way (the graph's Add held open while they
// come) are neither lost nor undone: once the workers are done, every id
// holds its last vector or, removed, is found by no search.
func TestTieredChangesDuringMovesAreKept(t *testing.T) {
	const n = 400
	data := uniform(6, 3*n, 12)
	for round := 0; round < 3; round++ {
		g := newGated(t, tierParams(12))
		tr := NewTiered(g, 4*n, 2)
		tr.small = 0
		defer stop(g, tr)
		r := rand.New(rand.NewPCG(uint64(round), 1))
		last := map[uint32]int{} // id -> index in data, -1 removed
		for i := 0; i < n; i++ {
			tr.Add(uint32(i), data[i])
			last[uint32(i)] = i
		}
		// Two moves are now held in the graph's Add; the changes below
		// hit them and the queued ones.
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Millisecond)
			g.release()
		}()
		for step := 0; step < 3*n; step++ {
			id := uint32(r.IntN(n))
			if r.IntN(3) == 0 {
				tr.Remove(id)
				last[id] = -1
			} else {
				k := n + r.IntN(2*n)
				tr.Add(id, data[k])
				last[id] = k
			}
		}
		wg.Wait()
		tr.Flush()
		for id, k := range last {
			v, ok := tr.Vector(id)
			gv, gok := g.Vector(id)
			if k < 0 {
				if ok || gok {
					t.Fatalf("round %d: id %d removed, still in the index (tier %v, graph %v)", round, id, ok, gok)
				}
				continue
			}
			if !ok || !gok || !sameVec(v, data[k]) || !sameVec(gv, data[k]) {
				t.Fatalf("round %d: id %d lost its last vector (tier %v, graph %v)", round, id, ok, gok)
			}
		}
		if tr.Len() != g.Len() {
			t.Fatalf("round %d: Len %d, graph %d", round, tr.Len(), g.Len())
		}
	}
}

func sameVec(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if d := a[i] - b[i]; d > 1e-5 || d < -1e-5 {
			return false
		}
	}
	return true
}

// TestTieredBacklogIsBounded: with the graph's inserts held, WaitRoom
// blocks once the buffer holds limit vectors, until the workers make
// room; the buffer's bytes count in MemoryBytes.
func TestTieredBacklogIsBounded(t *testing.T) {
	data := uniform(7, 64, 32)
	g := newGated(t, tierParams(32))
	tr := NewTiered(g, 16, 2)
	defer stop(g, tr)
	empty := tr.MemoryBytes()
	for i := 0; i < 16; i++ {
		tr.WaitRoom()
		tr.Add(uint32(i), data[i])
	}
	if grew := tr.MemoryBytes() - empty; grew < 16*32*4 {
		t.Fatalf("16 buffered 32-d vectors added %d bytes to MemoryBytes, want at least %d", grew, 16*32*4)
	}
	waited := make(chan struct{})
	go func() {
		tr.WaitRoom()
		close(waited)
	}()
	select {
	case <-waited:
		t.Fatal("WaitRoom returned with the buffer full and no move done")
	case <-time.After(50 * time.Millisecond):
	}
	g.release()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		t.Fatal("WaitRoom still waiting after the moves were let through")
	}
	for i := 16; i < 64; i++ {
		tr.WaitRoom()
		tr.Add(uint32(i), data[i])
		if b := tr.Backlog(); b > 16+1 {
			t.Fatalf("backlog %d past the limit of 16", b)
		}
	}
	tr.Flush()
	if g.Len() != 64 {
		t.Fatalf("graph holds %d, want 64", g.Len())
	}
}

// TestTieredRecallMatchesBatchBuild: a graph filled through the buffer by
// two workers answers as well as one built by AddBatch with two (recall@10
// within 0.02), searched while vectors are still buffered too.
func TestTieredRecallMatchesBatchBuild(t *testing.T) {
	data := clustered(3, 3000, 32, 20)
	queries := clustered(4, 200, 32, 20)
	p := tierParams(32)
	truth := build(t, DefaultParams(FLAT, 32, L2), data)
	batch := build(t, p, data)
	g, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTiered(g, 256, 2)
	defer tr.Close()
	for i, v := range data {
		tr.WaitRoom()
		if err := tr.Add(uint32(i), v); err != nil {
			t.Fatal(err)
		}
	}
	opt := SearchOptions{K: 10, Ef: 12}
	during := recall(t, tr, truth, queries, opt)
	tr.Flush()
	after, want := recall(t, tr, truth, queries, opt), recall(t, batch, truth, queries, opt)
	t.Logf("recall@10: tiered %.3f (%.3f while buffered), AddBatch %.3f", after, during, want)
	if after < want-0.02 || during < want-0.02 {
		t.Fatalf("recall@10 tiered %.3f (%.3f while buffered), AddBatch %.3f", after, during, want)
	}
}

// TestTieredFilteredSearch: a filter and a candidate list apply to the
// buffered vectors as to the graph's.
func TestTieredFilteredSearch(t *testing.T) {
	data := uniform(8, 500, 8)
	g := newGated(t, tierParams(8))
	tr := NewTiered(g, 1000, 2)
	defer stop(g, tr)
	for i := 0; i < 250; i++ {
		tr.Add(uint32(i), data[i])
	}
	g.release()
	tr.Flush()
	g.mu.Lock()
	g.open = make(chan struct{}) // hold the rest in the buffer
	g.mu.Unlock()
	for i := 250; i < 500; i++ {
		tr.Add(uint32(i), data[i])
	}
	even := func(id uint32) bool { return id%2 == 0 }
	res, err := tr.Search(data[301], SearchOptions{K: 10, Filter: even, FilterCount: -1})
	if err != nil || len(res) != 10 {
		t.Fatalf("filtered search: %d results (%v), want 10", len(res), err)
	}
	for _, r := range res {
		if r.ID%2 != 0 {
			t.Fatalf("filtered search returned odd id %d", r.ID)
		}
	}
	res, _ = tr.Search(data[301], SearchOptions{K: 3, Candidates: []uint32{5, 301, 400}})
	if len(res) != 3 || res[0].ID != 301 {
		t.Fatalf("candidate search = %v, want 3 results, 301 first", res)
	}
	g.release()
}

// TestTieredWritesWithoutWaiting: a snapshot of a tiered index is written
// while every move into the graph is held (it used to wait for them), and
// reads back as the graph without the ids whose newer vector is still
// buffered or whose move is under way: an owner restoring from its
// documents inserts those again, and never gets an older vector back.
func TestTieredWritesWithoutWaiting(t *testing.T) {
	data := uniform(11, 220, 8)
	g := newGated(t, tierParams(8))
	tr := NewTiered(g, 1000, 2)
	tr.small = 0
	defer stop(g, tr)
	g.release()
	for i := 0; i < 200; i++ {
		if err := tr.Add(uint32(i), data[i]); err != nil {
			t.Fatal(err)
		}
	}
	tr.Flush()
	g.hold()
	for _, id := range []uint32{5, 6} { // newer vectors of graph ids
		if err := tr.Add(id, data[200+id]); err != nil {
			t.Fatal(err)
		}
	}
	if err := tr.Add(300, data[210]); err != nil { // a new id
		t.Fatal(err)
	}
	tr.Remove(7)
	waitBusy(t, tr, 2)
	done := make(chan []byte)
	go func() {
		var b bytes.Buffer
		if _, err := tr.WriteTo(&b); err != nil {
			t.Error(err)
		}
		done <- b.Bytes()
	}()
	var saved []byte
	select {
	case saved = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("WriteTo waits for the held moves")
	}
	back, err := ReadIndex(bytes.NewReader(saved))
	if err != nil {
		t.Fatal(err)
	}
	if n := back.Len(); n != 197 {
		t.Errorf("read back %d vectors, want 197 (200 less 5, 6 and 7)", n)
	}
	for _, id := range []uint32{5, 6, 7, 300} {
		if _, ok := back.Vector(id); ok {
			t.Errorf("id %d read back; its vector in the graph is not its last", id)
		}
	}
	for i := uint32(8); i < 200; i++ {
		v, ok := back.Vector(i)
		if !ok || !sameVec(v, data[i]) {
			t.Fatalf("id %d not read back as written", i)
		}
	}
}

// TestTieredUpdateDuringMoveHidesTheMovedVector: a vector replaced while
// its move into the graph is under way is not found by its old value once
// that move is done and the new one waits its turn behind other moves.
func TestTieredUpdateDuringMoveHidesTheMovedVector(t *testing.T) {
	data := uniform(12, 20, 8)
	far := make([]float32, 8)
	for i := range far {
		far[i] = 100
	}
	g := newGated(t, tierParams(8))
	tr := NewTiered(g, 1000, 1)
	tr.small = 0
	defer stop(g, tr)
	if err := tr.Add(1, data[1]); err != nil {
		t.Fatal(err)
	}
	waitBusy(t, tr, 1)
	for i := 2; i < 10; i++ {
		if err := tr.Add(uint32(i), data[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := tr.Add(1, far); err != nil { // while data[1] moves
		t.Fatal(err)
	}
	g.passOne() // data[1] lands in the graph; the next move waits
	deadline := time.Now().Add(10 * time.Second)
	for {
		if v, ok := g.Index.Vector(1); ok && sameVec(v, data[1]) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first move did not land")
		}
		time.Sleep(time.Millisecond)
	}
	waitBusy(t, tr, 1)
	if got := nearest(t, tr, data[1]); got == 1 {
		t.Fatal("id 1 found by the vector it had before its update")
	}
	if got := nearest(t, tr, far); got != 1 {
		t.Fatalf("nearest to id 1's last vector is %d", got)
	}
	g.release()
	tr.Flush()
	if got := nearest(t, tr, data[1]); got == 1 {
		t.Fatal("after the moves: id 1 found by its old vector")
	}
	if v, ok := tr.Vector(1); !ok || !sameVec(v, far) {
		t.Fatal("after the moves: id 1 does not hold its last vector")
	}
}
