package cache

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// TestListAgainstSlice runs random list operations on the keyspace and on
// a plain slice and compares the whole list after each, with elements of
// sizes that make chunks fill, split and empty.
func TestListAgainstSlice(t *testing.T) {
	if packed, chunked := listAgainstSlice(t, newKS(t, nil), 20000); packed == 0 || chunked == 0 {
		t.Errorf("the list was packed after %d steps, chunked after %d: want both", packed, chunked)
	}
}

// TestListAgainstSliceFills is TestListAgainstSlice under other
// list-max-listpack-size values, positive (elements) and negative
// (bytes), so that lists turn from packed to chunked and back often
// (up to -2's 8 KiB chunks); the list's form keeps to the limits.
func TestListAgainstSliceFills(t *testing.T) {
	for _, fill := range []int64{0, 1, 3, 16, -1, -5, -9, 1 << 20} {
		t.Run(fmt.Sprint(fill), func(t *testing.T) {
			ks := newKS(t, nil)
			ks.SetListPackSize(fill)
			packed, chunked := listAgainstSlice(t, ks, 4000)
			// Lists here stay under 64 KiB: chunked only past smaller limits.
			if maxBytes, _ := fillLimits(ks.listFill()); packed == 0 && fill != 0 || chunked == 0 && maxBytes <= chunkMax {
				t.Errorf("the list was packed after %d steps, chunked after %d: want both", packed, chunked)
			}
		})
	}
}

// TestListAgainstSliceCompressed is TestListAgainstSlice with
// list-compress-depth 1 to 3 and small chunks, so that most chunks are
// compressed, read, rewritten and moved to the ends and back; the depth
// changes midway, to 0 too (everything decompressed on the next write).
func TestListAgainstSliceCompressed(t *testing.T) {
	for _, d := range []int64{1, 2, 3} {
		t.Run(fmt.Sprint(d), func(t *testing.T) {
			ks := newKS(t, nil)
			ks.SetListPackSize(24)
			ks.SetListCompressDepth(d)
			listAgainstSlice(t, ks, 3000)
			ks.Del([]byte("l"))
			ks.SetListCompressDepth(d % 3)
			listAgainstSlice(t, ks, 1500)
		})
	}
}

// checkListForm fails when the list at key is packed beyond the keyspace's
// list-max-listpack-size or chunked past it; it returns whether it is
// packed.
func checkListForm(t *testing.T, ks *Keyspace, key []byte) (packed bool) {
	t.Helper()
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	if e == nil {
		return false
	}
	maxBytes, maxCount := fillLimits(ks.listFill())
	switch l := e.object().(type) {
	case lsmall:
		b, n, _ := l.form()
		if n == 0 || len(b) > maxBytes || n > maxCount {
			t.Fatalf("packed list of %d elements in %d bytes, limits %d elements %d bytes", n, len(b), maxCount, maxBytes)
		}
		return true
	case *list:
		d := int(ks.listDepth.Load())
		var mem int64
		for i, c := range l.chunks {
			if c.n == 0 || c.n > 1 && (c.used() > maxBytes || c.n > maxCount) {
				t.Fatalf("chunk of %d elements in %d bytes, limits %d elements %d bytes", c.n, c.used(), maxCount, maxBytes)
			}
			mem += c.mem()
			inner := d > 0 && i >= d && i < len(l.chunks)-d
			switch {
			case !inner && c.zraw > 0:
				t.Fatalf("chunk %d of %d compressed at depth %d", i, len(l.chunks), d)
			case inner && c.zraw == 0 && c.used() >= zipMinBytes:
				t.Fatalf("chunk %d of %d (%d bytes) not compressed at depth %d", i, len(l.chunks), c.used(), d)
			case c.zraw > 0 && c.hi-c.lo+zipMinGain > c.zraw:
				t.Fatalf("chunk %d compressed %d bytes to %d", i, c.zraw, c.hi-c.lo)
			}
		}
		if mem != l.mem {
			t.Fatalf("list accounts %d bytes of chunks, they take %d", l.mem, mem)
		}
		if got, want := e.mem(), entrySize(e); got != want {
			t.Fatalf("entry accounts %d bytes, a walk gives %d", got, want)
		}
	default:
		t.Fatalf("list held as %T", l)
	}
	return false
}

