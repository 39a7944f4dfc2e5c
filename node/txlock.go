package node

import (
	"strconv"
	"sync"
	"time"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/keyslot"
)

// Transactions that span nodes. The proxy runs a MULTI/EXEC whose keys
// live on several nodes by locking them on each node in a fixed order
// (VCACHE.TXLOCK), running each node's part as MULTI/EXEC on the same
// connection, then releasing them (VCACHE.TXUNLOCK):
//
//	VCACHE.TXLOCK id lease-ms [key ...]   -> :1, or :0 if a WATCHed key changed
//	VCACHE.TXUNLOCK id                    -> :1, or :0 if the lease had run out
//
// TXLOCK takes the stripes (stripes.go) of the keys and of the
// connection's WATCHed keys exclusively, as EXEC does, but holds them
// until TXUNLOCK, until the connection closes, or until the lease runs
// out, whichever comes first: a proxy that dies or hangs never leaves keys
// locked past the lease, except a part prepared for a two-phase commit
// (txcommit.go), which keeps them until its decision node tells its
// outcome (txResolveFor at most). The lease runs from the request: one that waited
// for the keys longer than its lease locks nothing and answers an error. Other clients' commands on those stripes wait
// meanwhile (off the event loops: see txWaits), so no one sees the
// transaction half done. Without keys it locks the WATCHed keys' stripes
// only. TXLOCK waits for the stripes off the event loops (OffLoop), and
// the connection then stays on a goroutine of its own, so the commands
// that finish the transaction never queue behind a loop.
//
// TXLOCK also checks the connection's WATCHed keys, under the lock, and
// forgets them: :0 says one changed since WATCH, and the proxy aborts the
// whole transaction (and unlocks). An EXEC on the connection while it
// holds the lock runs under the held stripes; after the lease has run out
// it is refused, so nothing runs unlocked.

// txLock is the stripes one connection holds for a transaction.
type txLock struct {
	id   string
	mask uint64
	// mu guards held; EXEC holds it while it runs, so the lease cannot
	// run out in the middle of a transaction.
	mu    sync.Mutex
	held  bool
	timer *time.Timer
	// execs counts the EXECs run under the lock (txran.go); guarded by mu.
	execs int
	// The two-phase commit's part (txcommit.go), guarded by mu: state,
	// the prepared commands, the decision node's address ("" on the
	// decision node itself), whether a goroutine is asking the decision
	// node for the outcome, and whether the decision node's table knows
	// the lock.
	state     txPhase
	prep      []queued
	decider   string
	resolving bool
	listed    bool
	owner     *client
}

// release unlocks the stripes once; it reports whether they were held.
func (l *txLock) release(n *Node) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.held {
		return false
	}
	l.held = false
	l.prep = nil
	n.txRan.note(l.id, l.execs) // txran.go
	n.txHeld.And(^l.mask)
	n.unlockStripes(l.mask, true)
	if l.listed {
		n.txDec.unlist(l) // txcommit.go
	}
	return true
}

// maxTxLease bounds a lease: an hour.
const maxTxLease = 3600 * 1000

func cmdVcacheTxLock(cx *Ctx) {
	c, n := cx.cl, cx.Node
	if c.multi != nil {
		cx.Error("ERR VCACHE.TXLOCK inside MULTI is not allowed")
		return
	}
	ms, err := strconv.ParseInt(string(cx.Args[2]), 10, 64)
	if err != nil || ms <= 0 || ms > maxTxLease {
		cx.Error("ERR invalid lease")
		return
	}
	if c.txl != nil {
		n.dropTxLock(c)
	}
	var mask uint64
	for _, k := range cx.Args[3:] {
		mask |= 1 << (keyslot.Of(k) % replStripes)
	}
	for _, w := range c.watched {
		mask |= 1 << (w.slot % replStripes)
	}
	// The lease runs from the request, not from when the stripes were
	// had: a proxy that hangs with lock requests waiting behind its own
	// locks would otherwise hold the keys one lease after another.
	asked := time.Now()
	if msg := n.stripeLock(mask, true); msg != "" {
		cx.Error(msg)
		return
	}
	lease := time.Duration(ms)*time.Millisecond - time.Since(asked)
	if lease <= 0 {
		n.unlockStripes(mask, true)
		cx.Error("ERR the transaction's lock lease ran out while waiting for its keys; nothing is locked")
		return
	}
	n.txHeld.Or(mask)
	l := &txLock{id: string(cx.Args[1]), mask: mask, held: true, owner: c}
	l.timer = time.AfterFunc(lease, func() { n.orphan(l) }) // txcommit.go
	c.txl = l
	intact := int64(1)
	for _, w := range c.watched {
		if w.changed(n) {
			intact = 0
		}
	}
	c.watched = nil
	cx.Int(intact)
}

func cmdVcacheTxUnlock(cx *Ctx) {
	c := cx.cl
	if c.txl == nil || c.txl.id != string(cx.Args[1]) {
		cx.Int(0)
		return
	}
	if cx.Node.dropTxLock(c) {
		cx.Int(1)
	} else {
		cx.Int(0)
	}
}

// dropTxLock releases and forgets the connection's transaction lock; it
// reports whether the lease was still running.
func (n *Node) dropTxLock(c *client) bool {
	l := c.txl
	if l == nil {
		return false
	}
	c.txl = nil
	l.timer.Stop()
	return l.release(n)
}

// execTxLock is what EXEC does on a connection that holds a transaction
// lock: it returns the function that ends the transaction (the lock's mu
// is held until then), or ok false (after replying) when the lease has
// run out.
func (n *Node) execTxLock(cx *Ctx) (done func(), ok bool) {
	l := cx.cl.txl
	l.mu.Lock()
	if !l.held {
		l.mu.Unlock()
		n.dropTxLock(cx.cl)
		cx.Error("ERR the transaction's lock lease ran out; nothing ran")
		return nil, false
	}
	return l.mu.Unlock, true
}

// txWaits reports whether a command of e would wait for stripes a
// transaction lock holds: the event loop then hands its connection to a
// goroutine of its own, so the loop's other clients go on meanwhile.
func (n *Node) txWaits(e *cmdEntry, args [][]byte) bool {
	held := n.txHeld.Load()
	if held == 0 {
		return false
	}
	if e.spec.Has(command.Exec) {
		return true // EXEC takes its queued commands' stripes
	}
	return stripeMask(e.spec, args, -1)&held != 0
}
