package ft

import (
	"fmt"
	"testing"

	"github.com/vcache/vcache/internal/keyslot"
)

// TestCountInSlotsFollowsTheDocuments: the per-slot counts agree with a
// scan of the documents' keys through upserts, re-indexing, deletes and
// documents that fail to index.
func TestCountInSlotsFollowsTheDocuments(t *testing.T) {
	s, err := ParseCreate([][]byte{[]byte("idx"), []byte("ON"), []byte("HASH"), []byte("SCHEMA"), []byte("n"), []byte("NUMERIC")})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := NewIndex(s)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		ix.Upsert(fmt.Sprintf("k:%d", i), map[string][]byte{"n": []byte("1")})
	}
	ix.Upsert("k:5", map[string][]byte{"n": []byte("2")})            // re-indexed
	ix.Upsert("k:6", map[string][]byte{"n": []byte("not a number")}) // fails: leaves the index
	ix.Upsert("bad", map[string][]byte{"n": []byte("not a number")}) // never in it
	for i := 0; i < 300; i += 7 {
		ix.Delete(fmt.Sprintf("k:%d", i))
	}
	ix.Delete("k:0") // twice
	for _, lo := range []int{0, 4000, 8192, 12000} {
		in := func(slot int) bool { return slot >= lo && slot < lo+4192 }
		want := ix.CountAdmitted(func(key string) bool { return in(keyslot.OfString(key)) })
		if got := ix.CountInSlots(in); got != want {
			t.Errorf("slots %d-%d: CountInSlots %d, a scan of the keys %d", lo, lo+4191, got, want)
		}
	}
	all := func(int) bool { return true }
	if got, want := ix.CountInSlots(all), ix.Len(); got != want || want != 300-43-1 {
		t.Errorf("every slot: CountInSlots %d, Len %d, want %d", got, want, 300-43-1)
	}
}
