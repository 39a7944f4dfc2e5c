package outbox

import (
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"
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
