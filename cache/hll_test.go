package cache

import (
	"bytes"
	"errors"
	"strconv"
	"testing"
)

// hllOf returns the sketch PFADD builds from n elements.
func hllOf(t testing.TB, ks *Keyspace, key string, n int) []byte {
	t.Helper()
	elems := make([][]byte, n)
	for i := range elems {
		elems[i] = []byte("el" + strconv.Itoa(i))
	}
	if _, err := ks.PFAdd([]byte(key), elems, DefaultHLLSparseMaxBytes); err != nil {
		t.Fatal(err)
	}
	v, err := ks.Get([]byte(key))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestHLLEncodingsAgree checks that a sketch forced dense counts what
// its sparse form counts, and that re-encoding keeps every register.
func TestHLLEncodingsAgree(t *testing.T) {
	ks := newKS(t, nil)
	for _, n := range []int{0, 1, 7, 100, 1000} {
		v := hllOf(t, ks, "h"+strconv.Itoa(n), n)
		if hllIsDense(v) {
			t.Fatalf("%d elements: dense already (%d bytes)", n, len(v))
		}
		var regs hllRegs
		if err := decodeHLL(v, &regs); err != nil {
			t.Fatal(err)
		}
		dense := encodeHLL(v, &regs, true, DefaultHLLSparseMaxBytes)
		var back hllRegs
		if err := decodeHLL(dense, &back); err != nil || back != regs {
			t.Fatalf("%d elements: dense round trip lost registers (%v)", n, err)
		}
		a, errA := HLLCheck(v)
		b, errB := HLLCheck(dense)
		if errA != nil || errB != nil || a != b {
			t.Fatalf("%d elements: sparse counts %d (%v), dense %d (%v)", n, a, errA, b, errB)
		}
		if n > 0 && (a < uint64(n)*97/100 || a > uint64(n)*103/100) {
			t.Fatalf("%d elements counted %d", n, a)
		}
	}
}

// TestHLLSparseLimit checks promotion at hll-sparse-max-bytes.
func TestHLLSparseLimit(t *testing.T) {
	ks := newKS(t, nil)
	var elems [][]byte
	for i := range 2000 {
		elems = append(elems, []byte("x"+strconv.Itoa(i)))
	}
	if _, err := ks.PFAdd([]byte("a"), elems, 100); err != nil {
		t.Fatal(err)
	}
	if _, err := ks.PFAdd([]byte("b"), elems, 1<<20); err != nil {
		t.Fatal(err)
	}
	a, _ := ks.Get([]byte("a"))
	b, _ := ks.Get([]byte("b"))
	if !hllIsDense(a) || hllIsDense(b) {
		t.Fatalf("limit 100: dense=%v; limit 1 MiB: dense=%v", hllIsDense(a), hllIsDense(b))
	}
	ca, _ := ks.PFCount([][]byte{[]byte("a")})
	cb, _ := ks.PFCount([][]byte{[]byte("b")})
	if ca != cb {
		t.Fatalf("dense counts %d, sparse %d", ca, cb)
	}
}

// FuzzHLLDecode feeds arbitrary bytes as a sketch: nothing panics, a
// value HLLCheck refuses is refused by PFCOUNT, PFADD and PFMERGE with
// the same error, and one it accepts works with all three.
func FuzzHLLDecode(f *testing.F) {
	ks, err := New(DefaultConfig())
	if err != nil {
		f.Fatal(err)
	}
	seed := func(n int) []byte {
		ks.Del([]byte("seed"))
		return bytes.Clone(hllOf(f, ks, "seed", n))
	}
	f.Add(seed(0))
	f.Add(seed(5))
	f.Add(seed(3000))
	f.Add([]byte("HYLL"))
	f.Add([]byte("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe"))
	f.Add([]byte("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff\xff"))
	f.Add([]byte("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f"))
	f.Add([]byte("HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80"))
	f.Fuzz(func(t *testing.T, data []byte) {
		card, checkErr := HLLCheck(data)
		key, other := []byte("{f}k"), []byte("{f}o")
		ks.Set(key, data, SetOptions{})
		ks.Del(other)
		merr := ks.PFMerge(other, [][]byte{key}, DefaultHLLSparseMaxBytes)
		cnt, cerr := ks.PFCount([][]byte{key, other})
		_, aerr := ks.PFAdd(key, [][]byte{[]byte("a"), []byte("b")}, DefaultHLLSparseMaxBytes)
		if checkErr != nil {
			if !errors.Is(checkErr, ErrNotHLL) && !errors.Is(checkErr, ErrCorruptHLL) {
				t.Fatalf("HLLCheck error %v", checkErr)
			}
			if !errors.Is(merr, checkErr) || !errors.Is(cerr, checkErr) || !errors.Is(aerr, checkErr) {
				t.Fatalf("HLLCheck says %v; PFMERGE %v, PFCOUNT %v, PFADD %v", checkErr, merr, cerr, aerr)
			}
			return
		}
		if merr != nil || cerr != nil || aerr != nil {
			t.Fatalf("valid sketch: PFMERGE %v, PFCOUNT %v, PFADD %v", merr, cerr, aerr)
		}
		if uint64(cnt) != card {
			t.Fatalf("union with its own copy counts %d, the sketch %d", cnt, card)
		}
		v, _ := ks.Get(key)
		if _, err := HLLCheck(v); err != nil {
			t.Fatalf("PFADD wrote a sketch that does not check: %v", err)
		}
	})
}