// listAgainstSlice runs steps random list operations on ks and on a plain
// slice and compares the whole list after each; it returns after how many
// steps the list was packed, and after how many chunked.
func listAgainstSlice(t *testing.T, ks *Keyspace, steps int) (packed, chunked int) {
	key := []byte("l")
	var model [][]byte
	rng := rand.New(rand.NewPCG(1, 2))
	ints := []string{"0", "-0", "007", "-5", "12345", "9223372036854775807", "-9223372036854775808",
		"9223372036854775808", "+1", "1e3", " 1", "-"}
	val := func() []byte {
		if rng.IntN(4) == 0 {
			if rng.IntN(2) == 0 {
				return []byte(ints[rng.IntN(len(ints))])
			}
			return fmt.Appendf(nil, "%d", rng.Int64()>>rng.IntN(64)*int64(1-2*rng.IntN(2)))
		}
		size := rng.IntN(20)
		if rng.IntN(50) == 0 {
			size = rng.IntN(3 * chunkMax)
		}
		return bytes.Repeat([]byte{byte('a' + rng.IntN(4))}, size)
	}
	for step := 0; step < steps; step++ {
		op := rng.IntN(10)
		switch op {
		case 0, 1, 2:
			v := val()
			left := op == 0
			if _, err := ks.Push(key, [][]byte{v}, left, false); err != nil {
				t.Fatal(err)
			}
			if left {
				model = append([][]byte{v}, model...)
			} else {
				model = append(model, v)
			}
		case 3, 4:
			left := op == 3
			cnt := 1 + rng.IntN(3)
			got, err := ks.Pop(key, left, cnt)
			if err != nil {
				t.Fatal(err)
			}
			var want [][]byte
			for i := 0; i < cnt && len(model) > 0; i++ {
				if left {
					want, model = append(want, model[0]), model[1:]
				} else {
					want, model = append(want, model[len(model)-1]), model[:len(model)-1]
				}
			}
			if len(want) == 0 {
				want = nil
			}
			if !equalLists(got, want) {
				t.Fatalf("step %d pop: got %d elems, want %d", step, len(got), len(want))
			}
		case 5:
			if len(model) == 0 {
				continue
			}
			i := rng.IntN(len(model))
			v := val()
			if err := ks.LSet(key, int64(i), v); err != nil {
				t.Fatal(err)
			}
			model[i] = v
		case 6:
			if len(model) == 0 {
				continue
			}
			pivot := model[rng.IntN(len(model))]
			v := val()
			before := rng.IntN(2) == 0
			if _, err := ks.LInsert(key, before, pivot, v); err != nil {
				t.Fatal(err)
			}
			at := slices.IndexFunc(model, func(e []byte) bool { return bytes.Equal(e, pivot) })
			if !before {
				at++
			}
			model = slices.Insert(model, at, v)
		case 7:
			if rng.IntN(20) != 0 {
				continue
			}
			v := []byte([]string{"a", "0", "-5", "007"}[rng.IntN(4)])
			cnt := int64(rng.IntN(5) - 2)
			n, err := ks.LRem(key, cnt, v)
			if err != nil {
				t.Fatal(err)
			}
			removed := 0
			if cnt < 0 {
				for i := len(model) - 1; i >= 0 && (removed < int(-cnt)); i-- {
					if bytes.Equal(model[i], v) {
						model = slices.Delete(model, i, i+1)
						removed++
					}
				}
			} else {
				for i := 0; i < len(model) && (cnt == 0 || removed < int(cnt)); {
					if bytes.Equal(model[i], v) {
						model = slices.Delete(model, i, i+1)
						removed++
						continue
					}
					i++
				}
			}
			if n != removed {
				t.Fatalf("step %d LREM removed %d, want %d", step, n, removed)
			}
		case 8:
			if rng.IntN(10) != 0 || len(model) < 4 {
				continue
			}
			a, b := rng.IntN(3), len(model)-1-rng.IntN(3)
			if err := ks.LTrim(key, int64(a), int64(b)); err != nil {
				t.Fatal(err)
			}
			model = model[a : b+1]
		case 9:
			i := int64(rng.IntN(len(model)+2) - 1)
			got, err := ks.LIndex(key, i)
			if err != nil {
				t.Fatal(err)
			}
			var want []byte
			if i >= 0 && int(i) < len(model) {
				want = model[i]
			} else if i < 0 && len(model) > 0 {
				want = model[len(model)-1]
			}
			if !bytes.Equal(got, want) || (got == nil) != (want == nil) {
				t.Fatalf("step %d LINDEX %d: got %q want %q", step, i, got, want)
			}
		}
		got, err := ks.LRange(key, 0, -1)
		if err != nil {
			t.Fatal(err)
		}
		if !equalLists(got, model) {
			t.Fatalf("step %d (op %d): list has %d elems, model %d", step, op, len(got), len(model))
		}
		if n, _ := ks.LLen(key); n != len(model) {
			t.Fatalf("step %d: LLEN %d, model %d", step, n, len(model))
		}
		if len(model) == 0 && ks.Exists(key) != 0 {
			t.Fatalf("step %d: empty list still exists", step)
		}
		if checkListForm(t, ks, key) {
			packed++
		} else if len(model) > 0 {
			chunked++
		}
	}
	return packed, chunked
}

