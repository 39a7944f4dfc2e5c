package node

import (
	"testing"

	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/internal/testutil"
)

// TestIdleQueryBufferReleased checks, against redis-server, that the
// query buffer of a client idle for more than 2 s is given back (CLIENT
// LIST: qbuf=0 qbuf-free=0) and that the client is served as before
// afterwards, a large request included. On a node served by event loops.
func TestIdleQueryBufferReleased(t *testing.T) {
	rc := startRedisServer(t)
	testutil.CheckIdleQueryBufReleased(t, rc.Options().Addr)
	inEachServingMode(t, func(t *testing.T, tn *testNode) {
		testutil.CheckIdleQueryBufReleased(t, tn.addr)
	})
}

// TestIdleQueryBufferReleasedWithIdleTimeout: on a goroutine's connection
// the buffer's release and the idle timeout share the read deadline; a
// client idle past the buffer's release is still closed at the timeout,
// and one that sends before it is served.
func TestIdleQueryBufferReleasedWithIdleTimeout(t *testing.T) {
	tn := startNode(t, func(c *Config) { c.Serving = serving.NewGroup(serving.Goroutines, false) })
	if got := testutil.Dial(t, tn.addr).Do("CONFIG", "SET", "timeout", "4"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET timeout = %q", got)
	}
	testutil.CheckIdleTimeoutAfterRelease(t, tn.addr)
}

// TestQueryBufferFitsRecentPeak checks, against redis-server, that a
// query buffer grown by a 400 kB SET is resized to the client's recent
// requests once it sends only small ones (testutil.CheckQueryBufFitsPeak),
// on event loops and on a goroutine per connection, with the node's
// used_memory no longer counting the grown buffer.
func TestQueryBufferFitsRecentPeak(t *testing.T) {
	rc := startRedisServer(t)
	testutil.CheckQueryBufFitsPeak(t, rc.Options().Addr, nil)
	inEachServingMode(t, func(t *testing.T, tn *testNode) {
		c := tn.client(t)
		testutil.CheckQueryBufFitsPeak(t, tn.addr, func() int64 { return usedMemory(t, c) })
	})
}

// TestGrownQueryBuffersGiveBackMemory: the node's heap drops by the room
// its clients' grown query buffers gave back, on event loops and on a
// goroutine per connection (the values stay: the heap keeps them, the
// check is on what the buffers held beyond them).
func TestGrownQueryBuffersGiveBackMemory(t *testing.T) {
	inEachServingMode(t, func(t *testing.T, tn *testNode) {
		testutil.CheckGrownQueryBufsFreed(t, tn.addr)
	})
}
