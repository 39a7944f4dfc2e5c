package node

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestTxRanAnswersAfterTheLock: VCACHE.TXRAN waits while the lock it asks
// about holds its key, then counts the EXECs that ran under it: a closed
// connection's EXEC that ran counts, one refused after the lease does
// not, and an unknown lock is -1.
func TestTxRanAnswersAfterTheLock(t *testing.T) {
	tn := startNode(t, nil)
	a := tn.raw(t)
	q := redis.NewClient(&redis.Options{Addr: tn.addr, ReadTimeout: 30 * time.Second})
	t.Cleanup(func() { q.Close() })
	ctx := context.Background()
	if n, err := q.Do(ctx, "VCACHE.TXRAN", "nobody", "k").Int(); err != nil || n != -1 {
		t.Fatalf("TXRAN of an unknown lock: %d %v", n, err)
	}
	if got := a.do("VCACHE.TXLOCK", "t1", "60000", "k"); got != "(integer) 1" {
		t.Fatalf("TXLOCK: %s", got)
	}
	a.do("MULTI")
	a.do("RPUSH", "k", "x")
	a.do("EXEC")
	done := make(chan int64, 1)
	go func() {
		n, _ := q.Do(ctx, "VCACHE.TXRAN", "t1", "k").Int64()
		done <- n
	}()
	// It waits for the lock; the lock's connection goes on meanwhile.
	w := tn.raw(t)
	waitFor(t, 10*time.Second, "TXRAN reaches the node", func() bool {
		return strings.Contains(w.do("CLIENT", "LIST"), "cmd=vcache.txran")
	})
	a.do("MULTI")
	a.do("RPUSH", "k", "y")
	a.do("EXEC")
	select {
	case n := <-done:
		t.Fatalf("TXRAN answered %d while the lock was held", n)
	default:
	}
	a.Close() // the lock goes with the connection
	select {
	case n := <-done:
		if n != 2 {
			t.Errorf("TXRAN after two EXECs: %d", n)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("TXRAN did not answer once the connection closed")
	}

	// A lease that ran out: the EXEC after it is refused and not counted.
	b := tn.raw(t)
	if got := b.do("VCACHE.TXLOCK", "t2", "50", "k"); got != "(integer) 1" {
		t.Fatalf("TXLOCK: %s", got)
	}
	if n, err := q.Do(ctx, "VCACHE.TXRAN", "t2", "k").Int(); err != nil || n != 0 {
		t.Fatalf("TXRAN after the lease: %d %v", n, err)
	}
	b.do("MULTI")
	b.do("RPUSH", "k", "z")
	if got := b.do("EXEC"); got != "(error) ERR the transaction's lock lease ran out; nothing ran" {
		t.Fatalf("EXEC after the lease: %q", got)
	}
	if n, err := q.Do(ctx, "VCACHE.TXRAN", "t2", "k").Int(); err != nil || n != 0 {
		t.Errorf("TXRAN after a refused EXEC: %d %v", n, err)
	}
	if got := b.do("LRANGE", "k", "0", "-1"); got != "1) \"x\"\n2) \"y\"" {
		t.Errorf("the list: %q", got)
	}
}
