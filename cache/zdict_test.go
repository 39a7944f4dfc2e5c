package cache

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestZSetSkiplistAgainstMap adds, rescores and removes members of a
// skiplist-form set at random and checks every member's score, rank and
// the order against a plain map after each round.
func TestZSetSkiplistAgainstMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	z := newZSet()
	want := map[string]float64{}
	lim := zlimits{entries: 0, value: 0}
	for round := 0; round < 20; round++ {
		for i := 0; i < 2000; i++ {
			m := fmt.Sprint("m", r.IntN(3000))
			switch r.IntN(3) {
			case 0, 1:
				s := float64(r.IntN(100)) / 4
				_, had := want[m]
				if isNew := z.set(m, s, lim); isNew == had {
					t.Fatalf("set %s: new %v, was there %v", m, isNew, had)
				}
				want[m] = s
			case 2:
				_, had := want[m]
				if z.remove(m) != had {
					t.Fatalf("remove %s: want %v", m, had)
				}
				delete(want, m)
			}
		}
		if z.card() != len(want) {
			t.Fatalf("card %d, want %d", z.card(), len(want))
		}
		for m, s := range want {
			if got, ok := z.score(m); !ok || got != s {
				t.Fatalf("score of %s: %v %v, want %v", m, got, ok, s)
			}
		}
		var prev *ZMember
		rank := 0
		z.each(func(m string, s float64) bool {
			if prev != nil && !zless(prev.Score, prev.Member, s, m) {
				t.Fatalf("%v before %s %v", *prev, m, s)
			}
			if r, _, ok := z.rank(m, false); !ok || r != rank {
				t.Fatalf("rank of %s: %d, want %d", m, r, rank)
			}
			prev = &ZMember{m, s}
			rank++
			return true
		})
		if _, ok := z.score("absent"); ok {
			t.Fatal("absent member found")
		}
	}
	if z.mem() != zsetBase+z.sl.dict.bytes()+sumNodes(z) {
		t.Fatalf("running bytes %d, recount %d", z.mem(), zsetBase+z.sl.dict.bytes()+sumNodes(z))
	}
}

func sumNodes(z *zset) int64 {
	var n int64
	for x := z.sl.head.lv()[0].next; x != nil; x = x.lv()[0].next {
		n += memberBytes(x.member(), int(x.nlv))
	}
	return n
}
