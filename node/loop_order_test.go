package node

import (
	"strings"
	"testing"
)

// TestNewConnectionFirstCommandBeforeLaterOnes: the first command of a
// new connection, sent before another client's command, runs before it,
// as in Redis, which accepts and reads connections in its own loop: a
// blocking XREADGROUP sent on a fresh connection, then FLUSHALL on
// another, gets the blocked reader's "no longer exists" error, not the
// NOGROUP it gets when FLUSHALL runs first. Without the loops watching
// the listener nearly every round ran FLUSHALL first; the kernel may
// still, rarely, deliver the two clients' bytes out of order, so a few
// rounds out of order are allowed.
func TestNewConnectionFirstCommandBeforeLaterOnes(t *testing.T) {
	tn := startNode(t, nil)
	const rounds = 100
	late := readerRounds(t, tn, tn.raw(t), rounds, "FLUSHALL")
	t.Logf("%d of %d rounds ran FLUSHALL first", late, rounds)
	if late > rounds/10 {
		t.Fatalf("%d of %d rounds ran FLUSHALL before the new connection's XREADGROUP", late, rounds)
	}
}

// readerRounds runs rounds of: c makes a stream and a group, a new
// connection sends a blocking XREADGROUP on it, then c sends write (which
// drops the stream). It returns how many rounds ran write first (the
// reader got NOGROUP instead of the "no longer exists" error).
func readerRounds(t *testing.T, tn *testNode, c *rawConn, rounds int, write ...string) (late int) {
	t.Helper()
	for i := 0; i < rounds; i++ {
		c.Do("XADD", "mystream", "666", "f", "v")
		c.Do("XGROUP", "CREATE", "mystream", "mygroup", "$")
		rd := tn.raw(t)
		rd.Send("XREADGROUP", "GROUP", "mygroup", "Alice", "BLOCK", "0", "STREAMS", "mystream", ">")
		rd.Flush()
		c.Do(write...)
		switch got := rd.Recv(); {
		case strings.Contains(got, "no longer exists"):
		case strings.HasPrefix(got, "-NOGROUP"):
			late++
		default:
			t.Fatalf("round %d: XREADGROUP then %v from another client: %q", i, write, got)
		}
		rd.Close()
	}
	return late
}
