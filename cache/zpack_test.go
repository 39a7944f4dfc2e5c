package cache

import (
	"bytes"
	"fmt"
	"math"
	"runtime"
	"testing"
)

// TestZSetMemoryAccounting checks the accounted bytes of sorted sets
// against the heap they take, packed and as skiplists.
func TestZSetMemoryAccounting(t *testing.T) {
	member := func(i int) ZMember { return ZMember{fmt.Sprintf("member:%d", i), float64(i%1000) / 4} }
	for _, tc := range []struct {
		name   string
		n      int
		load   func(ks *Keyspace, i int)
		packed bool
	}{
		{"packed-10-members", 100_000, func(ks *Keyspace, i int) {
			ms := make([]ZMember, 10)
			for j := range ms {
				ms[j] = member(i*10 + j)
			}
			ks.ZAdd(fmt.Appendf(nil, "z:%d", i), ZAddFlags{}, ms)
		}, true},
		{"packed-120-members", 5_000, func(ks *Keyspace, i int) {
			for j := 0; j < 120; j++ {
				ks.ZAdd(fmt.Appendf(nil, "z:%d", i), ZAddFlags{}, []ZMember{member(j)})
			}
		}, true},
		{"one-zset-of-200k", 200_000, func(ks *Keyspace, i int) {
			ks.ZAdd([]byte("bigz"), ZAddFlags{}, []ZMember{member(i)})
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			ks := newKS(t, nil)
			for i := 0; i < tc.n; i++ {
				tc.load(ks, i)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			acct := ks.UsedMemory()
			ratio := float64(acct) / float64(heap)
			t.Logf("accounted %d B, heap %d B, ratio %.3f", acct, heap, ratio)
			if ratio < 0.8 || ratio > 1.2 {
				t.Fatalf("accounted/heap = %.3f, want within 20%%", ratio)
			}
			key := []byte("z:0")
			if !tc.packed {
				key = []byte("bigz")
			}
			if enc, _ := ks.Encoding(key); (enc == "listpack") != tc.packed {
				t.Fatalf("encoding %q, packed %v", enc, tc.packed)
			}
			runtime.KeepAlive(ks)
		})
	}
}

// TestZSetConversions checks where a sorted set changes form: a member
// past zset-max-listpack-entries or longer than zset-max-listpack-value
// makes it a skiplist, shrinking does not make it packed again, and a
// stored result or a loaded copy is packed when small enough.
func TestZSetConversions(t *testing.T) {
	ks := newKS(t, nil)
	ks.SetZSetListpack(4, 8)
	enc := func(k string) string {
		e, _ := ks.Encoding([]byte(k))
		return e
	}
	add := func(k, m string, s float64) {
		if _, _, _, err := ks.ZAdd([]byte(k), ZAddFlags{}, []ZMember{{m, s}}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 4; i++ {
		add("z", fmt.Sprint("m", i), float64(i))
	}
	if enc("z") != "listpack" {
		t.Fatalf("4 members: %s", enc("z"))
	}
	add("z", "m0", 10) // an update is not a new member
	if enc("z") != "listpack" {
		t.Fatalf("4 members after an update: %s", enc("z"))
	}
	add("z", "m4", 4)
	if enc("z") != "skiplist" {
		t.Fatalf("5 members: %s", enc("z"))
	}
	ks.ZRem([]byte("z"), [][]byte{[]byte("m1"), []byte("m2"), []byte("m3")})
	if enc("z") != "skiplist" {
		t.Fatalf("shrunk to 2: %s", enc("z"))
	}
	if n, err := ks.ZRangeStore([]byte("dst"), []byte("z"), ZRangeSpec{By: ZByRank, Start: 0, Stop: -1}); err != nil || n != 2 || enc("dst") != "listpack" {
		t.Fatalf("ZRANGESTORE of 2: %d %v %s", n, err, enc("dst"))
	}
	add("long", "123456789", 1)
	if enc("long") != "skiplist" {
		t.Fatalf("a 9-byte member: %s", enc("long"))
	}
	if n, err := ks.ZCombineStore([]byte("u"), [][]byte{[]byte("z"), []byte("dst")}, ZCombineSpec{Op: ZUnion}); err != nil || n != 2 || enc("u") != "listpack" {
		t.Fatalf("ZUNIONSTORE of 2: %d %v %s", n, err, enc("u"))
	}
	if n, _ := ks.ZCombineStore([]byte("u2"), [][]byte{[]byte("z"), []byte("long")}, ZCombineSpec{Op: ZUnion}); n != 3 || enc("u2") != "skiplist" {
		t.Fatalf("ZUNIONSTORE with a long member: %d %s", n, enc("u2"))
	}
	// A snapshot loads the shrunk skiplist back packed, the long one not.
	var buf bytes.Buffer
	if err := ks.WriteSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	other := newKS(t, nil)
	other.SetZSetListpack(4, 8)
	if err := other.ReadSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"z": "listpack", "long": "skiplist", "dst": "listpack"} {
		if e, _ := other.Encoding([]byte(k)); e != want {
			t.Fatalf("%s after loading: %s, want %s", k, e, want)
		}
	}
	got, _ := other.ZRange([]byte("z"), ZRangeSpec{By: ZByRank, Start: 0, Stop: -1})
	if fmt.Sprint(got) != "[{m4 4} {m0 10}]" {
		t.Fatalf("z after loading: %v", got)
	}
}

// TestZPackScoresAsText checks that scores packed as text (short
// decimals) or bits (the rest) read back exactly, in order, and that a
// short decimal takes less room than its bits would.
func TestZPackScoresAsText(t *testing.T) {
	scores := []float64{1.5, -0.25, 0.1, 1e300, -1e-300, math.Inf(1), math.Inf(-1), 3, 1 << 60,
		0.30000000000000004, 123456.5, -7.125, math.SmallestNonzeroFloat64, math.MaxFloat64}
	ks := newKS(t, nil)
	items := make([]ZMember, len(scores))
	for i, s := range scores {
		items[i] = ZMember{fmt.Sprint("m", i), s}
	}
	if n, _, _, err := ks.ZAdd([]byte("z"), ZAddFlags{}, items); err != nil || n != len(scores) {
		t.Fatalf("ZADD: %d %v", n, err)
	}
	if enc, _ := ks.Encoding([]byte("z")); enc != "listpack" {
		t.Fatalf("encoding %s", enc)
	}
	for i, s := range scores {
		got, ok, err := ks.ZScore([]byte("z"), []byte(fmt.Sprint("m", i)))
		if err != nil || !ok || got != s {
			t.Fatalf("score of m%d: %v %v %v, want %v", i, got, ok, err, s)
		}
	}
	got, _ := ks.ZRange([]byte("z"), ZRangeSpec{By: ZByRank, Start: 0, Stop: -1})
	for i := 1; i < len(got); i++ {
		if got[i-1].Score > got[i].Score {
			t.Fatalf("out of order at %d: %v", i, got)
		}
	}
	var st scoreText
	if e := scoreEnc(1.5, &st); e.plen != 3 || string(st.b[:st.n]) != "1.5" {
		t.Fatalf("1.5 packed as %d bytes %q", e.plen, st.b[:st.n])
	}
	if x := 0.1; scoreEnc(x+0.2, &st).plen != zScoreBits {
		t.Fatalf("0.30000000000000004 packed as %d bytes, want its bits", st.n)
	}
}

// TestZAddReallocatesOnce checks that a ZADD of several new members to a
// packed set allocates the pack once (its final size), not per member.
func TestZAddReallocatesOnce(t *testing.T) {
	ks := newKS(t, nil)
	items := make([]ZMember, 10)
	for i := range items {
		items[i] = ZMember{fmt.Sprint("member:", i), float64(i) * 1.5}
	}
	key := []byte("z")
	allocs := testing.AllocsPerRun(20, func() {
		ks.Del(key)
		ks.ZAdd(key, ZAddFlags{}, items)
	})
	// The entry, its key bytes, the set and its pack (a per-member
	// reallocation made it 14).
	t.Logf("%.0f allocations", allocs)
	if allocs > 5 {
		t.Fatalf("ZADD of 10 new members: %.0f allocations, want at most 5", allocs)
	}
}
