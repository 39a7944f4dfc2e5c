package testutil

import (
	"bufio"
	"net"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/resp"
)

// Timeout bounds every dial, read and write of a Conn and of Do.
const Timeout = 10 * time.Second

// Conn is a client connection speaking raw RESP, for tests that send exact
// bytes or compare replies byte for byte. Commands are buffered in W until
// a reply is read (or Flush); R reads the replies. The embedded net.Conn
// is there for deadlines, addresses and reading a close.
type Conn struct {
	net.Conn
	W *bufio.Writer
	R *resp.Reader
	t testing.TB
	// buf3 holds what Recv3 read past its reply.
	buf3 []byte
}

// Dial connects to addr, failing the test if it cannot; the connection
// is closed when the test ends.
func Dial(t testing.TB, addr string) *Conn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, Timeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &Conn{Conn: nc, W: bufio.NewWriter(nc), R: resp.NewReader(nc, 0, 0), t: t}
}

// Send queues a command (a RESP array of bulk strings) without waiting
// for its reply.
func (c *Conn) Send(args ...string) {
	c.W.Write(resp.AppendCommand(nil, args...))
}

// SendRaw queues bytes as they are: inline commands, garbage, pipelines
// written by hand.
func (c *Conn) SendRaw(b string) {
	c.W.WriteString(b)
}

// Flush writes what was queued, failing the test on an error.
func (c *Conn) Flush() {
	c.t.Helper()
	c.SetWriteDeadline(time.Now().Add(Timeout))
	if err := c.W.Flush(); err != nil {
		c.t.Fatal(err)
	}
}

// ReadRaw flushes what was queued and reads one reply's raw bytes; an
// error (io.EOF when the server closed the connection) is returned.
func (c *Conn) ReadRaw() (string, error) {
	c.SetWriteDeadline(time.Now().Add(Timeout))
	if err := c.W.Flush(); err != nil {
		return "", err
	}
	c.SetReadDeadline(time.Now().Add(Timeout))
	raw, err := c.R.ReadRaw()
	return string(raw), err
}

// ReadValue reads one reply as ReadRaw does and parses it.
func (c *Conn) ReadValue() (resp.Value, error) {
	raw, err := c.ReadRaw()
	if err != nil {
		return resp.Value{}, err
	}
	v, _, err := resp.Parse([]byte(raw))
	return v, err
}

// Recv reads one raw reply, failing the test on an error.
func (c *Conn) Recv() string {
	c.t.Helper()
	raw, err := c.ReadRaw()
	if err != nil {
		c.t.Fatalf("reading a reply: %v", err)
	}
	return raw
}

// Do sends one command and returns its raw reply, failing the test on an
// error.
func (c *Conn) Do(args ...string) string {
	c.t.Helper()
	c.Send(args...)
	return c.Recv()
}

// Do sends one command on a connection of its own and returns the raw
// reply; it does not fail the test, so that it can poll a server that may
// not be up yet.
func Do(addr string, args ...string) (string, error) {
	nc, err := net.DialTimeout("tcp", addr, Timeout)
	if err != nil {
		return "", err
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(Timeout))
	if _, err := nc.Write(resp.AppendCommand(nil, args...)); err != nil {
		return "", err
	}
	raw, err := resp.NewReader(nc, 0, 0).ReadRaw()
	return string(raw), err
}

// FreePort returns a TCP port of 127.0.0.1 that is free right now, for
// programs that must be told their port (another process may take it
// before they do; callers retry where that matters).
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Recv3 flushes what was queued and reads one RESP3 (or RESP2) reply's raw
// bytes, failing the test on an error. A connection read with Recv3 must
// not be read with ReadRaw, Recv or Do as well: they buffer separately.
func (c *Conn) Recv3() string {
	c.t.Helper()
	c.Flush()
	c.SetReadDeadline(time.Now().Add(Timeout))
	for {
		switch n := resp.Len3(c.buf3); {
		case n > 0:
			raw := string(c.buf3[:n])
			c.buf3 = append(c.buf3[:0], c.buf3[n:]...)
			return raw
		case n < 0:
			c.t.Fatalf("malformed reply: %q", c.buf3)
		}
		var chunk [4096]byte
		m, err := c.Conn.Read(chunk[:])
		if err != nil {
			c.t.Fatalf("reading a reply: %v (have %q)", err, c.buf3)
		}
		c.buf3 = append(c.buf3, chunk[:m]...)
	}
}

// Do3 sends one command and returns its raw reply as Recv3 reads it.
func (c *Conn) Do3(args ...string) string {
	c.t.Helper()
	c.Send(args...)
	return c.Recv3()
}
