package cache

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/keyslot"
)

func newKS(t testing.TB, mutate func(*Config)) *Keyspace {
	t.Helper()
	cfg := DefaultConfig()
	if mutate != nil {
		mutate(&cfg)
	}
	ks, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

// fakeClock is a settable clock for expiry tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestSetGetOptions(t *testing.T) {
	ks := newKS(t, nil)
	k := []byte("k")
	if r, _ := ks.Set(k, []byte("a"), SetOptions{XX: true}); r.Done {
		t.Fatal("XX set a missing key")
	}
	if r, _ := ks.Set(k, []byte("a"), SetOptions{NX: true}); !r.Done {
		t.Fatal("NX did not set a missing key")
	}
	r, err := ks.Set(k, []byte("b"), SetOptions{Get: true})
	if err != nil || string(r.Old) != "a" || !r.Done {
		t.Fatalf("SET GET = %+v, %v", r, err)
	}
	ks.HSet([]byte("h"), [][]byte{[]byte("f"), []byte("v")}, false)
	if _, err := ks.Get([]byte("h")); !errors.Is(err, ErrWrongType) {
		t.Fatalf("GET on a hash: %v", err)
	}
}

func TestLazyAndActiveExpiry(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_000_000, 0)}
	ks := newKS(t, func(c *Config) { c.Now = clk.Now })
	at := clk.Now().Add(time.Second).UnixMilli()
	for i := 0; i < 1000; i++ {
		ks.Set([]byte(fmt.Sprintf("k%d", i)), []byte("v"), SetOptions{At: at})
	}
	ks.Set([]byte("keep"), []byte("v"), SetOptions{})
	clk.Add(2 * time.Second)
	if v, _ := ks.Get([]byte("k1")); v != nil {
		t.Fatal("an expired key was returned")
	}
	for i := 0; i < 100 && ks.Len() > 1; i++ {
		ks.activeExpireCycle(0, time.Second)
	}
	if n := ks.Len(); n != 1 {
		t.Fatalf("%d keys left after active expiry, want 1", n)
	}
	if st := ks.Stats(); st.ExpiredKeys != 1000 || st.Expires != 0 {
		t.Fatalf("stats after expiry: %+v", st)
	}
}

