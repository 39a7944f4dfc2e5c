package node

import (
	"bufio"
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/resp"
)

// Two-phase commit of a transaction that spans nodes. The proxy locks
// the transaction's keys on each node (VCACHE.TXLOCK, txlock.go), then
// prepares each node's part and commits it:
//
//	MULTI, the part's commands, VCACHE.TXPREPARE id [decider]
//	                       -> +OK: the part is stored, nothing ran
//	                          (EXECABORT when a command was refused
//	                          while queued, as EXEC would answer)
//	VCACHE.TXCOMMIT id     -> the part's EXEC array, or an error when
//	                          the part was aborted meanwhile (nothing ran)
//	VCACHE.TXUNLOCK id     -> releases the keys; a part prepared and not
//	                          committed is dropped (aborted)
//	VCACHE.TXSTATUS id     -> +committed, +aborted or +pending: the
//	                          decision node's answer to the others
//
// One node of the transaction, the decision node, is prepared without
// decider; every other part names the decision node's address. The
// proxy commits the decision node first and waits for its reply: its
// commit is the transaction's. Only then does it commit the others.
//
// The decision node keeps the outcome of the transactions it decided
// (txDecisions): committed when its TXCOMMIT ran, aborted when a node
// asked about a transaction it no longer holds, which makes a TXCOMMIT
// arriving later fail. A decision node whose part is prepared when the
// proxy's connection closes, or its lease runs out, drops the part: the
// transaction is aborted.
//
// Another node whose prepared part loses its proxy (the connection
// closed, or the lease ran out) keeps the keys locked and asks the
// decision node (a connection of its own, AUTH with requirepass): it
// commits the part when the answer is committed, drops it when aborted,
// and asks again after a while when pending (the decision node's part is
// still held for a live proxy: it ends within its lease). A node that
// gets no answer for txResolveFor logs it and drops the part, releasing
// the keys: only a decision node that is gone for that long can leave a
// transaction half applied.

// txPhase is where a transaction lock is in the two-phase commit.
type txPhase uint8

const (
	txLocked    txPhase = iota // locked; no part prepared
	txPrepared                 // its part is stored
	txCommitted                // its part ran
)

const (
	// txResolveFor bounds how long a node asks the decision node about a
	// prepared part whose proxy is gone, holding its keys.
	txResolveFor = 30 * time.Second
	// txDecidedFor and txDecidedMax bound the outcomes a decision node
	// remembers: a minute (longer than any lease the proxy asks for plus
	// txResolveFor), at most txDecidedMax of them.
	txDecidedFor = time.Minute
	txDecidedMax = 1 << 18
)

// txDecisions is what a node knows as the decision node of transactions.
type txDecisions struct {
	// mu guards what follows. Lock order: a txLock's mu, then this one.
	mu sync.Mutex
	// live are the prepared parts whose lock is held here as decision
	// node; done the outcomes (true: committed), order their age.
	live  map[string]*txLock
	done  map[string]bool
	order []txRanEntry // oldest first, from head
	head  int
}

// list notes l, prepared here as decision node.
func (d *txDecisions) list(l *txLock) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.live == nil {
		d.live = map[string]*txLock{}
	}
	d.live[l.id] = l
	l.listed = true
}

// unlist forgets l (released).
func (d *txDecisions) unlist(l *txLock) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.live[l.id] == l {
		delete(d.live, l.id)
	}
	l.listed = false
}

// note keeps outcome of id (under mu), forgetting what is too old or too
// many.
func (d *txDecisions) note(id string, committed bool) {
	now := time.Now()
	if d.done == nil {
		d.done = map[string]bool{}
	}
	for d.head < len(d.order) && (len(d.order)-d.head >= txDecidedMax || now.Sub(d.order[d.head].at) > txDecidedFor) {
		delete(d.done, d.order[d.head].id)
		d.order[d.head] = txRanEntry{}
		d.head++
	}
	if d.head > 1024 && d.head > len(d.order)/2 {
		// (compacted now and then, not at every outcome)
		d.order = append(d.order[:0], d.order[d.head:]...)
		d.head = 0
	}
	if _, ok := d.done[id]; !ok {
		d.order = append(d.order, txRanEntry{id, now})
	}
	d.done[id] = committed
}

