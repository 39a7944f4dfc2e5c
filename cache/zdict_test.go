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

// TestZDictDeletedPlaces churns a skiplist-form set, members added at
// random and taken out by ZREM and ZPOPMIN, so that deleted places build
// up, are taken again and are dropped when the array is rebuilt or
// resized; after each round the dict must find exactly the members left
// (and through ZSCAN's walk of home places), count its nodes and deleted
// places right and stay at most 3/4 full, so that a probe for an absent
// member ends.
func TestZDictDeletedPlaces(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	z := newZSet()
	lim := zlimits{}
	want := map[string]bool{}
	withGone := 0
	for round := 0; round < 40; round++ {
		adds, pops := 3000, 2000
		if round%10 >= 6 { // a draining phase: the array shrinks
			adds, pops = 500, 4000
		}
		for range adds {
			m := fmt.Sprint("m", r.IntN(20000))
			z.set(m, float64(r.IntN(1000)), lim)
			want[m] = true
		}
		for range pops {
			if r.IntN(2) == 0 {
				m := fmt.Sprint("m", r.IntN(20000))
				if z.remove(m) != want[m] {
					t.Fatalf("remove %s: want %v", m, want[m])
				}
				delete(want, m)
				continue
			}
			for _, p := range z.pop(1, r.IntN(2) == 0) {
				delete(want, p.Member)
			}
		}
		d := &z.sl.dict
		nodes, gone := 0, 0
		for _, n := range d.s {
			switch {
			case n == zGone:
				gone++
			case n != nil:
				nodes++
				if !want[n.member()] {
					t.Fatalf("round %d: %s in the dict, not in the set", round, n.member())
				}
			}
		}
		if gone > 0 {
			withGone++
		}
		if nodes != len(want) || d.len() != nodes || d.gone != gone {
			t.Fatalf("round %d: %d nodes and %d deleted places, counted %d and %d; %d members", round, nodes, gone, d.len(), d.gone, len(want))
		}
		if (nodes+gone)*4 > len(d.s)*3 {
			t.Fatalf("round %d: %d nodes and %d deleted places in %d places", round, nodes, gone, len(d.s))
		}
		for m := range want {
			if n := d.get(m); n == nil || n.member() != m {
				t.Fatalf("round %d: %s not found", round, m)
			}
		}
		for i := range 200 {
			if m := fmt.Sprint("m", i); !want[m] && d.get(m) != nil {
				t.Fatalf("round %d: absent %s found", round, m)
			}
		}
		seen := map[string]bool{}
		for c := d.scan(0, func(n *znode) { seen[n.member()] = true }); c != 0; {
			c = d.scan(c, func(n *znode) { seen[n.member()] = true })
		}
		if len(seen) != len(want) {
			t.Fatalf("round %d: a scan saw %d of %d members", round, len(seen), len(want))
		}
		checkSkiplist(t, z.sl)
	}
	if withGone == 0 {
		t.Fatal("no round ended with deleted places")
	}
	if z.mem() != zsetBase+z.sl.dict.bytes()+sumNodes(z) {
		t.Fatalf("running bytes %d, recount %d", z.mem(), zsetBase+z.sl.dict.bytes()+sumNodes(z))
	}
}