// TestMemoryAccounting loads keys and compares the accounted bytes with the
// heap they really cost: within 20%.
func TestMemoryAccounting(t *testing.T) {
	for _, tc := range []struct {
		name string
		load func(ks *Keyspace, i int)
	}{
		{"strings-100B", func(ks *Keyspace, i int) {
			ks.Set(fmt.Appendf(nil, "key:%010d", i), bytes.Repeat([]byte("x"), 100), SetOptions{})
		}},
		{"strings-ttl-20B", func(ks *Keyspace, i int) {
			ks.Set(fmt.Appendf(nil, "key:%d", i), bytes.Repeat([]byte("y"), 20), SetOptions{At: 1 << 50})
		}},
		{"hashes-5-fields", func(ks *Keyspace, i int) {
			ks.HSet(fmt.Appendf(nil, "doc:%d", i), [][]byte{
				[]byte("title"), []byte("a title of some length"), []byte("year"), []byte("2024"),
				[]byte("genre"), []byte("drama"), []byte("score"), []byte("7.5"), []byte("body"), bytes.Repeat([]byte("b"), 200),
			}, false)
		}},
		{"hashes-tag-and-512B-vector", func(ks *Keyspace, i int) {
			ks.HSet(fmt.Appendf(nil, "doc:%d", i), [][]byte{
				[]byte("genre"), fmt.Appendf(nil, "g%d", i%10), []byte("emb"), bytes.Repeat([]byte{byte(i)}, 512),
			}, false)
		}},
		{"hashes-of-40-fields-one-by-one", func(ks *Keyspace, i int) {
			ks.HSet(fmt.Appendf(nil, "big:%d", i/40), [][]byte{fmt.Appendf(nil, "field:%d", i%40), bytes.Repeat([]byte("v"), 70)}, false)
		}},
		{"packed-hashes-5-fields", func(ks *Keyspace, i int) {
			ks.HSet(fmt.Appendf(nil, "hash:%08d", i), [][]byte{
				[]byte("field1"), fmt.Appendf(nil, "val%07d", i), []byte("field2"), []byte("12345"),
				[]byte("field3"), []byte("value"), []byte("field4"), []byte("-7"), []byte("field5"), []byte("some text"),
			}, false)
		}},
		{"intsets-3-members", func(ks *Keyspace, i int) {
			ks.SAdd(fmt.Appendf(nil, "set:%d", i), [][]byte{[]byte("1"), []byte("22"), fmt.Appendf(nil, "%d", i)})
		}},
		{"one-set-of-200k", func(ks *Keyspace, i int) {
			ks.SAdd([]byte("bigset"), [][]byte{fmt.Appendf(nil, "member:%d", i)})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 200_000
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			ks := newKS(t, nil)
			for i := 0; i < n; i++ {
				tc.load(ks, i)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			acct := ks.UsedMemory()
			ratio := float64(acct) / float64(heap)
			t.Logf("%d keys: accounted %d B, heap %d B, ratio %.3f (%.0f B/key)", n, acct, heap, ratio, float64(heap)/n)
			if ratio < 0.8 || ratio > 1.2 {
				t.Fatalf("accounted/heap = %.3f, want within 20%%", ratio)
			}
			runtime.KeepAlive(ks)
		})
	}
}

func TestSlotsIterateSnapshotDrop(t *testing.T) {
	ks := newKS(t, nil)
	for i := 0; i < 5000; i++ {
		ks.Set(fmt.Appendf(nil, "k%d", i), []byte("v"), SetOptions{})
	}
	slot := keyslot.OfString("k42")
	n := ks.CountKeysInSlot(slot)
	if n == 0 || len(ks.KeysInSlot(slot, 1000)) != n {
		t.Fatalf("slot %d: count %d, keys %d", slot, n, len(ks.KeysInSlot(slot, 1000)))
	}
	var buf bytes.Buffer
	if err := ks.WriteSlots(&buf, []int{slot}); err != nil {
		t.Fatal(err)
	}
	if dropped := ks.DropSlots([]int{slot}); dropped != n {
		t.Fatalf("dropped %d, want %d", dropped, n)
	}
	if ks.Exists([]byte("k42")) != 0 || ks.Len() != 5000-n {
		t.Fatal("drop left keys behind")
	}
	other := newKS(t, nil)
	if err := other.ReadSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	if other.Len() != n || other.Exists([]byte("k42")) != 1 {
		t.Fatalf("slot snapshot loaded %d keys, want %d", other.Len(), n)
	}
	if ks.SlotMemory(slot) != 0 || other.SlotMemory(slot) <= 0 {
		t.Fatal("slot memory not moved")
	}
}

func TestScanReturnsEveryKey(t *testing.T) {
	ks := newKS(t, nil)
	want := map[string]bool{}
	for i := 0; i < 3000; i++ {
		k := fmt.Sprintf("s%d", i)
		want[k] = true
		ks.Set([]byte(k), []byte("v"), SetOptions{})
	}
	got := map[string]bool{}
	var cur uint64
	for calls := 0; ; calls++ {
		var keys []string
		cur, keys = ks.Scan(cur, ScanOptions{Count: 100})
		for _, k := range keys {
			got[k] = true
		}
		if cur == 0 {
			break
		}
		if calls > 20000 {
			t.Fatal("scan does not end")
		}
	}
	if len(got) != len(want) {
		t.Fatalf("scan returned %d distinct keys, want %d", len(got), len(want))
	}
}

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		p, s string
		ok   bool
	}{
		{"*", "anything", true}, {"h?llo", "hello", true}, {"h?llo", "hllo", false},
		{"h[ae]llo", "hallo", true}, {"h[^e]llo", "hello", false}, {"h[a-b]llo", "hbllo", true},
		{"a*b*c", "axxbyyc", true}, {"a*b*c", "axxbyy", false}, {`a\*`, "a*", true}, {`a\*`, "ab", false},
		{"key:*", "key:1/2", true},
	} {
		if got := Match(c.p, c.s); got != c.ok {
			t.Errorf("Match(%q, %q) = %v", c.p, c.s, got)
		}
	}
}

