package rdb

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestLZFRoundTrip: compressible and incompressible inputs of many sizes
// come back as they went in, compressible ones smaller; the max bound
// refuses a result that would be longer.
func TestLZFRoundTrip(t *testing.T) {
	var inputs [][]byte
	for _, n := range []int{0, 1, 2, 3, 4, 31, 32, 33, 100, 264, 265, 1000, 9000, 70000} {
		inputs = append(inputs, bytes.Repeat([]byte("a"), n))
		var b strings.Builder
		for i := 0; b.Len() < n; i++ {
			fmt.Fprintf(&b, "elem%06d", i%5000)
		}
		inputs = append(inputs, []byte(b.String()[:n]))
		r := make([]byte, n)
		x := uint32(7)
		for i := range r {
			x = x*1103515245 + 12345
			r[i] = byte(x >> 23)
		}
		inputs = append(inputs, r)
	}
	for _, in := range inputs {
		z, ok := LZFCompress([]byte("prefix"), in, len(in)+len(in)/32+8)
		if !ok {
			t.Fatalf("%d bytes: compression refused", len(in))
		}
		if !bytes.HasPrefix(z, []byte("prefix")) {
			t.Fatal("compression did not append")
		}
		z = z[len("prefix"):]
		out, ok := LZFDecompress([]byte("x"), z, len(in))
		if !ok || !bytes.Equal(out[1:], in) || out[0] != 'x' {
			t.Fatalf("%d bytes %.20q: round trip gave %v %.20q", len(in), in, ok, out)
		}
		if len(in) > 100 && bytes.Count(in, in[:1]) == len(in) && len(z) > len(in)/20 {
			t.Fatalf("%d equal bytes compress to %d", len(in), len(z))
		}
		if len(z) > 0 {
			if _, ok := LZFCompress(nil, in, len(z)-1); ok {
				t.Fatalf("%d bytes: a bound under the result's %d was not refused", len(in), len(z))
			}
		}
	}
}

// FuzzLZF: any input round-trips through compression, and decompressing
// any bytes never panics nor returns a length other than asked.
func FuzzLZF(f *testing.F) {
	f.Add([]byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), 10)
	f.Add([]byte{0x20, 0, 1, 2}, 5)
	f.Add([]byte{0xe0, 0xff, 0x00}, 300)
	f.Fuzz(func(t *testing.T, in []byte, n int) {
		z, ok := LZFCompress(nil, in, len(in)+len(in)/32+8)
		if !ok {
			t.Fatalf("%d bytes: compression refused", len(in))
		}
		out, ok := LZFDecompress(nil, z, len(in))
		if !ok || !bytes.Equal(out, in) {
			t.Fatalf("round trip of %q: %v %q", in, ok, out)
		}
		if n < 0 || n > 1<<20 {
			return
		}
		if out, ok := LZFDecompress(nil, in, n); ok && len(out) != n {
			t.Fatalf("decompressed %d bytes, asked %d", len(out), n)
		}
	})
}
