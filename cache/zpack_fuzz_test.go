package cache

import (
	"bytes"
	"math"
	"slices"
	"testing"
)

// zfuzzMembers and zfuzzScores are what the fuzz target's operations
// pick from: members that pack as integers and as strings, and scores
// that pack as integers and as float bits (ties on purpose).
var (
	zfuzzMembers = []string{"a", "b", "ab", "abc", "", "1", "-7", "0", "007", "123", "-0",
		"12345678901234567890", "9223372036854775807", "-9223372036854775808", "zz\x00z", "longer member name"}
	zfuzzScores = []float64{0, 1, -1, 1.5, -2.5, 2, 100, 1e300, -1e300, math.Inf(1), math.Inf(-1),
		math.Copysign(0, -1), 1 << 53, -(1 << 53) + 1, 1<<53 + 2, 4e-324, 1 << 40}
)

// FuzzZPack runs the operations a byte string spells on a packed sorted
// set, on one that starts packed under small limits (and so converts to a
// skiplist part way), and on a skiplist (the model), and checks after
// each that all three hold the same members in the same order, answer
// the same ranks, scores and ranges, and that the packed ones stay
// packed exactly while the limits allow. One operation stores the packed
// sets as an entry keeps them (zsmall) and goes on with views of the
// stored bytes, as commands do; stored bytes must never change after.
func FuzzZPack(f *testing.F) {
	f.Add([]byte{0, 1, 2, 0, 3, 4, 0, 5, 6, 3, 0, 255, 1, 1, 4, 2, 9, 5, 1, 7, 6, 2, 1})
	f.Add([]byte{0, 0, 0, 0, 1, 1, 0, 2, 2, 0, 3, 3, 0, 4, 4, 0, 5, 5, 0, 6, 6, 2, 3, 0})
	f.Add([]byte{0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 9, 0, 5, 2, 16, 0, 5, 3, 1, 1, 5, 18, 9, 1})
	f.Add([]byte{0, 11, 12, 0, 12, 13, 0, 13, 14, 0, 7, 10, 0, 8, 9, 5, 0, 3, 1, 6, 9, 1})
	f.Add([]byte{0, 1, 2, 7, 0, 3, 4, 7, 1, 1, 7, 0, 5, 6, 0, 1, 9, 7, 6, 1, 1, 7, 1, 3, 0, 2, 2, 7, 3, 2, 9, 1})
	f.Fuzz(func(t *testing.T, ops []byte) {
		big := zlimits{1 << 30, 1 << 30}
		small := zlimits{5, 4}
		p, c, m := newZPacked(), newZPacked(), newZSet()
		smallOK := true // whether c has stayed within small's limits
		type kept struct {
			s zsmall
			b []byte
		}
		var stored []kept
		restore := func(z *zset) *zset {
			if !z.packed() {
				return z
			}
			s := newZSmall(z.lp.b)
			z.release()
			stored = append(stored, kept{s, slices.Clone(s.form())})
			return s.view()
		}
		next := func() int {
			if len(ops) == 0 {
				return 0
			}
			b := ops[0]
			ops = ops[1:]
			return int(b)
		}
		for len(ops) > 0 {
			switch next() % 8 {
			case 0:
				mb, s := zfuzzMembers[next()%len(zfuzzMembers)], zfuzzScores[next()%len(zfuzzScores)]
				newP, newC, newM := p.set(mb, s, big), c.set(mb, s, small), m.set(mb, s, big)
				if newP != newM || newC != newM {
					t.Fatalf("set %q: new %v %v, model %v", mb, newP, newC, newM)
				}
				if m.card() > small.entries || len(mb) > small.value {
					smallOK = false
				}
			case 1:
				mb := zfuzzMembers[next()%len(zfuzzMembers)]
				if a, b, want := p.remove(mb), c.remove(mb), m.remove(mb); a != want || b != want {
					t.Fatalf("remove %q: %v %v, model %v", mb, a, b, want)
				}
			case 2:
				mb, rev := zfuzzMembers[next()%len(zfuzzMembers)], next()%2 == 1
				r, s, ok := m.rank(mb, rev)
				for _, z := range []*zset{p, c} {
					if r2, s2, ok2 := z.rank(mb, rev); r2 != r || s2 != s || ok2 != ok {
						t.Fatalf("rank %q rev %v: %d %v %v, model %d %v %v", mb, rev, r2, s2, ok2, r, s, ok)
					}
				}
			case 3:
				sp := ZRangeSpec{By: ZByRank, Start: int64(next()%12 - 6), Stop: int64(next()%12 - 6), Rev: next()%2 == 1}
				zfuzzSame(t, "rank range", sp, p, c, m)
			case 4:
				lo, hi := zfuzzScores[next()%len(zfuzzScores)], zfuzzScores[next()%len(zfuzzScores)]
				fl := next()
				sp := ZRangeSpec{By: ZByScore, Score: ScoreRange{Min: lo, Max: hi, MinEx: fl&1 != 0, MaxEx: fl&2 != 0},
					Rev: fl&4 != 0, Offset: int64(fl>>3) % 3, Limit: int64(next()%5) - 1}
				zfuzzSame(t, "score range", sp, p, c, m)
			case 5:
				bound := func() LexBound {
					v := next()
					switch v % 8 {
					case 0:
						return LexBound{Inf: -1}
					case 1:
						return LexBound{Inf: 1}
					}
					return LexBound{S: zfuzzMembers[v%len(zfuzzMembers)], Ex: v&16 != 0}
				}
				sp := ZRangeSpec{By: ZByLex, Lex: LexRange{Min: bound(), Max: bound()}, Rev: next()%2 == 1, Limit: -1}
				if zfuzzOneScore(m) { // lex ranges are defined over equal scores only
					zfuzzSame(t, "lex range", sp, p, c, m)
				}
			case 6:
				n, max := next()%4, next()%2 == 1
				want := m.pop(n, max)
				for _, z := range []*zset{p, c} {
					if got := z.pop(n, max); !slices.Equal(got, want) {
						t.Fatalf("pop %d max %v: %v, model %v", n, max, got, want)
					}
				}
			case 7:
				p, c = restore(p), restore(c)
			}
			for _, k := range stored {
				if !bytes.Equal(k.s.form(), k.b) {
					t.Fatalf("stored bytes changed: %x, were %x", k.s.form(), k.b)
				}
			}
			all := m.collect(1, m.card(), false)
			for _, z := range []*zset{p, c} {
				if z.card() != m.card() || !slices.Equal(z.collect(1, z.card(), false), all) {
					t.Fatalf("members %v, model %v", z.collect(1, z.card(), false), all)
				}
			}
			if !p.packed() || p.mem() > zpackBase+sizeClass(len(p.lp.b))+sizeClass(len(p.lp.b)/2) {
				t.Fatalf("packed set: packed %v, bytes %d for %d bytes of pairs", p.packed(), p.mem(), len(p.lp.b))
			}
			if c.packed() != smallOK {
				t.Fatalf("set under limits %+v: packed %v, want %v", small, c.packed(), smallOK)
			}
		}
	})
}

// zfuzzSame checks that p and c select what the model m selects for sp.
func zfuzzSame(t *testing.T, what string, sp ZRangeSpec, p, c, m *zset) {
	t.Helper()
	want := m.selectRange(sp)
	for _, z := range []*zset{p, c} {
		if got := z.selectRange(sp); !slices.Equal(got, want) {
			t.Fatalf("%s %+v: %v, model %v", what, sp, got, want)
		}
	}
	if sp.By == ZByScore {
		_, n := m.scoreSpan(sp.Score)
		for _, z := range []*zset{p, c} {
			if _, n2 := z.scoreSpan(sp.Score); n2 != n {
				t.Fatalf("count %+v: %d, model %d", sp.Score, n2, n)
			}
		}
	}
}

// zfuzzOneScore tells whether every member of z has the same score.
func zfuzzOneScore(z *zset) bool {
	all := z.collect(1, z.card(), false)
	return len(all) == 0 || all[0].Score == all[len(all)-1].Score
}
