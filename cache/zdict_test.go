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
			switch r.IntN(4) {
			case 3: // ZPOPMIN / ZPOPMAX of one to three members
				max, count := r.IntN(2) == 1, 1+r.IntN(3)
				popped := z.pop(count, max)
				if len(popped) != min(count, len(want)) {
					t.Fatalf("popped %d of %d, want %d", len(popped), len(want), min(count, len(want)))
				}
				for _, got := range popped {
					var end *ZMember
					for m, s := range want {
						if end == nil || zless(s, m, end.Score, end.Member) != max {
							end = &ZMember{m, s}
						}
					}
					if end == nil || got != *end {
						t.Fatalf("pop (max %v): %v, want %v", max, got, end)
					}
					delete(want, got.Member)
				}
				continue
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
		checkSkiplist(t, z.sl)
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

// checkSkiplist checks every link of sl: at each level the nodes are in
// order and each span is the distance in ranks to the next node (or to
// the end), the backward links and the tail match level 0, the length
// and the level are right, and byRank finds each node.
func checkSkiplist(t *testing.T, sl *zskiplist) {
	t.Helper()
	rank := map[*znode]int{sl.head: 0}
	var prev *znode
	r := 0
	for x := sl.head.lv()[0].next; x != nil; x = x.lv()[0].next {
		r++
		rank[x] = r
		if x.prev != prev {
			t.Fatalf("prev of %s is wrong", x.member())
		}
		if sl.byRank(r) != x {
			t.Fatalf("byRank(%d) is not %s", r, x.member())
		}
		prev = x
	}
	if r != sl.length || sl.tail != prev {
		t.Fatalf("length %d (%d nodes), tail right %v", sl.length, r, sl.tail == prev)
	}
	top := 1
	for i := 0; i < zMaxLevel; i++ {
		for x := sl.head; ; {
			if i >= int(x.nlv) {
				t.Fatalf("level %d of a node of %d levels", i, x.nlv)
			}
			n := x.lv()[i].next
			if i >= sl.level {
				if n != nil || x != sl.head {
					t.Fatalf("a node at level %d, above the list's %d", i, sl.level)
				}
				break
			}
			if n == nil {
				if x.lv()[i].span != r-rank[x] {
					t.Fatalf("last span at level %d: %d, want %d", i, x.lv()[i].span, r-rank[x])
				}
				break
			}
			if x != sl.head && !zless(x.score, x.member(), n.score, n.member()) {
				t.Fatalf("level %d: %s before %s", i, x.member(), n.member())
			}
			if x.lv()[i].span != rank[n]-rank[x] {
				t.Fatalf("span at level %d: %d, want %d", i, x.lv()[i].span, rank[n]-rank[x])
			}
			top = i + 1
			x = n
		}
	}
	if sl.level != top && !(top == 1 && sl.level == 1) {
		t.Fatalf("level %d, highest used %d", sl.level, top)
	}
}
