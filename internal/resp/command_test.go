package resp

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// readAllCommands reads every command from in, delivered chunk bytes at a
// time, and returns their arguments and raw bytes (copied).
func readAllCommands(in string, chunk int) ([][]string, []string, error) {
	r := NewCommandReader(&chunkReader{data: []byte(in), chunk: chunk}, 1<<20)
	var args [][]string
	var raws []string
	for {
		cmds, err := r.ReadCommands()
		if err != nil {
			return args, raws, err
		}
		for _, c := range cmds {
			var a []string
			for _, x := range c.Args {
				a = append(a, string(x))
			}
			args = append(args, a)
			raws = append(raws, string(c.Raw))
		}
	}
}

func TestCommandReader(t *testing.T) {
	big := strings.Repeat("v", 70_000)
	in := "*1\r\n$4\r\nPING\r\n" +
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + "70000\r\n" + big + "\r\n" +
		"*0\r\n" +
		"GET  \"a b\\n\" 'c d'\r\n" +
		"\r\n" +
		"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"
	want := [][]string{{"PING"}, {"SET", "k", big}, {"GET", "a b\n", "c d"}, {"ECHO", ""}}
	for _, chunk := range []int{1, 2, 5, 100, 1 << 20} {
		args, raws, err := readAllCommands(in, chunk)
		if !errors.Is(err, io.EOF) {
			t.Fatalf("chunk %d: %v, want EOF at the end", chunk, err)
		}
		if !reflect.DeepEqual(args, want) {
			t.Fatalf("chunk %d: got %.80q", chunk, args)
		}
		if raws[0] != "*1\r\n$4\r\nPING\r\n" {
			t.Errorf("chunk %d: raw PING = %q", chunk, raws[0])
		}
		// An inline command's Raw is its RESP form, ready to forward.
		if want := string(AppendCommand(nil, "GET", "a b\n", "c d")); raws[2] != want {
			t.Errorf("chunk %d: inline raw = %q, want %q", chunk, raws[2], want)
		}
	}
}

func TestCommandReaderReturnsWholePipeline(t *testing.T) {
	var in []byte
	for range 100 {
		in = AppendCommand(in, "GET", "key")
	}
	r := NewCommandReader(&chunkReader{data: in, chunk: len(in)}, 0)
	cmds, err := r.ReadCommands()
	if err != nil || len(cmds) != 100 {
		t.Fatalf("got %d commands, %v; want the 100 pipelined ones at once", len(cmds), err)
	}
}

func TestCommandReaderErrors(t *testing.T) {
	for in, want := range map[string]error{
		"*x\r\n":                    ErrMultibulkLength,
		"*2\r\n$3\r\nGET\r\n:1\r\n": ErrExpectedBulk,
		"*1\r\n$-3\r\n":             ErrBulkLength,
		"*1\r\n$3\r\nGETX\r\n":      ErrBulkLength,
		"GET \"abc\r\n":             ErrUnbalanced,
		"GET 'a'b\r\n":              ErrUnbalanced,
	} {
		if _, _, err := readAllCommands(in, 3); !errors.Is(err, want) {
			t.Errorf("%q: %v, want %v", in, err, want)
		}
	}
	if _, _, err := readAllCommands("*1\r\n$2000000\r\n", 64); !errors.Is(err, ErrBulkLength) {
		t.Errorf("bulk over the limit: %v, want ErrBulkLength", err)
	}
}