// commit records that id committed, unless it was aborted: it reports
// whether the commit may go on.
func (d *txDecisions) commit(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.done[id]; ok && !c {
		return false
	}
	d.note(id, true)
	return true
}

// status answers another node about id: committed, aborted, or pending
// while its part is held here for a live proxy. An id neither held nor
// known is aborted from now on.
func (d *txDecisions) status(id string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.done[id]; ok {
		if c {
			return "committed"
		}
		return "aborted"
	}
	if d.live[id] != nil {
		return "pending"
	}
	d.note(id, false)
	return "aborted"
}

func cmdVcacheTxPrepare(cx *Ctx) {
	c, n := cx.cl, cx.Node
	ms := c.multi
	if ms == nil {
		cx.Error("ERR VCACHE.TXPREPARE without MULTI")
		return
	}
	c.setMulti(nil)
	l := c.txl
	switch {
	case l == nil || l.id != string(cx.Args[1]):
		cx.Error("ERR VCACHE.TXPREPARE without its VCACHE.TXLOCK on this connection")
		return
	case len(cx.Args) > 3 || len(cx.Args) == 3 && len(cx.Args[2]) == 0:
		cx.SyntaxError()
		return
	case ms.failed:
		cx.Error("EXECABORT Transaction discarded because of previous errors.")
		return
	}
	l.mu.Lock()
	if !l.held || l.state != txLocked {
		l.mu.Unlock()
		cx.Error("ERR the transaction's lock lease ran out; nothing is prepared")
		return
	}
	l.state, l.prep = txPrepared, ms.cmds
	if len(cx.Args) == 3 {
		l.decider = string(cx.Args[2])
	} else {
		n.txDec.list(l)
	}
	l.mu.Unlock()
	cx.OK()
}

func cmdVcacheTxCommit(cx *Ctx) {
	c, n := cx.cl, cx.Node
	l := c.txl
	if l == nil || l.id != string(cx.Args[1]) {
		cx.Error("ERR no transaction " + string(cx.Args[1]) + " is prepared on this connection")
		return
	}
	l.mu.Lock()
	ok := l.held && l.state == txPrepared
	if ok && l.decider == "" {
		ok = n.txDec.commit(l.id)
	}
	if !ok {
		state := l.state
		l.mu.Unlock()
		if state == txCommitted {
			cx.Error("ERR the transaction's part ran already, after its proxy went silent; its replies are lost")
		} else {
			cx.Error("ERR the transaction was aborted (its lock lease ran out, or its decision node aborted it); nothing ran")
		}
		return
	}
	l.state = txCommitted
	cmds := l.prep
	l.prep = nil
	n.execQueued(cx, cmds, nil, l) // multi.go
	l.mu.Unlock()
}

func cmdVcacheTxStatus(cx *Ctx) {
	cx.Simple(cx.Node.txDec.status(string(cx.Args[1])))
}

