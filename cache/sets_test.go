package cache

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestHashSetMatchesMap runs random adds and removes on a hashSet and a
// map side by side; after each step they hold the same members, and a
// full SSCAN-style walk returns each member exactly once (the index has
// no holes or strays).
func TestHashSetMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	h := newHashSet(0)
	want := map[string]bool{}
	for step := range 20000 {
		m := strconv.Itoa(r.IntN(3000))
		if r.IntN(3) == 0 {
			if got := h.remove(m); got != want[m] {
				t.Fatalf("step %d: remove(%s) = %v, want %v", step, m, got, want[m])
			}
			delete(want, m)
		} else {
			if got := h.add(m); got == want[m] {
				t.Fatalf("step %d: add(%s) = %v with the member present: %v", step, m, got, want[m])
			}
			want[m] = true
		}
		if len(h.members) != len(want) {
			t.Fatalf("step %d: %d members, want %d", step, len(h.members), len(want))
		}
		if step%1000 != 0 {
			continue
		}
		seen := map[string]int{}
		var cur uint64
		for {
			cur = h.scan(cur, func(m string) { seen[m]++ })
			if cur == 0 {
				break
			}
		}
		for m := range want {
			if seen[m] != 1 {
				t.Fatalf("step %d: a full walk returned %q %d times", step, m, seen[m])
			}
			if _, _, ok := h.find(m); !ok {
				t.Fatalf("step %d: %q not found", step, m)
			}
		}
		if len(seen) != len(want) {
			t.Fatalf("step %d: walk returned %d members, want %d", step, len(seen), len(want))
		}
	}
}

// TestSScanSurvivesGrowthAndShrink scans a set while other members are
// added (the index doubles several times) or removed (it shrinks): every
// member present for the whole scan comes back.
func TestSScanSurvivesGrowthAndShrink(t *testing.T) {
	for _, grow := range []bool{true, false} {
		t.Run(fmt.Sprintf("grow=%v", grow), func(t *testing.T) {
			ks := newKS(t, nil)
			key := []byte("s")
			var stable [][]byte
			for i := range 1000 {
				stable = append(stable, fmt.Appendf(nil, "stable:%d", i))
			}
			ks.SAdd(key, stable)
			if !grow {
				var extra [][]byte
				for i := range 20000 {
					extra = append(extra, fmt.Appendf(nil, "extra:%d", i))
				}
				ks.SAdd(key, extra)
			}
			seen := map[string]bool{}
			var cur uint64
			for i := 0; ; i++ {
				next, ms, err := ks.SScan(key, cur, "", 7)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range ms {
					seen[string(m)] = true
				}
				var batch [][]byte
				for j := range 10 {
					batch = append(batch, fmt.Appendf(nil, "extra:%d", i*10+j))
				}
				if grow {
					ks.SAdd(key, batch)
				} else {
					ks.SRem(key, batch)
				}
				if cur = next; cur == 0 {
					break
				}
				if i > 1e6 {
					t.Fatal("the scan does not end")
				}
			}
			for _, m := range stable {
				if !seen[string(m)] {
					t.Fatalf("%s was in the set for the whole scan but not returned", m)
				}
			}
		})
	}
}

// TestIntsetConversion: a set of integers stays compact up to the limit
// and turns into a hash set past it or at its first non-integer member,
// keeping every member.
func TestIntsetConversion(t *testing.T) {
	ks := newKS(t, nil)
	ks.SetMaxIntsetEntries(16)
	var ints [][]byte
	for i := range 16 {
		ints = append(ints, strconv.AppendInt(nil, int64(i*7-50), 10))
	}
	ks.SAdd([]byte("a"), ints)
	ks.SAdd([]byte("b"), ints)
	if enc, _ := ks.Encoding([]byte("a")); enc != "intset" {
		t.Fatalf("16 integers: %s, want intset", enc)
	}
	ks.SAdd([]byte("a"), [][]byte{[]byte("1000")})
	ks.SAdd([]byte("b"), [][]byte{[]byte("x")})
	for key, extra := range map[string]string{"a": "1000", "b": "x"} {
		if enc, _ := ks.Encoding([]byte(key)); enc != "hashtable" {
			t.Fatalf("%s: %s, want hashtable", key, enc)
		}
		got, _ := ks.SMembers([]byte(key))
		want := append(slices.Clone(ints), []byte(extra))
		if !sameMembers(got, want) {
			t.Fatalf("%s after conversion: %q, want %q", key, got, want)
		}
		for _, m := range want {
			if ok, _ := ks.SIsMember([]byte(key), m); !ok {
				t.Fatalf("%s: %s is not a member", key, m)
			}
		}
	}
	if ok, _ := ks.SIsMember([]byte("a"), []byte("-050")); ok {
		t.Fatal("-050 is not the member -50")
	}
}

func sameMembers(a, b [][]byte) bool {
	as := make([]string, len(a))
	for i := range a {
		as[i] = string(a[i])
	}
	bs := make([]string, len(b))
	for i := range b {
		bs[i] = string(b[i])
	}
	slices.Sort(as)
	slices.Sort(bs)
	return slices.Equal(as, bs)
}

// TestSetPackMatchesMap runs random adds, removes and random pops on sets
// that start empty, as integers or as strings, side by side with a map:
// after each step they hold the same members, each listed once; a set
// stays packed while it has at most set-max-listpack-entries members of
// at most set-max-listpack-value bytes and is a hash set once past
// either, never going back.
func TestSetPackMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	lim := setLimits{ints: 8, entries: setPackEntries, value: setPackValue}
	for round := range 40 {
		s := &setObj{}
		want := map[string]bool{}
		wasHash := false
		for step := range 400 {
			var m string
			switch r.IntN(4) {
			case 0:
				m = strconv.Itoa(r.IntN(200) - 20)
			case 1:
				m = "m" + strconv.Itoa(r.IntN(200))
			case 2:
				m = ""
			default:
				m = string(make([]byte, 60+r.IntN(round%8+1))) // 64 fits, 65 does not
			}
			switch op := r.IntN(10); {
			case op < 6:
				if got := s.add(m, lim); got == want[m] {
					t.Fatalf("round %d step %d: add %q returned %v, present %v", round, step, m, got, want[m])
				}
				want[m] = true
			case op < 9:
				if got := s.remove(m); got != want[m] {
					t.Fatalf("round %d step %d: remove %q returned %v, present %v", round, step, m, got, want[m])
				}
				delete(want, m)
			case s.len() > 0:
				delete(want, s.removeAt(r.IntN(s.len())))
			}
			if s.len() != len(want) {
				t.Fatalf("round %d step %d: len %d, want %d", round, step, s.len(), len(want))
			}
			seen := map[string]bool{}
			s.each(func(m string) bool {
				if seen[m] || !want[m] || !s.has(m) {
					t.Fatalf("round %d step %d: member %q listed twice or unexpected", round, step, m)
				}
				seen[m] = true
				return true
			})
			if len(seen) != len(want) {
				t.Fatalf("round %d step %d: each listed %d members, want %d", round, step, len(seen), len(want))
			}
			longest := 0
			for m := range want {
				longest = max(longest, len(m))
			}
			if wasHash && s.h == nil {
				t.Fatalf("round %d step %d: a hash set went back to a compact form", round, step)
			}
			if s.isPacked() && !lim.fits(s.len(), longest) {
				t.Fatalf("round %d step %d: packed with %d members, longest %d", round, step, s.len(), longest)
			}
			wasHash = s.h != nil
		}
	}
}
