package outbox

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/rawio"
)

// A reader that keeps up gets every byte in order; Finish sends what is
// queued before it returns.
func TestQueueSendsInOrder(t *testing.T) {
	a, b := net.Pipe()
	defer b.Close()
	var counted atomic.Int64
	q := New(a, func() Limit { return Limit{Hard: 1 << 20} }, nil, func(d int64) { counted.Add(d) })
	go q.Run()
	got := make(chan []byte)
	go func() {
		all, _ := io.ReadAll(b)
		got <- all
	}()
	want := ""
	for _, s := range []string{"+OK\r\n", ":1\r\n", "$1\r\nx\r\n"} {
		if !q.Push([]byte(s)) {
			t.Fatalf("Push(%q) refused", s)
		}
		want += s
	}
	q.Finish()
	a.Close()
	if s := string(<-got); s != want {
		t.Fatalf("received %q, want %q", s, want)
	}
	if n := counted.Load(); n != 0 {
		t.Fatalf("bytes counted after Finish = %d, want 0", n)
	}
	if q.Push([]byte("late")) {
		t.Fatal("Push after Finish taken")
	}
}

// A reader that stops reading is cut off once its queue passes the hard
// limit: the push is refused, onCut runs once and the connection closes.
func TestQueueCutsSlowReader(t *testing.T) {
	a, b := net.Pipe() // b never reads: the sender's first write blocks
	defer b.Close()
	var cuts atomic.Int32
	q := New(a, func() Limit { return Limit{Hard: 1000} }, func() { cuts.Add(1) }, nil)
	go q.Run()
	chunk := make([]byte, 300)
	taken := 0
	for i := 0; i < 10 && q.Push(chunk); i++ {
		taken++
	}
	if taken == 10 {
		t.Fatal("3000 bytes queued past a 1000-byte hard limit")
	}
	if q.Pending() != 0 && q.Pending() > 1000 {
		t.Fatalf("Pending = %d past the limit", q.Pending())
	}
	if cuts.Load() != 1 {
		t.Fatalf("onCut ran %d times, want 1", cuts.Load())
	}
	if q.Push(chunk) || cuts.Load() != 1 {
		t.Fatal("a cut queue took more bytes or cut again")
	}
	done := make(chan struct{})
	go func() { q.Finish(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Finish did not return for a cut-off reader")
	}
}

// The soft limit may be exceeded for SoftFor, not longer.
func TestQueueSoftLimit(t *testing.T) {
	a, b := net.Pipe()
	defer b.Close()
	q := New(a, func() Limit { return Limit{Soft: 100, SoftFor: 50 * time.Millisecond} }, nil, nil)
	go q.Run()
	defer q.Finish()
	big := make([]byte, 200)
	if !q.Push(big) {
		t.Fatal("first push over the soft limit refused at once")
	}
	deadline := time.Now().Add(5 * time.Second)
	for q.Push([]byte("x")) {
		if time.Now().After(deadline) {
			t.Fatal("still taking bytes 5 s past a 50 ms soft limit")
		}
		time.Sleep(10 * time.Millisecond) // the soft limit is a span of time: let it pass
	}
}

// tcpPair returns both ends of a loopback TCP connection, the first with
// raw non-blocking writes (a TryWriter), and small socket buffers so that
// the socket fills soon (the receiver's is set before it connects: set
// after, the shrinking window can stall the connection).
func tcpPair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) {
			_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 16<<10)
		})
	}}
	peer, err := d.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	a, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	_ = a.(*net.TCPConn).SetWriteBuffer(16 << 10)
	t.Cleanup(func() { a.Close(); peer.Close() })
	return rawio.Wrap(a), peer
}

// Append does not wake the sender; Flush writes what is queued itself,
// and what the socket does not take (a reader that has not read yet) the
// sender sends once the socket takes it, before anything queued later,
// while Appends made meanwhile need no Flush of their own.
func TestAppendFlush(t *testing.T) {
	a, peer := tcpPair(t)
	if _, ok := a.(TryWriter); !ok {
		t.Skip("no non-blocking writes on this platform")
	}
	q := New(a, func() Limit { return Limit{Hard: 64 << 20} }, nil, nil)
	var want []byte
	chunk := func(i int) []byte {
		b := make([]byte, 1000)
		for j := range b {
			b[j] = byte('a' + (i+j)%26)
		}
		return b
	}
	ok, first := q.Append(chunk(0))
	if !ok || !first {
		t.Fatalf("first Append = %v, %v; want taken, and first", ok, first)
	}
	want = append(want, chunk(0)...)
	for i := 1; i < 1000; i++ { // 1 MB: far more than the socket's buffers
		ok, first := q.Append(chunk(i))
		if !ok || first {
			t.Fatalf("Append %d = %v, %v; want taken, not first", i, ok, first)
		}
		want = append(want, chunk(i)...)
	}
	go q.Run() // not woken by any Append
	q.Flush()  // writes what the socket takes; the sender the rest
	if q.Pending() == 0 {
		t.Fatal("1 MB went into a socket nobody reads")
	}
	for i := 1000; i < 1100; i++ {
		if ok, first := q.Append(chunk(i)); !ok || first {
			t.Fatalf("Append %d while the sender writes = %v, %v; want taken, not first", i, ok, first)
		}
		want = append(want, chunk(i)...)
	}
	got := make([]byte, len(want))
	_ = peer.SetReadDeadline(time.Now().Add(10 * time.Second))
	if k, err := io.ReadFull(peer, got); err != nil {
		t.Fatalf("read %d bytes of %d: %v", k, len(want), err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("bytes received out of order")
	}
	q.Finish()
	if q.Pending() != 0 {
		t.Fatalf("Pending = %d after everything was read", q.Pending())
	}
}

// Pushes and Appends from several goroutines, each flushing now and then
// as event loops do, reach the reader whole and in each writer's order.
func TestAppendFlushConcurrent(t *testing.T) {
	a, peer := tcpPair(t)
	q := New(a, func() Limit { return Limit{Hard: 64 << 20} }, nil, nil)
	go q.Run()
	const writers, each = 4, 3000
	done := make(chan struct{})
	for w := 0; w < writers; w++ {
		go func() {
			defer func() { done <- struct{}{} }()
			pending := false
			for i := 0; i < each; i++ {
				msg := []byte(fmt.Sprintf("%d:%d\n", w, i))
				if w == 0 {
					q.Push(msg)
					continue
				}
				if _, first := q.Append(msg); first {
					pending = true
				}
				if pending && i%7 == 0 {
					q.Flush()
					pending = false
				}
			}
			if pending {
				q.Flush()
			}
		}()
	}
	next := make([]int, writers)
	rd := bufio.NewReader(peer)
	_ = peer.SetReadDeadline(time.Now().Add(20 * time.Second))
	for got := 0; got < writers*each; got++ {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatalf("after %d messages: %v", got, err)
		}
		var w, i int
		if _, err := fmt.Sscanf(line, "%d:%d\n", &w, &i); err != nil || w < 0 || w >= writers {
			t.Fatalf("message %q", line)
		}
		if i != next[w] {
			t.Fatalf("writer %d: message %d after %d", w, i, next[w]-1)
		}
		next[w]++
	}
	for w := 0; w < writers; w++ {
		<-done
	}
	q.Finish()
}