// FuzzCommandReader checks that commands come out the same whatever the
// read sizes, and that each multibulk command's Raw parses back to its
// Args.
func FuzzCommandReader(f *testing.F) {
	f.Add("*2\r\n$3\r\nGET\r\n$1\r\na\r\nPING\r\n", uint8(1))
	f.Add("SET 'a b' \"c\\td\"\n*0\r\n", uint8(4))
	f.Fuzz(func(t *testing.T, in string, chunk uint8) {
		whole, _, errWhole := readAllCommands(in, len(in)+1)
		parts, raws, errParts := readAllCommands(in, int(chunk%8)+1)
		if !reflect.DeepEqual(whole, parts) {
			t.Fatalf("read whole: %q; in chunks: %q", whole, parts)
		}
		if (errWhole == io.EOF) != (errParts == io.EOF) {
			t.Fatalf("errors differ: %v vs %v", errWhole, errParts)
		}
		for i, raw := range raws {
			v, n, err := Parse([]byte(raw))
			if err != nil || n != len(raw) || len(v.Elems) != len(parts[i]) {
				t.Fatalf("raw %q does not parse back to %d args: %v", raw, len(parts[i]), err)
			}
			for j := range v.Elems {
				if string(v.Elems[j].Str) != parts[i][j] {
					t.Fatalf("raw %q arg %d = %q, want %q", raw, j, v.Elems[j].Str, parts[i][j])
				}
			}
		}
	})
}

func BenchmarkCommandReader(b *testing.B) {
	var one []byte
	for range 16 {
		one = AppendCommand(one, "SET", "key:000000012345", "xxx")
	}
	rd := &chunkReader{}
	r := NewCommandReader(rd, 0)
	b.ReportAllocs()
	b.SetBytes(int64(len(one)))
	for b.Loop() {
		rd.data, rd.chunk = one, len(one)
		if cmds, err := r.ReadCommands(); err != nil || len(cmds) != 16 {
			b.Fatal(len(cmds), err)
		}
	}
}

// nbReader returns its chunks one Read at a time, then ErrWouldBlock (or
// io.EOF once closed), as a non-blocking socket does.
type nbReader struct {
	chunks [][]byte
	closed bool
}

func (c *nbReader) Read(p []byte) (int, error) {
	if len(c.chunks) == 0 {
		if c.closed {
			return 0, io.EOF
		}
		return 0, ErrWouldBlock
	}
	n := copy(p, c.chunks[0])
	c.chunks[0] = c.chunks[0][n:]
	if len(c.chunks[0]) == 0 {
		c.chunks = c.chunks[1:]
	}
	return n, nil
}

func TestReadOnce(t *testing.T) {
	src := &nbReader{chunks: [][]byte{[]byte("*2\r\n$3\r\nGET\r\n$1"), []byte("\r\na\r\nPING\r\n")}}
	r := NewCommandReader(src, 0)
	cmds, err := r.ReadOnce()
	if err != nil || len(cmds) != 0 {
		t.Fatalf("half a command: %d commands, %v", len(cmds), err)
	}
	cmds, err = r.ReadOnce()
	if err != nil || len(cmds) != 2 || string(cmds[0].Args[1]) != "a" || string(cmds[1].Args[0]) != "PING" {
		t.Fatalf("rest of the pipeline: %d commands, %v", len(cmds), err)
	}
	if cmds, err = r.ReadOnce(); err != nil || len(cmds) != 0 {
		t.Fatalf("nothing ready: %d commands, %v", len(cmds), err)
	}
	src.chunks = [][]byte{[]byte("*1\r\n$4\r\nPING\r\n*1\r\nx\r\n")}
	cmds, err = r.ReadOnce()
	if len(cmds) != 1 || !errors.Is(err, ErrExpectedBulk) {
		t.Fatalf("command then garbage: %d commands, %v", len(cmds), err)
	}
	if _, err := r.ReadOnce(); !errors.Is(err, ErrExpectedBulk) {
		t.Fatalf("after the error: %v", err)
	}
	r = NewCommandReader(&nbReader{closed: true}, 0)
	if _, err := r.ReadOnce(); !errors.Is(err, io.EOF) {
		t.Fatalf("closed: %v", err)
	}
}

