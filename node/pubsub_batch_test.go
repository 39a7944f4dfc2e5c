package node

import (
	"io"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/outbox"
	"github.com/vcache/vcache/internal/rawio"
)

// tcpSubscriber returns a client subscribed to channel "ch" and pattern
// "c*" whose outbox sends on a loopback TCP connection (with raw,
// non-blocking writes, as a subscriber's on the event loops), and the
// connection's other end.
func tcpSubscriber(t *testing.T, n *Node, r3 bool) (*client, *outbox.Queue, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	peer, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	a, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	nc := rawio.Wrap(a)
	if _, ok := nc.(outbox.TryWriter); !ok && runtime.GOOS == "linux" {
		t.Fatal("a wrapped TCP connection has no non-blocking write")
	}
	t.Cleanup(func() { a.Close(); peer.Close() })
	cl := &client{}
	cl.resp3.Store(r3)
	q := outbox.New(nc, func() outbox.Limit { return outbox.Limit{} }, nil, nil)
	cl.out.Store(q)
	n.pubsub.mu.Lock()
	n.pubsub.add(cl, subChannel, "ch")
	n.pubsub.add(cl, subPattern, "c*")
	n.pubsub.mu.Unlock()
	return cl, q, peer
}

// A publication is encoded once per protocol and pattern, on the stack:
// delivering it to subscribers allocates nothing, and each gets the
// message and the pmessage in its protocol's form, in order.
func TestPublishEncodesOnceWithoutAllocating(t *testing.T) {
	n := &Node{}
	lims := defaultBufLimits
	n.pubsub.limits.Store(&lims)
	_, q2, _ := tcpSubscriber(t, n, false)
	_, q3, _ := tcpSubscriber(t, n, true)
	var batch outBatch
	ch, payload := []byte("ch"), []byte("hello")
	if got := n.publish(subChannel, ch, payload, &batch); got != 4 {
		t.Fatalf("publish reached %d subscriptions, want 4", got)
	}
	want2 := "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n" + "*4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$5\r\nhello\r\n"
	want3 := ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n" + ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$5\r\nhello\r\n"
	if p := q2.Pending(); p != int64(len(want2)) {
		t.Fatalf("RESP2 subscriber has %d bytes queued, want %d", p, len(want2))
	}
	if p := q3.Pending(); p != int64(len(want3)) {
		t.Fatalf("RESP3 subscriber has %d bytes queued, want %d", p, len(want3))
	}
	if len(batch.qs) != 2 && loopsAvailable {
		t.Fatalf("batch holds %d outboxes, want 2 (one per subscriber)", len(batch.qs))
	}
	if raceEnabled {
		return // the race detector's instrumentation allocates
	}
	allocs := testing.AllocsPerRun(200, func() { n.publish(subChannel, ch, payload, &batch) })
	if allocs != 0 {
		t.Fatalf("publish to 2 subscribers allocates %v times, want 0", allocs)
	}
}

// Messages queued through a batch go out, in order, when it is flushed,
// by the flush's own write: nothing is sent before it, and the sender is
// not needed.
func TestBatchFlushSendsInOrder(t *testing.T) {
	n := &Node{}
	lims := defaultBufLimits
	n.pubsub.limits.Store(&lims)
	_, q, peer := tcpSubscriber(t, n, false)
	// The sender starts once the flush is done: the flush writes itself.
	defer func() {
		go q.Run()
		q.Finish()
	}()
	var batch outBatch
	for _, m := range []string{"a", "b", "c"} {
		n.publish(subShard, []byte("none"), []byte(m), &batch) // nobody: nothing queued
		n.publish(subChannel, []byte("x"), []byte(m), &batch)  // matches neither ch nor c*
		n.publish(subChannel, []byte("ch"), []byte(m), &batch)
	}
	if len(batch.qs) != 1 && loopsAvailable {
		t.Fatalf("batch holds %d outboxes, want 1", len(batch.qs))
	}
	want := ""
	for _, m := range []string{"a", "b", "c"} {
		want += "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\n" + m + "\r\n" + "*4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$1\r\n" + m + "\r\n"
	}
	if loopsAvailable {
		_ = peer.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		var one [1]byte
		if k, _ := peer.Read(one[:]); k != 0 {
			t.Fatal("a message was sent before the batch was flushed")
		}
	}
	batch.flush()
	_ = peer.SetReadDeadline(time.Now().Add(5 * time.Second))
	got := make([]byte, len(want))
	if _, err := io.ReadFull(peer, got); err != nil {
		t.Fatalf("reading the messages: %v", err)
	}
	if string(got) != want {
		t.Fatalf("received %q, want %q", got, want)
	}
	if len(batch.qs) != 0 {
		t.Fatal("flush left outboxes in the batch")
	}
}
