package node

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/keyslot"
)

// txPair is a transaction's two parts as the proxy sends them: the
// decision node's on dec and another node's on part, each on a
// connection of its own, both locked and prepared (one SET each).
type txPair struct {
	decNode, partNode *testNode
	dec, part         *rawConn
}

func prepareTxPair(t *testing.T, id string) *txPair {
	t.Helper()
	x := &txPair{decNode: startNode(t, nil), partNode: startNode(t, nil)}
	x.dec, x.part = x.decNode.raw(t), x.partNode.raw(t)
	for _, s := range []struct {
		c    *rawConn
		key  string
		prep []string
	}{
		{x.dec, "a", []string{"VCACHE.TXPREPARE", id}},
		{x.part, "b", []string{"VCACHE.TXPREPARE", id, x.decNode.addr}},
	} {
		if got := s.c.do("VCACHE.TXLOCK", id, "60000", s.key); got != "(integer) 1" {
			t.Fatalf("TXLOCK: %s", got)
		}
		s.c.do("MULTI")
		if got := s.c.do("SET", s.key, "1"); got != "QUEUED" {
			t.Fatalf("SET in MULTI: %s", got)
		}
		if got := s.c.do(s.prep...); got != "OK" {
			t.Fatalf("%v: %s", s.prep, got)
		}
	}
	return x
}

// locked reports whether key's stripe is held on tn: a GET waits.
func locked(t *testing.T, tn *testNode, key string) bool {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: tn.addr, ReadTimeout: 300 * time.Millisecond, MaxRetries: -1})
	defer c.Close()
	err := c.Get(context.Background(), key).Err()
	return err != nil && err != redis.Nil
}

// value is key's value on tn ("" when missing), read once its lock is
// gone.
func value(t *testing.T, tn *testNode, key string) string {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: tn.addr, ReadTimeout: 10 * time.Second})
	defer c.Close()
	v, err := c.Get(context.Background(), key).Result()
	if err != nil && err != redis.Nil {
		t.Fatalf("GET %s: %v", key, err)
	}
	return v
}

// TestTxPreparedDroppedWhenProxyGone: a part prepared for another
// decision node whose proxy connection closes keeps its keys locked while
// the decision node's part is still held for its proxy (pending), then
// drops its part and unlocks once the decision node's connection closes
// too (aborted there): nothing ran on either node.
func TestTxPreparedDroppedWhenProxyGone(t *testing.T) {
	x := prepareTxPair(t, "tx-drop")
	x.part.Close()
	time.Sleep(300 * time.Millisecond) // it asks, and is told pending
	if !locked(t, x.partNode, "b") {
		t.Fatal("the part's key was released while its decision node still held the transaction")
	}
	q := x.decNode.raw(t)
	if got := q.do("VCACHE.TXSTATUS", "tx-drop"); got != "pending" {
		t.Fatalf("TXSTATUS while the decision node's part is held: %s", got)
	}
	x.dec.Close()
	waitFor(t, 5*time.Second, "the part's node unlocks b", func() bool { return !locked(t, x.partNode, "b") })
	if v := value(t, x.partNode, "b"); v != "" {
		t.Fatalf("b = %q on the other node: its dropped part ran", v)
	}
	if v := value(t, x.decNode, "a"); v != "" {
		t.Fatalf("a = %q on the decision node: its dropped part ran", v)
	}
	if got := q.do("VCACHE.TXSTATUS", "tx-drop"); got != "aborted" {
		t.Fatalf("TXSTATUS once dropped: %s", got)
	}
}

