package resp

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// chunkReader returns its data a few bytes at a time, as a slow network
// would; with wouldBlock, an ErrWouldBlock comes between chunks, as from
// a non-blocking socket.
type chunkReader struct {
	data       []byte
	chunk      int
	wouldBlock bool
	blocked    bool
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if c.wouldBlock {
		if c.blocked = !c.blocked; c.blocked {
			return 0, ErrWouldBlock
		}
	}
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(c.chunk, len(p), len(c.data))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

func readAll(t *testing.T, in []byte, chunk, max int) ([][]byte, error) {
	t.Helper()
	r := NewReader(&chunkReader{data: in, chunk: chunk}, 0, max)
	var out [][]byte
	for {
		raw, err := r.ReadRaw()
		if err != nil {
			return out, err
		}
		out = append(out, append([]byte(nil), raw...))
	}
}

func TestReaderSplitsReplies(t *testing.T) {
	big := strings.Repeat("x", 100_000)
	replies := []string{
		"+OK\r\n",
		"-ERR wrong number of arguments for 'get' command\r\n",
		":0\r\n",
		":-42\r\n",
		"$-1\r\n",
		"$0\r\n\r\n",
		"$5\r\nhe\r\no\r\n",
		"$100000\r\n" + big + "\r\n",
		"*-1\r\n",
		"*0\r\n",
		"*2\r\n$1\r\na\r\n$-1\r\n",
		"*3\r\n:1\r\n*2\r\n+a\r\n*0\r\n$2\r\nzz\r\n",
		"*2\r\n*1\r\n*1\r\n:7\r\n-E\r\n",
	}
	in := []byte(strings.Join(replies, ""))
	for _, chunk := range []int{1, 3, 7, 4096, 1 << 20} {
		got, err := readAll(t, in, chunk, 0)
		if !errors.Is(err, io.EOF) {
			t.Fatalf("chunk %d: error %v, want EOF after the last reply", chunk, err)
		}
		if len(got) != len(replies) {
			t.Fatalf("chunk %d: %d replies, want %d", chunk, len(got), len(replies))
		}
		for i := range replies {
			if string(got[i]) != replies[i] {
				t.Errorf("chunk %d reply %d: got %.40q, want %.40q", chunk, i, got[i], replies[i])
			}
		}
	}
}

func TestReaderRejectsMalformed(t *testing.T) {
	for _, in := range []string{
		"?what\r\n",
		"+no cr\n",
		":12a\r\n",
		":007\r\n",
		":-0\r\n",
		"$-2\r\n",
		"$3\r\nabcd\r\n",
		"*-5\r\n",
		"*1\r\n!x\r\n",
		"\r\n",
	} {
		_, err := readAll(t, []byte(in), 2, 0)
		if !errors.Is(err, ErrProtocol) {
			t.Errorf("%q: error %v, want ErrProtocol", in, err)
		}
	}
}

func TestReaderLimitsSize(t *testing.T) {
	in := "$9000\r\n" + strings.Repeat("y", 9000) + "\r\n"
	if _, err := readAll(t, []byte(in), 512, 8192); !errors.Is(err, ErrTooLarge) {
		t.Errorf("9000-byte bulk with an 8 KiB limit: error %v, want ErrTooLarge", err)
	}
	if got, err := readAll(t, []byte(in), 512, 16384); len(got) != 1 || !errors.Is(err, io.EOF) {
		t.Errorf("9000-byte bulk with a 16 KiB limit: %d replies, %v", len(got), err)
	}
	deep := strings.Repeat("*1\r\n", MaxDepth+1) + ":1\r\n"
	if _, err := readAll(t, []byte(deep), 64, 0); !errors.Is(err, ErrProtocol) {
		t.Errorf("arrays nested %d deep: error %v, want ErrProtocol", MaxDepth+1, err)
	}
}

func TestReaderTruncatedReplyIsEOF(t *testing.T) {
	got, err := readAll(t, []byte("+OK\r\n*2\r\n:1\r\n"), 4, 0)
	if len(got) != 1 || !errors.Is(err, io.EOF) {
		t.Errorf("got %d replies and %v, want 1 reply then EOF", len(got), err)
	}
}

func TestParseAndAppendRoundTrip(t *testing.T) {
	in := "*4\r\n$3\r\nfoo\r\n:12\r\n*2\r\n+OK\r\n-ERR x\r\n*-1\r\n"
	v, n, err := Parse([]byte(in))
	if err != nil || n != len(in) {
		t.Fatalf("Parse: n=%d err=%v", n, err)
	}
	if got := v.String(); got != `["foo", (integer) 12, [OK, (error) ERR x], (nil array)]` {
		t.Errorf("String() = %s", got)
	}
	if out := v.AppendTo(nil); string(out) != in {
		t.Errorf("AppendTo = %q, want %q", out, in)
	}
}

func TestAppendCommand(t *testing.T) {
	got := AppendCommand(nil, "SET", "k", "")
	if want := "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n"; string(got) != want {
		t.Errorf("AppendCommand = %q, want %q", got, want)
	}
	if got := AppendInt(AppendNull(AppendNullArray(nil)), -3); !bytes.Equal(got, []byte("*-1\r\n$-1\r\n:-3\r\n")) {
		t.Errorf("AppendNullArray+AppendNull+AppendInt = %q", got)
	}
}

func TestParseInt(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "-1": -1, "9223372036854775807": 1<<63 - 1, "-9223372036854775808": -1 << 63} {
		if got, ok := ParseInt([]byte(in)); !ok || got != want {
			t.Errorf("ParseInt(%q) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "-", "01", "-0", "9223372036854775808", "99999999999999999999", "1 ", "+1"} {
		if _, ok := ParseInt([]byte(in)); ok {
			t.Errorf("ParseInt(%q) accepted", in)
		}
	}
}

func BenchmarkReadRaw(b *testing.B) {
	one := []byte("*2\r\n$10\r\n0123456789\r\n:42\r\n")
	data := bytes.Repeat(one, 1000)
	rd := bytes.NewReader(data)
	r := NewReader(rd, 64<<10, 0)
	b.ReportAllocs()
	b.SetBytes(int64(len(one)))
	for i := 0; b.Loop(); i++ {
		if _, err := r.ReadRaw(); err != nil {
			rd.Reset(data)
			if _, err = r.ReadRaw(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkParse(b *testing.B) {
	one := []byte("*3\r\n$10\r\n0123456789\r\n:42\r\n*2\r\n+a\r\n$1\r\nb\r\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Parse(one); err != nil {
			b.Fatal(err)
		}
	}
}
