package cache

import (
	"strconv"
	"testing"
)

// BenchmarkHashSmall sets and reads fields of 10,000 small hashes (5
// fields of 10-byte values each): the listpack-encoded case.
func BenchmarkHashSmall(b *testing.B) {
	ks := newKS(b, nil)
	const keys = 10000
	keyOf := func(i int) []byte { return []byte("hash:" + strconv.Itoa(i%keys)) }
	fields := [][]byte{[]byte("field1"), []byte("field2"), []byte("field3"), []byte("field4"), []byte("field5")}
	for i := range keys {
		for _, f := range fields {
			if _, err := ks.HSet(keyOf(i), [][]byte{f, []byte("value12345")}, false); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("HSET-update", func(b *testing.B) {
		b.ReportAllocs()
		fv := [][]byte{nil, []byte("value54321")}
		for i := range b.N {
			fv[0] = fields[i%5]
			ks.HSet(keyOf(i), fv, false)
		}
	})
	b.Run("HGET", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			if v, _ := ks.HGet(keyOf(i), fields[i%5]); len(v) != 10 {
				b.Fatal("missing value")
			}
		}
	})
	b.Run("HSET-new-key", func(b *testing.B) {
		b.ReportAllocs()
		fv := [][]byte{fields[0], []byte("value12345"), fields[1], []byte("value12345"), fields[2], []byte("value12345")}
		for i := range b.N {
			ks.HSet([]byte("new:"+strconv.Itoa(i)), fv, false)
		}
	})
}

// BenchmarkHashFull updates fields of one hash of 128 fields of 20-byte
// values (the most a listpack-encoded hash holds by default) and reads
// them back.
func BenchmarkHashFull(b *testing.B) {
	ks := newKS(b, nil)
	key := []byte("full")
	fields := make([][]byte, 128)
	for i := range fields {
		fields[i] = []byte("field:" + strconv.Itoa(i))
		if _, err := ks.HSet(key, [][]byte{fields[i], []byte("a value of 20 bytes.")}, false); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("HSET-update", func(b *testing.B) {
		b.ReportAllocs()
		fv := [][]byte{nil, []byte("another 20-byte one.")}
		for i := range b.N {
			fv[0] = fields[i%128]
			ks.HSet(key, fv, false)
		}
	})
	b.Run("HGET", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			if v, _ := ks.HGet(key, fields[i%128]); len(v) != 20 {
				b.Fatal("missing value")
			}
		}
	})
}

// bigHash makes a keyspace holding one hash, myhash, of 100,000 fields
// element:<11 digits> = xxx, and a sequence of 64 Ki pseudo-random field
// indexes to visit them by.
func bigHash(b *testing.B) (*Keyspace, []byte, [][]byte, []int32) {
	const n = 100_000
	ks := newKS(b, nil)
	key := []byte("myhash")
	fields := make([][]byte, n)
	for i := range fields {
		fields[i] = []byte("element:" + strconv.Itoa(100_000_000_000 + i)[1:])
		ks.HSet(key, [][]byte{fields[i], []byte("xxx")}, false)
	}
	seq := make([]int32, 1<<16)
	x := uint64(1)
	for i := range seq {
		x = x*6364136223846793005 + 1442695040888963407
		seq[i] = int32((x >> 33) % n)
	}
	return ks, key, fields, seq
}

// BenchmarkHSetBig is redis-benchmark's hset: HSET myhash
// element:<random> xxx over 100,000 fields (-r 100000) of one hash that
// already holds them, so every call replaces a field's value in a map too
// big for the CPU's nearer caches.
func BenchmarkHSetBig(b *testing.B) {
	ks, key, fields, seq := bigHash(b)
	fv := [][]byte{nil, []byte("xxx")}
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		fv[0] = fields[seq[i&(len(seq)-1)]]
		ks.HSet(key, fv, false)
	}
	reportCPU(b, c0)
}

// BenchmarkHGetBig reads random fields of one hash of 100,000 fields, as
// BenchmarkHSetBig writes them.
func BenchmarkHGetBig(b *testing.B) {
	ks, key, fields, seq := bigHash(b)
	b.ReportAllocs()
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		if v, _ := ks.HGet(key, fields[seq[i&(len(seq)-1)]]); len(v) != 3 {
			b.Fatal("missing value")
		}
	}
	reportCPU(b, c0)
}