// TestTxPreparedCommitsAfterDecision: once the decision node committed,
// the other part commits on its own when its proxy vanishes before
// committing it.
func TestTxPreparedCommitsAfterDecision(t *testing.T) {
	x := prepareTxPair(t, "tx-commit")
	if got := x.dec.do("VCACHE.TXCOMMIT", "tx-commit"); got != "1) OK" {
		t.Fatalf("TXCOMMIT on the decision node: %q", got)
	}
	if got := x.decNode.raw(t).do("VCACHE.TXSTATUS", "tx-commit"); got != "committed" {
		t.Fatalf("TXSTATUS once committed: %s", got)
	}
	if !locked(t, x.partNode, "b") {
		t.Fatal("b is not locked before its part commits")
	}
	x.dec.Close()
	x.part.Close()
	waitFor(t, 5*time.Second, "the part's node unlocks b", func() bool { return !locked(t, x.partNode, "b") })
	if v := value(t, x.partNode, "b"); v != "1" {
		t.Fatalf("b = %q on the other node, want its committed part's 1", v)
	}
	if v := value(t, x.decNode, "a"); v != "1" {
		t.Fatalf("a = %q on the decision node, want 1", v)
	}
}

// TestTxDecisionOnce: a decision node that told another node a
// transaction is aborted (it did not hold it) refuses to commit it later;
// one whose prepared part is unlocked without a commit aborts it; a
// prepare after a command refused while queued answers EXECABORT and
// stores nothing.
func TestTxDecisionOnce(t *testing.T) {
	tn := startNode(t, nil)
	a, q := tn.raw(t), tn.raw(t)
	a.do("VCACHE.TXLOCK", "late", "60000", "a")
	a.do("MULTI")
	a.do("SET", "a", "1")
	if got := q.do("VCACHE.TXSTATUS", "late"); got != "aborted" {
		t.Fatalf("TXSTATUS of a transaction not prepared here: %s", got)
	}
	if got := a.do("VCACHE.TXPREPARE", "late"); got != "OK" {
		t.Fatalf("TXPREPARE: %s", got)
	}
	if got := a.do("VCACHE.TXCOMMIT", "late"); !strings.Contains(got, "aborted") {
		t.Fatalf("TXCOMMIT of an aborted transaction: %s", got)
	}
	a.do("VCACHE.TXUNLOCK", "late")

	a.do("VCACHE.TXLOCK", "undone", "60000", "a")
	a.do("MULTI")
	a.do("SET", "a", "2")
	a.do("VCACHE.TXPREPARE", "undone")
	if got := q.do("VCACHE.TXSTATUS", "undone"); got != "pending" {
		t.Fatalf("TXSTATUS while prepared: %s", got)
	}
	if got := a.do("VCACHE.TXUNLOCK", "undone"); got != "(integer) 1" {
		t.Fatalf("TXUNLOCK: %s", got)
	}
	if got := q.do("VCACHE.TXSTATUS", "undone"); got != "aborted" {
		t.Fatalf("TXSTATUS once unlocked uncommitted: %s", got)
	}

	a.do("VCACHE.TXLOCK", "bad", "60000", "a")
	a.do("MULTI")
	a.do("SET", "a", "3")
	a.do("NOSUCHCOMMAND")
	if got := a.do("VCACHE.TXPREPARE", "bad"); !strings.HasPrefix(got, "(error) EXECABORT") {
		t.Fatalf("TXPREPARE after a refused command: %s", got)
	}
	if got := a.do("VCACHE.TXCOMMIT", "bad"); !strings.HasPrefix(got, "(error)") {
		t.Fatalf("TXCOMMIT of a part not prepared: %s", got)
	}
	a.do("VCACHE.TXUNLOCK", "bad")
	if got := q.do("GET", "a"); got != "(nil)" {
		t.Fatalf("a = %s: an aborted part ran", got)
	}
	if got := a.do("VCACHE.TXPREPARE", "x"); !strings.Contains(got, "without MULTI") {
		t.Fatalf("TXPREPARE outside MULTI: %s", got)
	}
}

