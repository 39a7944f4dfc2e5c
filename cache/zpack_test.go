package cache

import (
	"bytes"
	"fmt"
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
