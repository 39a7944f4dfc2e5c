package rawio

import (
	"bytes"
	"errors"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/testutil"
)

// TestConn sends 4 MiB through wrapped loopback connections (more than the
// socket buffers hold, so writes wait in the poller), then checks that a
// read deadline gives a timeout error and that Close ends a blocked read.
func TestConn(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- Wrap(c)
	}()
	dc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	client := Wrap(dc)
	server := <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	if _, ok := client.(*Conn); !ok {
		t.Skip("no raw I/O on this platform")
	}
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<18)
	go func() {
		if _, err := client.Write(data); err != nil {
			t.Error(err)
		}
	}()
	got := make([]byte, len(data))
	if _, err := io.ReadFull(server, got); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %v; equal %v", err, bytes.Equal(got, data))
	}
	server.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	var ne net.Error
	if _, err := server.Read(got); !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read past the deadline: %v, want a timeout", err)
	}
	server.SetReadDeadline(time.Time{})
	done := make(chan error, 1)
	go func() {
		_, err := server.Read(got)
		done <- err
	}()
	// Close once the read is parked in the poller, waiting for bytes.
	testutil.WaitFor(t, 5*time.Second, func() bool {
		buf := make([]byte, 1<<20)
		for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, "[IO wait") && strings.Contains(g, "rawio.(*Conn).Read") {
				return true
			}
		}
		return false
	}, "the read to block")
	server.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("read after Close: %v, want net.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not end a blocked read")
	}
	client.Close()
	if _, err := client.Read(got); err == nil {
		t.Fatal("read on a closed connection succeeded")
	}
}