func equalLists(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// TestListSnapshotRoundTrip saves and reloads a long list and a short one.
func TestListSnapshotRoundTrip(t *testing.T) {
	ks := newKS(t, nil)
	var vals [][]byte
	for i := 0; i < 5000; i++ {
		vals = append(vals, []byte(fmt.Sprint(i)))
	}
	if _, err := ks.Push([]byte("long"), vals, false, false); err != nil {
		t.Fatal(err)
	}
	if _, err := ks.Push([]byte("short"), [][]byte{[]byte("a"), []byte("")}, true, false); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ks.WriteSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	ks2 := newKS(t, nil)
	if err := ks2.ReadSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"long", "short"} {
		a, _ := ks.LRange([]byte(k), 0, -1)
		b, _ := ks2.LRange([]byte(k), 0, -1)
		if !equalLists(a, b) || ks2.Type([]byte(k)) != "list" {
			t.Fatalf("%s: %d elems after reload, want %d", k, len(b), len(a))
		}
	}
	if ks.UsedMemory() != ks2.UsedMemory() {
		t.Errorf("used memory %d after reload, was %d", ks2.UsedMemory(), ks.UsedMemory())
	}
}

// TestListMemoryAccounting checks the lists' accounted bytes against the
// heap they take: one long list pushed at either end, and many short ones.
func TestListMemoryAccounting(t *testing.T) {
	for _, tc := range []struct {
		name string
		load func(ks *Keyspace)
	}{
		{"one-1M-rpush", func(ks *Keyspace) {
			for i := 0; i < 1_000_000; i++ {
				ks.Push([]byte("l"), [][]byte{fmt.Appendf(nil, "v%d", i%1000)}, false, false)
			}
		}},
		{"one-1M-lpush", func(ks *Keyspace) {
			for i := 0; i < 1_000_000; i++ {
				ks.Push([]byte("l"), [][]byte{[]byte("xxx")}, true, false)
			}
		}},
		{"200k-of-5", func(ks *Keyspace) {
			for i := 0; i < 200_000; i++ {
				ks.Push(fmt.Appendf(nil, "list:%d", i), [][]byte{[]byte("a"), []byte("bb"), []byte("ccc"), []byte("dddd"), []byte("eeeee")}, false, false)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			ks := newKS(t, nil)
			tc.load(ks)
			runtime.GC()
			runtime.ReadMemStats(&after)
			heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			acct := ks.UsedMemory()
			ratio := float64(acct) / float64(heap)
			t.Logf("accounted %d B, heap %d B, ratio %.3f", acct, heap, ratio)
			if ratio < 0.8 || ratio > 1.2 {
				t.Fatalf("accounted/heap = %.3f, want within 20%%", ratio)
			}
			runtime.KeepAlive(ks)
		})
	}
}

// TestLRangeEachMatchesLRange: the copy-free range gives what LRange gives.
func TestLRangeEachMatchesLRange(t *testing.T) {
	ks := newKS(t, nil)
	for i := 0; i < 3000; i++ {
		ks.Push([]byte("l"), [][]byte{fmt.Appendf(nil, "%d", i-1500), fmt.Appendf(nil, "s%d", i)}, i%2 == 0, false)
	}
	for _, r := range [][2]int64{{0, -1}, {5, 10}, {-10, -1}, {7000, 8000}, {3, 1}, {-9000, 2}} {
		want, _ := ks.LRange([]byte("l"), r[0], r[1])
		var got [][]byte
		n := -1
		if err := ks.LRangeEach([]byte("l"), r[0], r[1], func(k int) { n = k }, func(v []byte) { got = append(got, append([]byte(nil), v...)) }); err != nil {
			t.Fatal(err)
		}
		if n != len(want) || !equalLists(got, want) {
			t.Fatalf("range %v: LRangeEach gave %d (count %d), LRange %d", r, len(got), n, len(want))
		}
	}
	ks.Set([]byte("s"), []byte("x"), SetOptions{})
	if err := ks.LRangeEach([]byte("s"), 0, -1, func(int) {}, func([]byte) {}); err != ErrWrongType {
		t.Fatalf("LRangeEach on a string: %v", err)
	}
}

// BenchmarkListPushPop pushes and pops at both ends of a list that holds
// about 10k elements, against a plain slice of byte slices as baseline.
func BenchmarkListPushPop(b *testing.B) {
	v := []byte("value:123456")
	b.Run("keyspace", func(b *testing.B) {
		ks := newKS(b, nil)
		key := []byte("l")
		for i := 0; i < 10000; i++ {
			ks.Push(key, [][]byte{v}, false, false)
		}
		one := [][]byte{v}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			left := i%2 == 0
			ks.Push(key, one, left, false)
			ks.Pop(key, !left, 1)
		}
	})
	b.Run("slice-baseline", func(b *testing.B) {
		var s [][]byte
		for i := 0; i < 10000; i++ {
			s = append(s, append([]byte(nil), v...))
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if i%2 == 0 {
				s = append([][]byte{append([]byte(nil), v...)}, s...)
				s = s[:len(s)-1]
			} else {
				s = append(s, append([]byte(nil), v...))
				s = s[1:]
			}
		}
	})
}

