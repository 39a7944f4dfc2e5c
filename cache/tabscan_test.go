package cache

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// TestScanNextVisitsEveryPlaceOnce: from cursor 0, scanNext walks every
// place of a table once in reverse binary order and comes back to 0.
func TestScanNextVisitsEveryPlaceOnce(t *testing.T) {
	for size := 1; size <= 1<<12; size *= 2 {
		mask := uint64(size - 1)
		k := bits.Len64(mask)
		seen := make([]bool, size)
		var c uint64
		for i := 0; ; i++ {
			if i == size {
				t.Fatalf("size %d: no end after %d cursors", size, size)
			}
			want := uint64(0)
			if k > 0 {
				want = bits.Reverse64(uint64(i)) >> (64 - k)
			}
			if c != want || seen[c] {
				t.Fatalf("size %d: cursor %d at step %d, want %d (reverse binary), seen before %v", size, c, i, want, seen[c&mask])
			}
			seen[c] = true
			if c = scanNext(c, mask); c == 0 {
				if i != size-1 {
					t.Fatalf("size %d: ended after %d cursors", size, i+1)
				}
				break
			}
		}
	}
}

// scanTarget is one of the hash tables SSCAN, HSCAN and ZSCAN walk, for
// the scan model test.
type scanTarget struct {
	add, del func(m string)
	step     func(cursor uint64, fn func(m string)) uint64
	size     func() int // the slot array's size (where fields move to)
	moving   func() int // 0, or which way the fields move: -1 shrink, 1 grow, 2 same size
}

func ftabTarget(t testing.TB) (scanTarget, *ftab) {
	tab := newFtab(0)
	return scanTarget{
		add: func(m string) { tab.set([]byte(m), []byte("v:"+m)) },
		del: func(m string) { tab.del([]byte(m)) },
		step: func(c uint64, fn func(m string)) uint64 {
			return tab.scan(c, func(f, v []byte) {
				if string(v) != "v:"+string(f) {
					t.Fatalf("scan: field %q with value %q", f, v)
				}
				fn(string(f))
			})
		},
		size: func() int { return len(tab.cur.tags) },
		moving: func() int {
			switch o, c := len(tab.old.tags), len(tab.cur.tags); {
			case o == 0:
				return 0
			case o > c:
				return -1
			case o < c:
				return 1
			}
			return 2
		},
	}, tab
}

func zdictTarget(t testing.TB) scanTarget {
	z := newZSet()
	lim := zlimits{}
	return scanTarget{
		add: func(m string) { z.set(m, float64(len(m)), lim) },
		del: func(m string) { z.remove(m) },
		step: func(c uint64, fn func(m string)) uint64 {
			return z.sl.dict.scan(c, func(n *znode) {
				if n.score != float64(len(n.member())) {
					t.Fatalf("scan: member %q with score %v", n.member(), n.score)
				}
				fn(n.member())
			})
		},
		size:   func() int { return len(z.sl.dict.s) },
		moving: func() int { return 0 },
	}
}

func hashSetTarget() scanTarget {
	h := newHashSet(0)
	return scanTarget{
		add:    func(m string) { h.add(m) },
		del:    func(m string) { h.remove(m) },
		step:   h.scan,
		size:   func() int { return len(h.index) },
		moving: func() int { return 0 },
	}
}

// scanCoverage is what a scan model run went through.
type scanCoverage struct {
	grew, shrank int         // steps after which the table was larger, smaller
	moving       map[int]int // steps taken while fields moved, by direction
}

// runScanModel scans tg from cursor 0 to the end while writes change it
// between steps: 1000 members stay for the whole scan, others come and
// go at random, in bursts of adds that grow the table many times over
// and of deletes that shrink it. Every member a step returns is there at
// that moment, every member that stayed comes back at least once, and
// the scan ends.
func runScanModel(t *testing.T, tg scanTarget, seed uint64) scanCoverage {
	r := rand.New(rand.NewPCG(seed, 7))
	cov := scanCoverage{moving: map[int]int{}}
	live := map[string]bool{}
	var tmp []string
	add := func(m string) {
		if !live[m] {
			live[m] = true
			tmp = append(tmp, m)
			tg.add(m)
		}
	}
	delTmp := func(i int) {
		m := tmp[i]
		tmp[i] = tmp[len(tmp)-1]
		tmp = tmp[:len(tmp)-1]
		delete(live, m)
		tg.del(m)
	}
	const keep = 1000
	for i := range keep {
		m := fmt.Sprintf("keep:%d", i)
		live[m] = true
		tg.add(m)
	}
	seen := map[string]bool{}
	var cursor uint64
	growing := true
	for steps := 0; ; steps++ {
		if steps > 1_000_000 {
			t.Fatal("the scan does not end")
		}
		was := tg.size()
		if tg.moving() != 0 {
			cov.moving[tg.moving()]++
		}
		// A call as HSCAN makes it: about count members, in steps.
		n, count := 0, 1+r.IntN(8)
		cursor = scanCalls(cursor, count, 10*count, func() int { return n }, func(c uint64) uint64 {
			return tg.step(c, func(m string) {
				if !live[m] {
					t.Fatalf("call %d returned %q, not in the table", steps, m)
				}
				seen[m] = true
				n++
			})
		})
		if cursor == 0 {
			break
		}
		// Bursts of adds up to 6000 extras (the table grows), then of
		// deletes down to 20 (it shrinks), and churn; few writes while
		// the fields are moving, so that many steps meet a table in the
		// middle of a move.
		burst := 1 + r.IntN(100)
		if tg.moving() != 0 {
			burst = r.IntN(10)
		}
		switch {
		case len(tmp) >= 6000:
			growing = false
		case len(tmp) <= 20:
			growing = true
		}
		for range burst {
			if growing == (r.IntN(8) != 0) || len(tmp) == 0 {
				add(fmt.Sprintf("tmp:%d", r.IntN(1<<30)))
			} else {
				delTmp(r.IntN(len(tmp)))
			}
		}
		if now := tg.size(); now > was {
			cov.grew++
		} else if now < was {
			cov.shrank++
		}
	}
	for i := range keep {
		if m := fmt.Sprintf("keep:%d", i); !seen[m] {
			t.Fatalf("seed %d: %q was there for the whole scan but never returned", seed, m)
		}
	}
	return cov
}