type recorder struct {
	mu      sync.Mutex
	changed map[string]int
	removed map[string]Reason
}

func (r *recorder) HashChanged(key string, slot int, fields map[string][]byte) {
	r.mu.Lock()
	r.changed[key] = len(fields)
	r.mu.Unlock()
}

func (r *recorder) KeyRemoved(key string, slot int, why Reason) {
	r.mu.Lock()
	r.removed[key] = why
	r.mu.Unlock()
}

func TestObserver(t *testing.T) {
	rec := &recorder{changed: map[string]int{}, removed: map[string]Reason{}}
	ks := newKS(t, func(c *Config) { c.Observer = rec })
	ks.HSet([]byte("d"), [][]byte{[]byte("a"), []byte("1"), []byte("b"), []byte("2")}, false)
	if rec.changed["d"] != 2 {
		t.Fatalf("HashChanged not called with 2 fields: %v", rec.changed)
	}
	ks.Rename([]byte("d"), []byte("e"), false)
	if rec.removed["d"] != ReasonRenamed || rec.changed["e"] != 2 {
		t.Fatalf("rename not observed: %v %v", rec.removed, rec.changed)
	}
	ks.Del([]byte("e"))
	if rec.removed["e"] != ReasonDeleted {
		t.Fatalf("delete not observed: %v", rec.removed)
	}
}

// TestEvictionFindsKeysInOneSlot: keys that share a hash tag live in one
// lock stripe; eviction must still find them rather than refuse with OOM.
func TestEvictionFindsKeysInOneSlot(t *testing.T) {
	for _, p := range []Policy{AllKeysLRU, VolatileTTL} {
		ks := newKS(t, func(c *Config) { c.MaxMemory = 1 << 20; c.Policy = p })
		for i := 0; i < 20000; i++ {
			if ks.OverMemory() {
				t.Fatalf("%v: OOM after %d keys of one slot", p, i)
			}
			ks.Set(fmt.Appendf(nil, "{tag}:%d", i), bytes.Repeat([]byte("v"), 200), SetOptions{At: 1 << 50})
		}
		if ks.Stats().EvictedKeys == 0 || ks.UsedMemory() > 1<<20+1024 {
			t.Fatalf("%v: evicted %d, used %d", p, ks.Stats().EvictedKeys, ks.UsedMemory())
		}
	}
}

func TestConcurrentOps(t *testing.T) {
	ks := newKS(t, func(c *Config) { c.MaxMemory = 1 << 20; c.Policy = AllKeysLFU })
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 3000; i++ {
				k := fmt.Appendf(nil, "c%d", i%500)
				switch i % 5 {
				case 0:
					ks.Set(k, bytes.Repeat([]byte("v"), 500), SetOptions{})
				case 1:
					ks.Get(k)
				case 2:
					ks.IncrBy(fmt.Appendf(nil, "n%d", g), 1)
				case 3:
					ks.HSet(fmt.Appendf(nil, "h%d", i%50), [][]byte{k, k}, false)
				case 4:
					ks.OverMemory()
				}
			}
		}(g)
	}
	wg.Wait()
	if v, _ := ks.Get([]byte("n0")); v == nil {
		t.Fatal("counter lost")
	}
}