// BenchmarkSmallListPushPop pushes and pops at either end of a list of
// about 5 short elements (kept packed), and of many such lists.
func BenchmarkSmallListPushPop(b *testing.B) {
	ks := newKS(b, nil)
	keys := make([][]byte, 1000)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "l:%d", i)
		ks.Push(keys[i], [][]byte{[]byte("a"), []byte("bb"), []byte("ccc"), []byte("12"), []byte("e")}, false, false)
	}
	one := [][]byte{[]byte("value")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i%len(keys)]
		left := i%2 == 0
		ks.Push(k, one, left, false)
		ks.Pop(k, !left, 1)
	}
}

// TestListViewsShareNothing: lists pushed past list-max-listpack-size at
// either end, one after another, keep their own elements (a small list's
// changes are made in a buffer its next user reuses).
func TestListViewsShareNothing(t *testing.T) {
	ks := newKS(t, nil)
	ks.SetListPackSize(3)
	want := map[string][]string{}
	for i := 0; i < 200; i++ {
		k := fmt.Sprint("l", i)
		left := i%2 == 0
		for j := 0; j < 3+i%3; j++ {
			v := fmt.Sprint(k, "-", j)
			if _, err := ks.Push([]byte(k), [][]byte{[]byte(v)}, left, false); err != nil {
				t.Fatal(err)
			}
			if left {
				want[k] = append([]string{v}, want[k]...)
			} else {
				want[k] = append(want[k], v)
			}
		}
		if i%5 == 0 {
			ks.Pop([]byte(k), !left, 1)
			if left {
				want[k] = want[k][:len(want[k])-1]
			} else {
				want[k] = want[k][1:]
			}
		}
	}
	for k, w := range want {
		got, _ := ks.LRange([]byte(k), 0, -1)
		if fmt.Sprintf("%s", got) != fmt.Sprint(w) {
			t.Fatalf("%s = %s, want %v", k, got, w)
		}
	}
}

// zipped returns how many of the list at key's chunks are compressed,
// and how many chunks it has.
func zipped(ks *Keyspace, key []byte) (z, n int) {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if l, ok := ks.find(sh, slot, key).object().(*list); ok {
		for _, c := range l.chunks {
			if c.zraw > 0 {
				z++
			}
		}
		return z, len(l.chunks)
	}
	return 0, 1
}

