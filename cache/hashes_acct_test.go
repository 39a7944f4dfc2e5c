package cache

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestHashAccountingByDelta: HSET and HDEL on a hash held as a map count
// the bytes they add or remove without walking the hash, and the count
// stays exactly what a walk gives (entrySize), through growth, overwrites
// with longer and shorter values, deletes, and a field TTL (which walks).
func TestHashAccountingByDelta(t *testing.T) {
	ks := newKS(t, nil)
	key := []byte("big")
	check := func(when string) {
		t.Helper()
		sh, slot := ks.locate(key)
		sh.mu.Lock()
		defer sh.mu.Unlock()
		e := ks.find(sh, slot, key)
		if e == nil {
			t.Fatalf("%s: hash missing", when)
		}
		if e.isPacked() {
			t.Fatalf("%s: hash still packed", when)
		}
		if got, want := e.mem(), entrySize(e); got != want {
			t.Fatalf("%s: accounted %d bytes, a walk gives %d", when, got, want)
		}
	}
	for i := range 3000 {
		if _, err := ks.HSet(key, [][]byte{[]byte(fmt.Sprintf("f%d", i)), []byte(strings.Repeat("v", i%90))}, false); err != nil {
			t.Fatal(err)
		}
	}
	check("after 3000 HSETs")
	for i := 0; i < 3000; i += 7 {
		ks.HSet(key, [][]byte{[]byte(fmt.Sprintf("f%d", i)), []byte(strings.Repeat("w", 200)),
			[]byte(fmt.Sprintf("g%d", i)), []byte("x")}, false)
	}
	check("after overwrites and pairs")
	ks.HSet(key, [][]byte{[]byte("f1"), []byte("nx")}, true) // HSETNX of a field there: no change
	check("after HSETNX")
	for i := 0; i < 3000; i += 3 {
		if _, err := ks.HDel(key, [][]byte{[]byte(fmt.Sprintf("f%d", i)), []byte("nosuch")}); err != nil {
			t.Fatal(err)
		}
	}
	check("after HDELs")
	if _, err := ks.HExpire(key, time.Now().Add(time.Hour).UnixMilli(), ExpireAlways, [][]byte{[]byte("f1")}); err != nil {
		t.Fatal(err)
	}
	ks.HSet(key, [][]byte{[]byte("f2"), []byte("after-ttl")}, false)
	ks.HDel(key, [][]byte{[]byte("f4")})
	check("with a field TTL")
}

// BenchmarkHSetBigHash: one HSET into a hash that already holds 100k
// fields (redis-benchmark's hset test fills one such hash).
func BenchmarkHSetBigHash(b *testing.B) {
	ks := newKS(b, nil)
	key := []byte("big")
	for i := range 100000 {
		ks.HSet(key, [][]byte{[]byte(fmt.Sprintf("f%d", i)), []byte("v")}, false)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ks.HSet(key, [][]byte{[]byte(fmt.Sprintf("f%d", i%100000)), []byte("w")}, false)
	}
}
