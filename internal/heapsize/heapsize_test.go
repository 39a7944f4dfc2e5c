package heapsize

import (
	"runtime"
	"testing"
)

// TestSizeClass: an allocation takes its size class, pages beyond 32 KiB,
// nothing for zero bytes.
func TestSizeClass(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want int64
	}{{0, 0}, {-3, 0}, {1, 8}, {8, 8}, {9, 16}, {33, 48}, {8192, 8192}, {8193, 9472}, {32768, 32768}, {32769, 40960}} {
		if got := SizeClass(tc.n); got != tc.want {
			t.Errorf("SizeClass(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}

// TestMapBytesFollowsTheHeap: MapBytes of a map of 10,000 int64 pairs is
// within a tenth of what building one took on the heap.
func TestMapBytesFollowsTheHeap(t *testing.T) {
	const n = 10000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := map[int64]int64{}
	for i := range int64(n) {
		m[i] = i
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	est := MapBytes(n, 16)
	if est < heap*9/10 || est > heap*11/10 {
		t.Errorf("MapBytes(%d, 16) = %d, the heap grew %d", n, est, heap)
	}
	runtime.KeepAlive(m)
}