// TestListCompressDepthChanges: a long list of compressible elements is
// compressed but for depth chunks at either end, takes a fraction of its
// uncompressed bytes, reads the same, and follows list-compress-depth on
// its next write: all decompressed at 0, compressed again at 1.
func TestListCompressDepthChanges(t *testing.T) {
	ks := newKS(t, nil)
	key := []byte("l")
	var want [][]byte
	for i := range 20000 {
		want = append(want, fmt.Appendf(nil, "element-%08d", i%3000))
	}
	ks.Push(key, want, false, false)
	plain := ks.UsedMemory()
	checkListForm(t, ks, key)
	if z, _ := zipped(ks, key); z != 0 {
		t.Fatalf("%d chunks compressed at depth 0", z)
	}
	ks.SetListCompressDepth(2)
	ks.Push(key, [][]byte{[]byte("tail")}, false, false)
	want = append(want, []byte("tail"))
	checkListForm(t, ks, key)
	z, n := zipped(ks, key)
	if z != n-4 {
		t.Fatalf("%d of %d chunks compressed at depth 2", z, n)
	}
	if used := ks.UsedMemory(); used*2 > plain {
		t.Fatalf("compressed list takes %d bytes, uncompressed %d", used, plain)
	}
	for _, rng := range [][2]int64{{0, -1}, {5000, 5100}, {-3, -1}} {
		got, _ := ks.LRange(key, rng[0], rng[1])
		s, e := int(rng[0]), int(rng[1])
		if s < 0 {
			s += len(want)
		}
		if e < 0 {
			e += len(want)
		}
		if !equalLists(got, want[s:e+1]) {
			t.Fatalf("LRANGE %v differs", rng)
		}
	}
	if v, _ := ks.LIndex(key, 10001); string(v) != string(want[10001]) {
		t.Fatalf("LINDEX 10001 = %q", v)
	}
	ks.SetListCompressDepth(0)
	ks.Pop(key, true, 1)
	checkListForm(t, ks, key)
	if z, _ := zipped(ks, key); z != 0 {
		t.Fatalf("%d chunks compressed after depth 0", z)
	}
	ks.SetListCompressDepth(1)
	ks.LSet(key, 9000, []byte("x"))
	checkListForm(t, ks, key)
	if z, n := zipped(ks, key); z != n-2 {
		t.Fatalf("%d of %d chunks compressed at depth 1", z, n)
	}
}

// BenchmarkListOpsCompressed is BenchmarkListOps at list-compress-depth 1.
func BenchmarkListOpsCompressed(b *testing.B) {
	ks := newKS(b, nil)
	ks.SetListCompressDepth(1)
	benchListOps(b, ks)
}

// TestListGrowsWithoutGarbage: a long list pushed one element at a time,
// at either end, allocates little more than it keeps: a chunk that
// starts beside a full one is made at the full one's size instead of
// doubling up to it (the doublings' garbage was as large as the list,
// and what the process held after a load beyond Redis's).
func TestListGrowsWithoutGarbage(t *testing.T) {
	for _, left := range []bool{false, true} {
		ks := newKS(t, nil)
		key := []byte("l")
		vals := make([][]byte, 200_000)
		for i := range vals {
			vals[i] = fmt.Appendf(nil, "elem%06d", i)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := 0; i < len(vals); i += 1000 {
			if _, err := ks.Push(key, vals[i:i+1000], left, false); err != nil {
				t.Fatal(err)
			}
		}
		runtime.ReadMemStats(&after)
		kept := ks.MemoryUsage(key)
		if got := int64(after.TotalAlloc - before.TotalAlloc); got > kept*5/4 {
			t.Errorf("left %v: pushing %d elements allocated %d bytes for a list of %d (MEMORY USAGE); want at most 1.25x", left, len(vals), got, kept)
		}
		first := "elem000000"
		if left {
			first = "elem199999"
		}
		if got, err := ks.LRange(key, 0, 0); err != nil || len(got) != 1 || string(got[0]) != first {
			t.Errorf("left %v: LRANGE 0 0 = %q, %v; want %s", left, got, err, first)
		}
	}
}