// TestTableScanGuarantee: the large hash (ftab), the sorted set's dict
// and the set's index each return every member that was there for the
// whole scan while writes between steps grow and shrink them, and for
// the ftab while its fields are moving between slot arrays, in both
// directions.
func TestTableScanGuarantee(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		ft, _ := ftabTarget(t)
		for name, tg := range map[string]scanTarget{"ftab": ft, "zdict": zdictTarget(t), "hashSet": hashSetTarget()} {
			cov := runScanModel(t, tg, seed)
			t.Logf("%s seed %d: %+v", name, seed, cov)
			if cov.grew == 0 || cov.shrank == 0 {
				t.Fatalf("%s seed %d: the table grew %d times, shrank %d: the run does not test resizing", name, seed, cov.grew, cov.shrank)
			}
			if name == "ftab" && (cov.moving[1] == 0 || cov.moving[-1] == 0) {
				t.Fatalf("ftab seed %d: steps while moving %v: the run does not scan a growing and a shrinking table", seed, cov.moving)
			}
		}
	}
}

// TestFtabScanWhileDroppingDeleted: a table whose deleted slots fill it
// moves its fields into a new array of the same size; a scan across that
// move returns every field that stays.
func TestFtabScanWhileDroppingDeleted(t *testing.T) {
	tg, tab := ftabTarget(t)
	for i := range 300 {
		tg.add(fmt.Sprintf("keep:%d", i))
	}
	for i := 200; i < 300; i++ { // 200 fields in 512 slots: room at this size
		tg.del(fmt.Sprintf("keep:%d", i))
	}
	size := len(tab.cur.tags)
	seen := map[string]bool{}
	var cursor uint64
	moved := 0
	for i := 0; ; i++ {
		if len(tab.old.tags) == size && len(tab.cur.tags) == size {
			moved++
		}
		cursor = tg.step(cursor, func(m string) { seen[m] = true })
		if cursor == 0 {
			break
		}
		// A field in and out: deleted slots pile up until the array is
		// rebuilt at its size.
		f := fmt.Sprintf("tmp:%d", i)
		tg.add(f)
		tg.del(f)
	}
	if moved == 0 || len(tab.cur.tags) != size {
		t.Fatalf("no step during a same-size move (%d), or the size changed (%d to %d)", moved, size, len(tab.cur.tags))
	}
	for i := range 200 {
		if f := fmt.Sprintf("keep:%d", i); !seen[f] {
			t.Fatalf("%q never returned", f)
		}
	}
}

// FuzzTableScan runs a script of writes and scan steps on a large hash
// and a sorted set's dict: each byte is an add (of one of 256 extra
// members, or a burst of 64), a delete (of one or of all extras) or a
// scan step. The 200 members that stay come back by the end of the scan,
// every member returned is there, and the scan ends.
func FuzzTableScan(f *testing.F) {
	f.Add([]byte("\x00\x01\x02\x03\x04\x05"))
	f.Add([]byte("\xff\xfe\xfd\xfc\xfb"))
	burst := make([]byte, 64)
	for i := range burst {
		burst[i] = byte(4*i) | 1
	}
	f.Add(burst)
	f.Fuzz(func(t *testing.T, script []byte) {
		ft, _ := ftabTarget(t)
		for _, tg := range []scanTarget{ft, zdictTarget(t)} {
			live := map[string]bool{}
			for i := range 200 {
				m := fmt.Sprint("keep:", i)
				live[m] = true
				tg.add(m)
			}
			seen := map[string]bool{}
			var cursor uint64
			done := false
			step := func() {
				cursor = tg.step(cursor, func(m string) {
					if !live[m] {
						t.Fatalf("returned %q, not in the table", m)
					}
					seen[m] = true
				})
				done = cursor == 0
			}
			for _, b := range script {
				if done {
					break
				}
				switch b & 3 {
				case 0:
					step()
				case 1:
					m := fmt.Sprint("x:", b>>2)
					live[m] = true
					tg.add(m)
					if b>>2 == 63 {
						for i := range 64 * 5 {
							m := fmt.Sprint("burst:", i)
							live[m] = true
							tg.add(m)
						}
					}
				case 2:
					for m := range live {
						if m[0] != 'k' && (b>>2 == 63 || m == fmt.Sprint("x:", b>>2)) {
							delete(live, m)
							tg.del(m)
						}
					}
				case 3:
					step()
					step()
				}
			}
			for n := 0; !done; n++ {
				if n > 1<<16 {
					t.Fatal("the scan does not end")
				}
				step()
			}
			for i := range 200 {
				if m := fmt.Sprint("keep:", i); !seen[m] {
					t.Fatalf("%q never returned", m)
				}
			}
		}
	})
}
