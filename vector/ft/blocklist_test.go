package ft

import (
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestBlockListMatchesAMap: random puts and deletes (appends, inserts in
// the middle, updates, removals of present and absent keys) keep a block
// list equal to a map of the same keys, in order, with its blocks within
// bounds and its byte count equal to the sum of the changes it reported;
// emptied, it takes no bytes.
func TestBlockListMatchesAMap(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	for _, keep := range []bool{false, true} {
		var l blockList[uint32, uint64]
		model := map[uint32]uint64{}
		var bytes int64
		check := func(step int) {
			t.Helper()
			if l.Len() != len(model) {
				t.Fatalf("step %d: Len %d, want %d", step, l.Len(), len(model))
			}
			var got []uint32
			l.all(func(k uint32, v uint64) bool {
				if keep && v != model[k] {
					t.Fatalf("step %d: key %d value %d, want %d", step, k, v, model[k])
				}
				got = append(got, k)
				return true
			})
			if want := slices.Sorted(maps.Keys(model)); !slices.Equal(got, want) {
				t.Fatalf("step %d: keys %v, want %v", step, got, want)
			}
			for _, b := range l.blocks {
				if len(b.keys) == 0 || len(b.keys) > blockMax || keep != (b.vals != nil) {
					t.Fatalf("step %d: block of %d keys (values kept %v)", step, len(b.keys), b.vals != nil)
				}
			}
			if l.bytes() != bytes {
				t.Fatalf("step %d: bytes %d, reported %d", step, l.bytes(), bytes)
			}
		}
		for step := range 20000 {
			k := uint32(r.IntN(3000))
			switch {
			case step < 8000 && r.IntN(4) > 0: // mostly appends, as new documents come
				k = uint32(step)
				fallthrough
			case r.IntN(2) == 0:
				v := r.Uint64()
				bytes += l.put(k, v, keep)
				model[k] = v
			default:
				bytes += l.del(k)
				delete(model, k)
			}
			if step%997 == 0 {
				check(step)
			}
		}
		check(-1)
		{
			const from = 1500
			var got []uint32
			l.ascend(from, func(k uint32, _ uint64) bool {
				got = append(got, k)
				return len(got) < 10
			})
			var want []uint32
			for _, k := range slices.Sorted(maps.Keys(model)) {
				if k >= from && len(want) < 10 {
					want = append(want, k)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("ascend from %d: %v, want %v", from, got, want)
			}
		}
		for k := range model {
			bytes += l.del(k)
		}
		if l.Len() != 0 || l.bytes() != 0 || bytes != 0 || l.blocks != nil {
			t.Fatalf("emptied: Len %d, bytes %d, reported %d", l.Len(), l.bytes(), bytes)
		}
	}
}
