package resp

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzReader checks that the streaming Reader and Parse agree on every
// input: the same reply boundaries whatever the read sizes, and that each
// reply re-encodes to exactly its own bytes.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"+OK\r\n", "-ERR x\r\n", ":1\r\n", "$3\r\nabc\r\n", "$-1\r\n", "*-1\r\n",
		"*2\r\n$1\r\na\r\n*1\r\n:2\r\n", "*0\r\n+PONG\r\n",
	} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, chunk uint8) {
		r := NewReader(&chunkReader{data: in, chunk: int(chunk%16) + 1}, 0, 1<<20)
		off := 0
		for {
			raw, err := r.ReadRaw()
			if err != nil {
				if errors.Is(err, io.EOF) {
					// The rest must be an incomplete reply, never a complete one.
					if _, _, perr := Parse(in[off:]); perr == nil {
						t.Fatalf("reader stopped at %d, but Parse finds a reply in %q", off, in[off:])
					}
				}
				return
			}
			if !bytes.Equal(raw, in[off:off+len(raw)]) {
				t.Fatalf("raw reply %q is not the input at %d", raw, off)
			}
			v, n, err := Parse(raw)
			if err != nil || n != len(raw) {
				t.Fatalf("Parse(%q) = %d, %v; the reader accepted it", raw, n, err)
			}
			if out := v.AppendTo(nil); !bytes.Equal(out, raw) {
				t.Fatalf("re-encoded %q as %q", raw, out)
			}
			off += len(raw)
		}
	})
}
