package cache

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/vcache/vcache/internal/keyslot"
)

// TestTableMatchesMap runs random puts and removes on a table and a Go map
// and checks that they hold the same keys after every step, through growth,
// shrinking, backward-shift deletes and entries swapped in place.
func TestTableMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var tb table
	ref := map[string]*entry{}
	for step := 0; step < 20000; step++ {
		k := fmt.Sprintf("k%d", rng.IntN(300))
		if e, ok := ref[k]; ok && rng.IntN(2) == 0 {
			if !tb.remove(e) {
				t.Fatalf("step %d: remove %q: not found", step, k)
			}
			delete(ref, k)
		} else if !ok {
			e := newEntry(k, kindString, []byte("v"), nil)
			tb.put(e)
			ref[k] = e
		} else { // a new value makes a new entry in the old one's place
			ne := newEntry(k, kindString, []byte("w"), nil)
			tb.swap(e, ne)
			ref[k] = ne
		}
		if tb.n != len(ref) {
			t.Fatalf("step %d: table has %d keys, map %d", step, tb.n, len(ref))
		}
		if step%97 == 0 {
			for k, e := range ref {
				if got := tb.get(k); got != e {
					t.Fatalf("step %d: get %q = %p, want %p", step, k, got, e)
				}
			}
			seen := 0
			for k, e := range tb.all() {
				if ref[k] != e {
					t.Fatalf("step %d: iteration gave %q, not in the map", step, k)
				}
				seen++
			}
			if seen != len(ref) {
				t.Fatalf("step %d: iteration gave %d keys, want %d", step, seen, len(ref))
			}
		}
		if tb.get("absent") != nil {
			t.Fatal("found a key never stored")
		}
	}
	for _, e := range tb.entries() {
		tb.remove(e)
	}
	if tb.n != 0 || tb.g != nil {
		t.Fatalf("emptied table keeps %d keys, %d places", tb.n, tb.places())
	}
}

// BenchmarkGetRandom reads 1M keys in random order (the node's access
// pattern under redis-benchmark -r).
func BenchmarkGetRandom(b *testing.B) {
	ks := newKS(b, nil)
	keys := make([][]byte, 1000000)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "key:%012d", i)
		ks.Set(keys[i], []byte("xxx"), SetOptions{})
	}
	order := rand.Perm(len(keys))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ks.Get(keys[order[i%len(order)]])
	}
}

// TestPrefetchChangesNothing prefetches present, absent and expired keys
// at every stage, including in empty slots, and checks every value after.
func TestPrefetchChangesNothing(t *testing.T) {
	ks := newKS(t, nil)
	for i := 0; i < 1000; i++ {
		ks.Set(fmt.Appendf(nil, "k%d", i), fmt.Appendf(nil, "v%d", i), SetOptions{})
	}
	for stage := range PrefetchStages {
		for i := 0; i < 2000; i++ {
			k := fmt.Appendf(nil, "k%d", i)
			ks.Prefetch(keyslot.Of(k), k, stage)
		}
	}
	for i := 0; i < 2000; i++ {
		v, err := ks.Get(fmt.Appendf(nil, "k%d", i))
		want := ""
		if i < 1000 {
			want = fmt.Sprintf("v%d", i)
		}
		if err != nil || string(v) != want {
			t.Fatalf("k%d = %q, %v; want %q", i, v, err, want)
		}
	}
	if n := ks.Len(); n != 1000 {
		t.Fatalf("%d keys after prefetching, want 1000", n)
	}
}

// TestEntrySizes keeps the header at entryHdr bytes and an objEntry in the
// allocator's 48-byte class.
func TestEntrySizes(t *testing.T) {
	if n := unsafe.Sizeof(entry{}); n != entryHdr {
		t.Fatalf("entry is %d bytes, want %d", n, entryHdr)
	}
	if n := unsafe.Sizeof(objEntry{}); sizeClass(int(n)) != entryOverhead {
		t.Fatalf("objEntry is %d bytes (class %d), want class %d", n, sizeClass(int(n)), entryOverhead)
	}
}