// TestTxCommitWaitsForPause: CLIENT PAUSE WRITE holds a prepared part's
// commit that writes, as it holds an EXEC that writes.
func TestTxCommitWaitsForPause(t *testing.T) {
	tn := startNode(t, nil)
	a, q := tn.raw(t), tn.raw(t)
	a.do("VCACHE.TXLOCK", "paused", "60000", "a")
	a.do("MULTI")
	a.do("SET", "a", "1")
	a.do("VCACHE.TXPREPARE", "paused")
	if got := q.do("CLIENT", "PAUSE", "500", "WRITE"); got != "OK" {
		t.Fatalf("CLIENT PAUSE: %s", got)
	}
	t0 := time.Now()
	if got := a.do("VCACHE.TXCOMMIT", "paused"); got != "1) OK" {
		t.Fatalf("TXCOMMIT: %q", got)
	}
	if d := time.Since(t0); d < 300*time.Millisecond {
		t.Fatalf("TXCOMMIT answered after %v, within the pause", d)
	}
}

// TestTxCommittedPartsReplicated: a prepared part that commits, on its
// proxy's TXCOMMIT or on its own once its decision node committed, sends
// replicas its writes as an EXEC does. (Both parts are on one primary
// here, on two connections: what a part does does not depend on where
// its decision node is.)
func TestTxCommittedPartsReplicated(t *testing.T) {
	nodes := startReplicatedNodes(t, 3)
	p := nodes[0]
	var keys []string
	stripe := -1
	for i := 0; len(keys) < 2 && i < 1000; i++ {
		k := fmt.Sprintf("r%d", i)
		if s := keyslot.Of([]byte(k)) % replStripes; s != stripe && p.raw(t).do("EXISTS", k) == "(integer) 0" {
			keys, stripe = append(keys, k), s
		}
	}
	if len(keys) < 2 {
		t.Fatal("no two keys of the first node in two stripes")
	}
	from := p.repl.log.end.Load()
	dec, part := p.raw(t), p.raw(t)
	for i, c := range []*rawConn{dec, part} {
		c.do("VCACHE.TXLOCK", "rtx", "60000", keys[i])
		c.do("MULTI")
		c.do("SET", keys[i], "committed-"+keys[i])
		prep := []string{"VCACHE.TXPREPARE", "rtx"}
		if i == 1 {
			prep = append(prep, p.addr)
		}
		if got := c.do(prep...); got != "OK" {
			t.Fatalf("%v: %s", prep, got)
		}
	}
	if got := dec.do("VCACHE.TXCOMMIT", "rtx"); got != "1) OK" {
		t.Fatalf("TXCOMMIT: %q", got)
	}
	dec.do("VCACHE.TXUNLOCK", "rtx")
	part.Close()
	waitFor(t, 5*time.Second, "the orphaned part commits", func() bool { return value(t, p, keys[1]) != "" })
	waitFor(t, 5*time.Second, "both writes in the replication stream", func() bool {
		frames, _, err := p.repl.log.read(nil, from, time.Millisecond, func() bool { return false })
		return err == nil && bytes.Contains(frames, []byte("committed-"+keys[0])) && bytes.Contains(frames, []byte("committed-"+keys[1]))
	})
}

// TestTxDecisionsBounded: a decision node remembers at most txDecidedMax
// outcomes, forgetting the oldest first.
func TestTxDecisionsBounded(t *testing.T) {
	var d txDecisions
	for i := range txDecidedMax + 10 {
		if !d.commit(fmt.Sprint(i)) {
			t.Fatalf("commit %d refused", i)
		}
	}
	if n := len(d.done); n != txDecidedMax {
		t.Fatalf("%d outcomes kept, want %d", n, txDecidedMax)
	}
	if _, ok := d.done["9"]; ok {
		t.Error("the oldest outcomes are still kept")
	}
	if got := d.status(fmt.Sprint(txDecidedMax + 9)); got != "committed" {
		t.Errorf("the newest outcome: %s", got)
	}
	if got := d.status("9"); got != "aborted" {
		t.Errorf("a forgotten outcome: %s", got)
	}
	if len(d.order)-d.head != txDecidedMax {
		t.Errorf("%d in the age list, want %d", len(d.order)-d.head, txDecidedMax)
	}
}
