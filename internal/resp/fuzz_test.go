package resp

import (
	"bytes"
	"errors"
	"io"
	"strings"
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

// FuzzReadOnce checks that an event loop's reads (ReadOnce over a
// non-blocking source that has a few bytes ready at a time) give the same
// commands and the same error as ReadCommands over the whole input.
func FuzzReadOnce(f *testing.F) {
	for _, s := range []string{
		"*2\r\n$3\r\nGET\r\n$1\r\na\r\n", "PING\r\nPING\r\n", "*1\r\n$4\r\nPING\r\n*1\r\nx",
		"set a \"b c\"\r\n", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$-1\r\n", "*-1\r\n", "\r\n\r\n",
	} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, chunk uint8) {
		flat := func(cmds []Command) (out []string) {
			for _, c := range cmds {
				out = append(out, string(bytes.Join(c.Args, []byte{0})))
			}
			return out
		}
		var want []string
		var wantErr error
		r := NewCommandReader(bytes.NewReader(in), 1<<16)
		for {
			cmds, err := r.ReadCommands()
			want = append(want, flat(cmds)...)
			if err != nil {
				wantErr = err
				break
			}
		}
		// The same bytes, a few at a time, with "nothing ready" between.
		src := &nbReader{}
		for rest := in; len(rest) > 0; {
			n := min(int(chunk%16)+1, len(rest))
			src.chunks = append(src.chunks, rest[:n])
			rest = rest[n:]
		}
		src.closed = true
		r = NewCommandReader(src, 1<<16)
		var got []string
		var gotErr error
		for i := 0; i < 4*len(in)+8; i++ {
			cmds, err := r.ReadOnce()
			got = append(got, flat(cmds)...)
			if err != nil {
				gotErr = err
				break
			}
		}
		if len(got) != len(want) {
			t.Fatalf("ReadOnce gave %d commands, ReadCommands %d:\n%q\n%q", len(got), len(want), got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("command %d: %q, want %q", i, got[i], want[i])
			}
		}
		if (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
			t.Fatalf("ReadOnce ended with %v, ReadCommands with %v", gotErr, wantErr)
		}
	})
}

// FuzzReaderNext checks that an event loop's reading of replies (Fill
// once, then Next until nothing complete is buffered) finds the same
// replies, and fails on the same input, as ReadRaw.
func FuzzReaderNext(f *testing.F) {
	for _, s := range []string{
		"+OK\r\n", "$3\r\nabc\r\n:1\r\n", "*2\r\n$1\r\na\r\n*1\r\n:2\r\n", "$5\r\nab", "+x\r\n!bad\r\n",
	} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, chunk uint8) {
		size := int(chunk%16) + 1
		var want []string
		var wantErr error
		r := NewReader(&chunkReader{data: in, chunk: size}, 0, 1<<20)
		for {
			raw, err := r.ReadRaw()
			if err != nil {
				wantErr = err
				break
			}
			want = append(want, string(raw))
		}
		var got []string
		var gotErr error
		nb := NewReader(&chunkReader{data: in, chunk: size, wouldBlock: true}, 0, 1<<20)
		for gotErr == nil {
			err := nb.Fill()
			for {
				raw, ok, perr := nb.Next()
				if perr != nil {
					err = perr
					break
				}
				if !ok {
					break
				}
				got = append(got, string(raw))
			}
			if err != nil && err != ErrWouldBlock {
				gotErr = err
			}
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("Next found %q, ReadRaw %q", got, want)
		}
		if errors.Is(wantErr, io.EOF) != errors.Is(gotErr, io.EOF) || errors.Is(wantErr, ErrProtocol) != errors.Is(gotErr, ErrProtocol) {
			t.Fatalf("Next ended with %v, ReadRaw with %v", gotErr, wantErr)
		}
	})
}
