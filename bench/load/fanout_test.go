package load

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/vcache/vcache/internal/resp"
)

// FuzzReadMessage feeds the subscriber's reader any bytes: it never
// panics, and a message or pmessage followed by anything yields its
// payload, a confirmation its count's absence (nil).
func FuzzReadMessage(f *testing.F) {
	msg := func(parts ...string) []byte {
		b := resp.AppendArray(nil, len(parts))
		for _, p := range parts {
			b = resp.AppendBulk(b, p)
		}
		return b
	}
	f.Add(msg("message", "fanout", "0123456789abcdefghijklmn"), []byte("*3\r\n"))
	f.Add(msg("pmessage", "fan*", "fanout", "payload"), []byte{})
	f.Add([]byte("*3\r\n$9\r\nsubscribe\r\n$6\r\nfanout\r\n:1\r\n"), []byte("$-1\r\n"))
	f.Add([]byte(">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$99999999999\r\n"), []byte("\r\n"))
	f.Add([]byte("*-1\r\n"), []byte("*2\r\n*1\r\n"))
	f.Fuzz(func(t *testing.T, payload, tail []byte) {
		// Any bytes: no panic.
		br := bufio.NewReaderSize(bytes.NewReader(append(payload, tail...)), 16)
		for range 8 {
			if _, err := readMessage(br); err != nil {
				break
			}
		}
		br = bufio.NewReaderSize(bytes.NewReader(append(payload, tail...)), 16)
		_, _ = readRaw(br)
		// A message made of payload: its payload back, however the
		// buffer splits it.
		in := append(msg("message", "fanout", string(payload)), tail...)
		got, err := readMessage(bufio.NewReaderSize(bytes.NewReader(in), 16))
		if err != nil || !bytes.Equal(got, payload) {
			t.Fatalf("message of %q: %q, %v", payload, got, err)
		}
		raw, err := readRaw(bufio.NewReaderSize(bytes.NewReader(in), 16))
		if err != nil || !bytes.Equal(raw, in[:len(in)-len(tail)]) {
			t.Fatalf("raw of %q: %q, %v", in, raw, err)
		}
	})
}