func FuzzReadSnapshot(f *testing.F) {
	ks := newKS(f, nil)
	ks.Set([]byte("a"), []byte("1"), SetOptions{})
	ks.Set([]byte("t"), []byte("2"), SetOptions{At: 1 << 50})
	ks.HSet([]byte("h"), [][]byte{[]byte("f"), []byte("v")}, false)
	var buf bytes.Buffer
	ks.WriteSnapshot(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte(snapMagic))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		other := newKS(t, nil)
		if err := other.ReadSnapshot(bytes.NewReader(data)); err != nil && !errors.Is(err, ErrCorruptSnapshot) {
			t.Fatalf("error not wrapping ErrCorruptSnapshot: %v", err)
		}
	})
}

func BenchmarkSet(b *testing.B) {
	ks := newKS(b, nil)
	val := bytes.Repeat([]byte("v"), 100)
	keys := make([][]byte, 100000)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "key:%d", i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ks.Set(keys[i%len(keys)], val, SetOptions{})
	}
}

func BenchmarkGetParallel(b *testing.B) {
	ks := newKS(b, nil)
	keys := make([][]byte, 100000)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "key:%d", i)
		ks.Set(keys[i], []byte("value"), SetOptions{})
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			ks.Get(keys[i%len(keys)])
			i++
		}
	})
}

// BenchmarkMapBaseline is the plain map a keyspace is measured against.
func BenchmarkMapBaseline(b *testing.B) {
	m := map[string][]byte{}
	val := bytes.Repeat([]byte("v"), 100)
	keys := make([][]byte, 100000)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "key:%d", i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i%len(keys)]
		m[string(k)] = append([]byte(nil), val...)
	}
}

// picker is an observer that reads only the fields named in names.
type picker struct {
	names []string
	got   map[string]string
}

func (p *picker) HashChanged(key string, slot int, fields map[string][]byte) {
	p.got = map[string]string{}
	for f, v := range fields {
		p.got[f] = string(v)
	}
}

func (p *picker) KeyRemoved(string, int, Reason) {}

func (p *picker) HashFieldNames(string) ([]string, bool) { return p.names, p.names != nil }

// TestObserverPicksNamedFields: an observer that names the fields it
// reads gets just those the hash has, with their current values, from a
// packed hash and a hash table alike (after HSET, HDEL, HINCRBY); one
// that names none gets every field.
func TestObserverPicksNamedFields(t *testing.T) {
	p := &picker{names: []string{"a", "b", "missing", ""}}
	ks := newKS(t, func(c *Config) { c.Observer = p })
	check := func(what string, want map[string]string) {
		t.Helper()
		if !maps.Equal(p.got, want) {
			t.Fatalf("%s: observer got %v, want %v", what, p.got, want)
		}
	}
	for _, n := range []int{3, 2000} { // packed, table
		key := []byte("h" + strconv.Itoa(n))
		fv := [][]byte{[]byte("a"), []byte("1"), []byte("b"), []byte("2"), []byte(""), []byte("empty")}
		for i := 3; i < n; i++ {
			fv = append(fv, []byte("x"+strconv.Itoa(i)), []byte("v"))
		}
		ks.HSet(key, fv, false)
		check("HSET", map[string]string{"a": "1", "b": "2", "": "empty"})
		ks.HSet(key, [][]byte{[]byte("x5"), []byte("w")}, false)
		check("HSET of an unnamed field", map[string]string{"a": "1", "b": "2", "": "empty"})
		ks.HDel(key, [][]byte{[]byte("b")})
		check("HDEL", map[string]string{"a": "1", "": "empty"})
		ks.HIncrBy(key, []byte("a"), 5)
		check("HINCRBY", map[string]string{"a": "6", "": "empty"})
	}
	p.names = nil
	ks.HSet([]byte("h2000"), [][]byte{[]byte("a"), []byte("7")}, false)
	if len(p.got) != 2000-1 || p.got["a"] != "7" || p.got["x1999"] != "v" {
		t.Fatalf("an observer naming no fields got %d fields, want every one (1999)", len(p.got))
	}
}
