package node

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// setAsync sends SET key val from a client named name and returns where
// its result arrives.
func setAsync(t *testing.T, tn *testNode, name, key, val string) chan error {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: tn.addr, ClientName: name, ReadTimeout: 30 * time.Second})
	t.Cleanup(func() { c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Set(context.Background(), key, val, 0).Err() }()
	return done
}

// waitSetWaiting waits until client name's SET has reached the node (CLIENT
// LIST shows it as its command) and checks it has not finished.
func waitSetWaiting(t *testing.T, a *rawConn, name string, done chan error) {
	t.Helper()
	waitFor(t, 10*time.Second, name+"'s SET reaches the node", func() bool {
		for _, line := range strings.Split(a.do("CLIENT", "LIST"), "\n") {
			if strings.Contains(line, "name="+name+" ") && strings.Contains(line, "cmd=set") {
				return true
			}
		}
		return false
	})
	select {
	case err := <-done:
		t.Fatalf("SET on a locked key finished while the lock was held (%v)", err)
	default:
	}
}

func TestTxLockIsolatesUntilUnlock(t *testing.T) {
	tn := startNode(t, nil)
	a := tn.raw(t)
	a.do("SET", "k", "old")
	if got := a.do("VCACHE.TXLOCK", "t1", "60000", "k", "other"); got != "(integer) 1" {
		t.Fatalf("TXLOCK: %s", got)
	}
	done := setAsync(t, tn, "writer", "k", "theirs")
	waitSetWaiting(t, a, "writer", done)
	a.do("MULTI")
	a.do("GET", "k")
	a.do("SET", "k", "mine")
	if got := a.do("EXEC"); got != "1) \"old\"\n2) OK" {
		t.Fatalf("EXEC under the lock: %q", got)
	}
	select {
	case err := <-done:
		t.Fatalf("SET finished before TXUNLOCK (%v)", err)
	default:
	}
	if got := a.do("VCACHE.TXUNLOCK", "t1"); got != "(integer) 1" {
		t.Fatalf("TXUNLOCK: %s", got)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := a.do("GET", "k"); got != `"theirs"` {
		t.Fatalf("GET after both: %s", got)
	}
	if got := a.do("VCACHE.TXUNLOCK", "t1"); got != "(integer) 0" {
		t.Fatalf("second TXUNLOCK: %s", got)
	}
}

func TestTxLockLeaseRunsOut(t *testing.T) {
	tn := startNode(t, nil)
	a := tn.raw(t)
	const lease = 300 * time.Millisecond
	start := time.Now()
	if got := a.do("VCACHE.TXLOCK", "t2", "300", "k"); got != "(integer) 1" {
		t.Fatalf("TXLOCK: %s", got)
	}
	// The holder goes silent: the key is free again once the lease ends.
	done := setAsync(t, tn, "writer", "k", "theirs")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the key stayed locked past the lease")
	}
	if el := time.Since(start); el < lease {
		t.Fatalf("SET ran %v after TXLOCK, inside the %v lease", el, lease)
	}
	// The holder comes back: its EXEC must not run unlocked.
	a.do("MULTI")
	a.do("SET", "k", "mine")
	if got := a.do("EXEC"); !strings.Contains(got, "lease ran out") {
		t.Fatalf("EXEC after the lease: %q", got)
	}
	if got := a.do("GET", "k"); got != `"theirs"` {
		t.Fatalf("GET: %s", got)
	}
	if got := a.do("VCACHE.TXUNLOCK", "t2"); got != "(integer) 0" {
		t.Fatalf("TXUNLOCK after the lease: %s", got)
	}
}

// TestTxLockLeaseCountsTheWait: a lease runs from the TXLOCK request. A
// request that waited for the keys longer than its lease locks nothing
// (else a hung proxy's queued requests would hold the keys one lease
// after another).
func TestTxLockLeaseCountsTheWait(t *testing.T) {
	tn := startNode(t, nil)
	a, b := tn.raw(t), tn.raw(t)
	if got := a.do("VCACHE.TXLOCK", "t4", "1500", "k"); got != "(integer) 1" {
		t.Fatalf("TXLOCK: %s", got)
	}
	if got := b.do("VCACHE.TXLOCK", "t5", "200", "k"); !strings.Contains(got, "lease ran out while waiting") {
		t.Fatalf("TXLOCK that waited past its lease: %q", got)
	}
	// Nothing holds k now: a write goes through at once.
	done := setAsync(t, tn, "writer", "k", "v")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("k stayed locked after a TXLOCK that locked nothing")
	}
	if got := b.do("VCACHE.TXUNLOCK", "t5"); got != "(integer) 0" {
		t.Fatalf("TXUNLOCK of a lock never had: %s", got)
	}
}

func TestTxLockReleasedWhenHolderCloses(t *testing.T) {
	tn := startNode(t, nil)
	a := tn.raw(t)
	b := tn.raw(t)
	if got := a.do("VCACHE.TXLOCK", "t3", "3600000", "k"); got != "(integer) 1" {
		t.Fatalf("TXLOCK: %s", got)
	}
	done := setAsync(t, tn, "writer", "k", "v")
	waitSetWaiting(t, b, "writer", done)
	a.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a closed holder left the key locked")
	}
}

func TestTxLockChecksWatches(t *testing.T) {
	tn := startNode(t, nil)
	a, b := tn.raw(t), tn.raw(t)
	a.do("WATCH", "w")
	b.do("SET", "w", "changed")
	if got := a.do("VCACHE.TXLOCK", "t4", "1000", "k"); got != "(integer) 0" {
		t.Fatalf("TXLOCK after a watched key changed: %s", got)
	}
	a.do("VCACHE.TXUNLOCK", "t4")
	a.do("WATCH", "w")
	if got := a.do("VCACHE.TXLOCK", "t5", "1000", "k"); got != "(integer) 1" {
		t.Fatalf("TXLOCK with watches intact: %s", got)
	}
	// TXLOCK consumed the watches: EXEC runs.
	a.do("MULTI")
	a.do("SET", "w", "x")
	if got := a.do("EXEC"); got != "1) OK" {
		t.Fatalf("EXEC: %q", got)
	}
	a.do("VCACHE.TXUNLOCK", "t5")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"VCACHE.TXLOCK", "t", "0", "k"}, "(error) ERR invalid lease"},
		{[]string{"VCACHE.TXLOCK", "t", "x"}, "(error) ERR invalid lease"},
		{[]string{"VCACHE.TXLOCK", "t"}, "(error) ERR wrong number of arguments for 'vcache.txlock' command"},
		{[]string{"VCACHE.TXUNLOCK"}, "(error) ERR wrong number of arguments for 'vcache.txunlock' command"},
	} {
		if got := a.do(c.args...); got != c.want {
			t.Errorf("%v: %q, want %q", c.args, got, c.want)
		}
	}
}
