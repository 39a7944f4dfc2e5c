package vector

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestReadsDuringInsertsSeeWholeVectors: Vector, RawVector and an exact
// search over candidate ids, run while inserts go on (the tiered index's
// workers insert while searches run), read only vectors whose insert is
// done: a slot still being written is in the id map already. The race
// detector flags the reads of half-written slots.
func TestReadsDuringInsertsSeeWholeVectors(t *testing.T) {
	const n = 1500
	data := uniform(21, n, 16)
	h, err := New(tierParams(16))
	if err != nil {
		t.Fatal(err)
	}
	var added atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < n; i++ {
			if err := h.Add(uint32(i), data[i]); err != nil {
				t.Error(err)
				return
			}
			added.Store(int64(i + 1))
		}
	}()
	for added.Load() < n {
		top := uint32(added.Load()) + 1 // the one being inserted, perhaps
		if v, ok := h.Vector(top); ok && !sameVec(v, data[top]) {
			t.Fatalf("id %d read back as another vector", top)
		}
		if r, ok := h.(interface {
			RawVector(uint32) ([]byte, float32, bool)
		}); ok {
			r.RawVector(top)
		}
		cands := []uint32{top, top - 1}
		if _, err := h.Search(data[top%n], SearchOptions{K: 2, Candidates: cands}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}
