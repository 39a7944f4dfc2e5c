package testutil

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/resp"
)

// TestCLI renders replies as redis-cli 7.0 --no-raw prints them (the
// nested one is what it prints for
// EVAL "return {{'a','b'},3,{},false,{1,2,3,4,5,6,7,8,9,10}}" 0).
func TestCLI(t *testing.T) {
	nested := "*5\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n:3\r\n*0\r\n$-1\r\n*10\r\n"
	for i := 1; i <= 10; i++ {
		nested += fmt.Sprintf(":%d\r\n", i)
	}
	for _, c := range []struct{ raw, want string }{
		{"+OK\r\n", "OK"},
		{"-ERR nope\r\n", "(error) ERR nope"},
		{":-7\r\n", "(integer) -7"},
		{"$5\r\na\"b\nc\r\n", `"a\"b\nc"`},
		// redis-cli escapes every byte outside printable ASCII, UTF-8 too.
		{"$8\r\n\xc3\x88\x7f\x0b\x0c\a\b\\\r\n", `"\xc3\x88\x7f\x0b\x0c\a\b\\"`},
		{"$-1\r\n", "(nil)"},
		{"*-1\r\n", "(nil)"},
		{"*0\r\n", "(empty array)"},
		{nested, `1) 1) "a"
   2) "b"
2) (integer) 3
3) (empty array)
4) (nil)
5)  1) (integer) 1
    2) (integer) 2
    3) (integer) 3
    4) (integer) 4
    5) (integer) 5
    6) (integer) 6
    7) (integer) 7
    8) (integer) 8
    9) (integer) 9
   10) (integer) 10`},
	} {
		v, _, err := resp.Parse([]byte(c.raw))
		if err != nil {
			t.Fatalf("%q: %v", c.raw, err)
		}
		if got := CLI(v); got != c.want {
			t.Errorf("%q renders as\n%s\nwant\n%s", c.raw, got, c.want)
		}
	}
}

func TestWaitForCallsUntilTrue(t *testing.T) {
	calls := 0
	WaitFor(t, 5*time.Second, func() bool { calls++; return calls == 3 }, "the third call")
	if calls != 3 {
		t.Fatalf("cond called %d times, want 3", calls)
	}
}

// fatalTB records Fatalf instead of ending the test.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) { f.msg = fmt.Sprintf(format, args...) }

func TestWaitsFailAfterTheTimeout(t *testing.T) {
	ft := &fatalTB{TB: t}
	start := time.Now()
	WaitFor(ft, 50*time.Millisecond, func() bool { return false }, "never")
	if el := time.Since(start); el < 50*time.Millisecond || el > 5*time.Second {
		t.Errorf("WaitFor gave up after %v, want just past 50ms", el)
	}
	if ft.msg != "timed out after 50ms waiting for never" {
		t.Errorf("WaitFor failed with %q", ft.msg)
	}
	ft.msg = ""
	n := 0
	WaitNil(ft, 20*time.Millisecond, func() error { n++; return fmt.Errorf("seen %d", n) })
	if want := fmt.Sprintf("timed out after 20ms: seen %d", n); ft.msg != want || n < 2 {
		t.Errorf("WaitNil failed with %q after %d calls, want %q", ft.msg, n, want)
	}
	errLast := errors.New("last")
	if err := Until(10*time.Millisecond, func() error { return errLast }); err != errLast {
		t.Errorf("Until = %v, want the last error", err)
	}
	if err := Until(time.Second, func() error { return nil }); err != nil {
		t.Errorf("Until of a holding condition = %v", err)
	}
}

// TestConnDo checks Dial, Do and the one-shot Do against a
// listener that answers every command with its argument count.
func TestConnDo(t *testing.T) {
	ln := listenEcho(t)
	c := Dial(t, ln)
	if got := c.Do("A", "B"); got != ":2\r\n" {
		t.Fatalf("Do = %q", got)
	}
	c.Send("X")
	c.SendRaw("*3\r\n$1\r\na\r\n$0\r\n\r\n$1\r\nc\r\n")
	if a, b := c.Recv(), c.Recv(); a != ":1\r\n" || b != ":3\r\n" {
		t.Fatalf("pipelined replies %q %q", a, b)
	}
	if got, err := Do(ln, "P", "Q", "R", "S"); err != nil || got != ":4\r\n" {
		t.Fatalf("one-shot Do = %q, %v", got, err)
	}
	if _, err := Do("127.0.0.1:1", "PING"); err == nil {
		t.Fatal("Do to a closed port succeeded")
	}
	port := FreePort(t)
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatalf("FreePort gave %d, which is not free: %v", port, err)
	}
	l.Close()
}
