package resp

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// readGated reads in as a server does for a client that must
// authenticate: until a command named AUTH is returned, the reader has
// SetUnauthenticated(true). It returns the commands (args joined by
// spaces), the error that ended the input, and whether a command over the
// limits came out before AUTH. chunk > 0 reads that many bytes at a time
// with ReadOnce, with "nothing ready" between.
func readGated(t *testing.T, in []byte, chunk int) (cmds []string, err error, leaked bool) {
	t.Helper()
	var r *CommandReader
	if chunk > 0 {
		src := &nbReader{closed: true}
		for rest := in; len(rest) > 0; {
			n := min(chunk, len(rest))
			src.chunks = append(src.chunks, rest[:n])
			rest = rest[n:]
		}
		r = NewCommandReader(src, 1<<20)
	} else {
		r = NewCommandReader(bytes.NewReader(in), 1<<20)
	}
	authed := false
	for i := 0; i < 4*len(in)+16; i++ {
		r.SetUnauthenticated(!authed)
		var got []Command
		if chunk > 0 {
			got, err = r.ReadOnce()
		} else {
			got, err = r.ReadCommands()
		}
		for _, c := range got {
			if !authed && c.Raw[0] == '*' && (len(c.Args) > unauthMaxArgs || anyLonger(c.Args, unauthMaxBulk)) {
				leaked = true
			}
			cmds = append(cmds, string(bytes.Join(c.Args, []byte(" "))))
			if strings.EqualFold(string(c.Args[0]), "auth") {
				authed = true
			}
		}
		if err != nil {
			return cmds, err, leaked
		}
	}
	t.Fatalf("no end of input after %d reads", 4*len(in)+16)
	return
}

func anyLonger(args [][]byte, n int) bool {
	for _, a := range args {
		if len(a) > n {
			return true
		}
	}
	return false
}

// TestUnauthenticatedLimits checks Redis's limits on a client yet to
// authenticate: more than 10 arguments or an argument over 16 KiB is a
// protocol error, unless an AUTH before it in the same pipeline lifted
// them.
func TestUnauthenticatedLimits(t *testing.T) {
	big := string(AppendCommand(nil, "MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f"))
	long := string(AppendCommand(nil, "ECHO", strings.Repeat("x", unauthMaxBulk+1)))
	for _, c := range []struct {
		in   string
		n    int
		want error
	}{
		{big, 0, ErrUnauthMultibulk},
		{long, 0, ErrUnauthBulk},
		{"*11\r\n", 0, ErrUnauthMultibulk},
		{"*2\r\n$4\r\nECHO\r\n$16385\r\n", 0, ErrUnauthBulk},
		{"PING\r\n" + big, 1, ErrUnauthMultibulk},
		{"AUTH pw\r\n" + big + long, 3, nil},
		{string(AppendCommand(nil, "ECHO", strings.Repeat("x", unauthMaxBulk))), 1, nil},
	} {
		for _, chunk := range []int{0, 1, 7, 4096} {
			cmds, err, leaked := readGated(t, []byte(c.in), chunk)
			if leaked || len(cmds) != c.n || (c.want == nil) != (err != nil && err.Error() == "EOF") || c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("%.40q in chunks of %d: %d commands, %v (leaked %v); want %d, %v", c.in, chunk, len(cmds), err, leaked, c.n, c.want)
			}
		}
	}
}

// FuzzUnauthenticatedReader checks that a client yet to authenticate gets
// no command over the limits past the reader, and that whole reads and
// ReadOnce in small chunks give the same commands and the same error.
func FuzzUnauthenticatedReader(f *testing.F) {
	f.Add([]byte("PING\r\n*11\r\n"), uint8(3))
	f.Add([]byte("AUTH x\r\n*12\r\n$4\r\nMSET\r\n"), uint8(1))
	f.Add(append(AppendCommand(nil, "AUTH", "pw"), AppendCommand(nil, "SET", "k", strings.Repeat("v", 20000))...), uint8(9))
	f.Fuzz(func(t *testing.T, in []byte, chunk uint8) {
		want, wantErr, leaked := readGated(t, in, 0)
		if leaked {
			t.Fatalf("a command over the limits before AUTH: %q", want)
		}
		got, gotErr, leaked := readGated(t, in, int(chunk%16)+1)
		if leaked {
			t.Fatalf("ReadOnce: a command over the limits before AUTH: %q", got)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") || gotErr.Error() != wantErr.Error() {
			t.Fatalf("ReadOnce %q, %v; ReadCommands %q, %v", got, gotErr, want, wantErr)
		}
	})
}