// TestTrimFitsRecentPeak checks Trim as a server calls it between reads:
// a buffer grown by one large command keeps its size while that command
// is the recent peak, shrinks to the base size once only small commands
// came since the last Trim, keeps the bytes of a command still arriving,
// and every command reads back whole.
func TestTrimFitsRecentPeak(t *testing.T) {
	cmd := func(v string) []byte { return AppendCommand(nil, "SET", "x", v) }
	big := strings.Repeat("A", 400_000)
	src := &nbReader{}
	r := NewCommandReader(src, 0)
	var sizes []int
	r.SetOnResize(func(size int) { sizes = append(sizes, size) })
	read := func(in []byte, want ...string) {
		t.Helper()
		src.chunks = append(src.chunks, in)
		var got []string
		for len(src.chunks) > 0 {
			cmds, err := r.ReadOnce()
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cmds {
				got = append(got, string(c.Args[2]))
			}
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("read %d values %.20q, want %.20q", len(got), got, want)
		}
	}
	read(cmd(big), big)
	grown := r.Cap()
	if grown < 400_000 {
		t.Fatalf("buffer of %d bytes after a 400 kB command", grown)
	}
	r.Trim() // the large command is the peak since the start
	read(cmd("small"), "small")
	if r.Cap() != grown {
		t.Fatalf("buffer %d after the first Trim, want %d kept (the peak was the large command)", r.Cap(), grown)
	}
	r.Trim() // only a small command since
	if r.Cap() != ReaderBufferSize || sizes[len(sizes)-1] != ReaderBufferSize {
		t.Fatalf("buffer %d after a Trim with a small peak (resizes %v), want %d", r.Cap(), sizes, ReaderBufferSize)
	}
	// A command still arriving when Trim runs keeps its bytes and the
	// room its next read would grow the buffer to, whether the buffer is
	// fitted to them or kept.
	read(cmd(big), big)
	r.Trim()
	mid := cmd(strings.Repeat("m", 40_000))
	read(mid[:30_000])
	r.Trim()
	if want := 2*30_000 + ReaderBufferSize; r.Cap() != want || r.Buffered() != 30_000 {
		t.Fatalf("buffer %d, %d unread after Trim during a 40 kB command, want %d and 30000", r.Cap(), r.Buffered(), want)
	}
	read(mid[30_000:], strings.Repeat("m", 40_000))
	part := cmd(big)
	read(part[:300_000])
	r.Trim()
	r.Trim()
	if r.Cap() < 300_000 || r.Buffered() != 300_000 {
		t.Fatalf("buffer %d, %d unread after Trim during a command, want the 300000 bytes kept", r.Cap(), r.Buffered())
	}
	read(part[300_000:], big)
	read(cmd("after"), "after")
}

// TestTrimKeepsRoomForArrivingCommand sends a 4 MB command in 64 kB
// parts with a Trim after every read, as a server's trims meet a slow
// upload: the buffer never shrinks below the room the next read needs,
// so it is replaced a few times as it grows (not once or twice a part,
// each copying all that came), and the command reads back whole.
func TestTrimKeepsRoomForArrivingCommand(t *testing.T) {
	big := strings.Repeat("B", 4<<20)
	in := AppendCommand(nil, "SET", "x", big)
	src := &nbReader{}
	r := NewCommandReader(src, 0)
	resizes := 0
	r.SetOnResize(func(int) { resizes++ })
	var got []Command
	for rest := in; len(rest) > 0; {
		n := min(64<<10, len(rest))
		src.chunks = append(src.chunks, rest[:n])
		rest = rest[n:]
		for len(src.chunks) > 0 {
			cmds, err := r.ReadOnce()
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, cmds...)
		}
		if len(got) == 0 {
			r.Trim()
		}
	}
	if len(got) != 1 || string(got[0].Args[2]) != big {
		t.Fatalf("read %d commands, want the 4 MB SET", len(got))
	}
	if resizes > 20 {
		t.Fatalf("the buffer was replaced %d times over 64 parts", resizes)
	}
	t.Logf("%d resizes", resizes)
}