// txCommitHeld reports whether a pause in mode holds c's VCACHE.TXCOMMIT,
// as it would hold the EXEC of the same commands.
func (n *Node) txCommitHeld(c *client, e *cmdEntry, mode int32) bool {
	l := c.txl
	if e.spec.Name != "vcache.txcommit" || l == nil {
		return false
	}
	if mode == front.PauseAll {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, q := range l.prep {
		if n.mayWrite(q.e.spec, q.args) {
			return true
		}
	}
	return false
}

// orphanTxLock is what a closed connection does with its transaction
// lock: see orphan.
func (n *Node) orphanTxLock(c *client) {
	l := c.txl
	if l == nil {
		return
	}
	c.txl = nil
	l.timer.Stop()
	n.orphan(l)
}

// orphan handles a transaction lock whose proxy is gone (its connection
// closed) or silent (its lease ran out): a part prepared here for
// another decision node waits for the outcome (resolve); anything else
// is released, which aborts a part the decision node holds prepared.
func (n *Node) orphan(l *txLock) {
	l.mu.Lock()
	if l.resolving {
		l.mu.Unlock()
		return
	}
	if l.held && l.state == txPrepared && l.decider != "" {
		l.resolving = true
		l.mu.Unlock()
		go n.resolve(l)
		return
	}
	l.mu.Unlock()
	l.release(n)
}

// resolve asks prepared part l's decision node for the outcome, and
// commits or drops the part (see above).
func (n *Node) resolve(l *txLock) {
	defer l.release(n)
	deadline := time.Now().Add(txResolveFor)
	var ask deciderConn
	defer ask.close()
	wait := 10 * time.Millisecond
	for {
		l.mu.Lock()
		open := l.held && l.state == txPrepared
		l.mu.Unlock()
		if !open {
			return // the proxy committed or dropped it meanwhile
		}
		st, err := ask.status(n, l.decider, l.id)
		switch st {
		case "committed":
			n.commitOrphan(l)
			return
		case "aborted":
			n.log.Info("a transaction's prepared part was dropped: its decision node aborted it", "id", l.id, "decider", l.decider)
			return
		case "pending":
		default:
			if err == nil {
				err = errors.New("unexpected reply " + st)
			}
			ask.close()
		}
		if time.Now().After(deadline) {
			n.log.Error("a transaction's prepared part was dropped: its decision node did not answer in time; the transaction may be half applied",
				"id", l.id, "decider", l.decider, "for", txResolveFor, "err", err)
			return
		}
		select {
		case <-n.done:
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}

// commitOrphan runs prepared part l, whose decision node committed,
// without its proxy: on a client of its own whose replies go nowhere.
func (n *Node) commitOrphan(l *txLock) {
	// A client pause holds it as it would hold the EXEC (bounded: a
	// pause has a timeout).
	for n.pause.Mode() != front.PauseOff {
		select {
		case <-n.done:
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.held || l.state != txPrepared {
		return
	}
	l.state = txCommitted
	cmds := l.prep
	l.prep = nil
	o := l.owner
	c := &client{id: o.id, addr: o.addr, laddr: o.laddr, created: o.created, authed: true, user: o.user, txl: l}
	c.userName = o.userName
	c.cx.Node = n
	c.cx.cl = c
	c.cx.w = discardReplies{}
	n.execQueued(&c.cx, cmds, nil, l)
	if len(c.track.dirty) > 0 {
		n.invalidate(c, c.track.dirty, c) // tracking clients of its keys
	}
	if len(c.readyKeys) > 0 {
		// The clients blocked on the keys it wrote (as after EXEC).
		n.wakeWaiters(c, n.lookup([]byte("exec")).spec, nil, false)
	}
	n.log.Info("a transaction's prepared part ran after its proxy went away: its decision node committed it", "id", l.id, "decider", l.decider)
}

// deciderConn is a connection to a decision node, opened when first
// needed.
type deciderConn struct {
	nc net.Conn
	rd *bufio.Reader
}

func (a *deciderConn) close() {
	if a.nc != nil {
		a.nc.Close()
		a.nc = nil
	}
}

// status asks addr about transaction id (VCACHE.TXSTATUS) and returns
// the answer.
func (a *deciderConn) status(n *Node, addr, id string) (string, error) {
	call := func(req []byte) (string, error) {
		_ = a.nc.SetDeadline(time.Now().Add(2 * time.Second))
		if _, err := a.nc.Write(req); err != nil {
			return "", err
		}
		line, err := a.rd.ReadString('\n')
		if err != nil {
			return "", err
		}
		line = strings.TrimSuffix(line, "\r\n")
		if strings.HasPrefix(line, "+") {
			return line[1:], nil
		}
		return "", errors.New(strings.TrimPrefix(line, "-"))
	}
	if a.nc == nil {
		nc, err := n.dialPeer(context.Background(), addr, time.Second)
		if err != nil {
			return "", err
		}
		a.nc, a.rd = nc, bufio.NewReader(nc)
		if pass := n.config().RequirePass; pass != "" {
			if _, err := call(resp.AppendCommand(nil, "AUTH", pass)); err != nil {
				return "", err
			}
		}
	}
	return call(resp.AppendCommand(nil, "VCACHE.TXSTATUS", id))
}

// discardReplies is a replyWriter that writes nothing.
type discardReplies struct{}

func (discardReplies) WriteString(string)     {}
func (discardReplies) WriteBulk([]byte)       {}
func (discardReplies) WriteBulkString(string) {}
func (discardReplies) WriteInt64(int64)       {}
func (discardReplies) WriteArray(int)         {}
func (discardReplies) WriteNull()             {}
func (discardReplies) WriteRaw([]byte)        {}
func (discardReplies) WriteError(string)      {}
