package node

import (
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/keyslot"
)

// watch is a WATCHed key, its slot and the key's version at WATCH time.
type watch struct {
	key  []byte
	slot int
	ver  uint64
}

// changed reports whether w's key was written since WATCH.
func (w watch) changed(n *Node) bool { return n.ks.KeyVersion(w.key) != w.ver }

// multiState is a transaction being queued between MULTI and EXEC.
type multiState struct {
	cmds   []queued
	failed bool // a command was refused while queueing: EXEC aborts
	// subscribes is set when a SUBSCRIBE is queued: the connection then
	// leaves its event loop before EXEC, to receive messages.
	subscribes bool
}

type queued struct {
	e    *cmdEntry
	args [][]byte
}

// queue keeps a copy of args: the connection's read buffer is reused.
func (m *multiState) queue(args [][]byte, e *cmdEntry) {
	cp := make([][]byte, len(args))
	for i, a := range args {
		cp[i] = append([]byte(nil), a...)
	}
	m.cmds = append(m.cmds, queued{e: e, args: cp})
	if e.spec.Has(command.OffLoop | command.Subscriber) {
		m.subscribes = true
	}
}

func cmdMulti(cx *Ctx) {
	if cx.cl.multi != nil {
		cx.Error("ERR MULTI calls can not be nested")
		return
	}
	cx.cl.setMulti(&multiState{})
	cx.OK()
}

func cmdDiscard(cx *Ctx) {
	if cx.cl.multi == nil {
		cx.Error("ERR DISCARD without MULTI")
		return
	}
	cx.cl.setMulti(nil)
	cx.cl.watched = nil
	cx.OK()
}

func cmdWatch(cx *Ctx) {
	if cx.cl.multi != nil {
		cx.Error("ERR WATCH inside MULTI is not allowed")
		return
	}
	for _, k := range cx.Args[1:] {
		slot := keyslot.Of(k)
		cx.cl.watched = append(cx.cl.watched, watch{key: append([]byte(nil), k...), slot: slot, ver: cx.Node.ks.KeyVersion(k)})
	}
	cx.OK()
}

func cmdUnwatch(cx *Ctx) {
	cx.cl.watched = nil
	cx.OK()
}

func cmdExec(cx *Ctx) {
	c := cx.cl
	ms := c.multi
	if ms == nil {
		cx.Error("ERR EXEC without MULTI")
		return
	}
	c.setMulti(nil)
	watched := c.watched
	c.watched = nil
	if ms.failed {
		cx.Error("EXECABORT Transaction discarded because of previous errors.")
		return
	}
	var l *txLock
	if c.txl != nil {
		// The stripes are held already (txlock.go).
		done, ok := cx.Node.execTxLock(cx)
		if !ok {
			return
		}
		defer done()
		l = c.txl
	}
	cx.Node.execQueued(cx, ms.cmds, watched, l)
}

// execQueued runs a transaction's queued commands as EXEC does and
// answers their replies' array (or a null array when a WATCHed key
// changed). l, when not nil, is the transaction lock whose stripes are
// held already (its mu held by the caller): a part of a transaction that
// spans nodes (txlock.go, txcommit.go).
func (n *Node) execQueued(cx *Ctx, cmds []queued, watched []watch, l *txLock) {
	c := cx.cl
	// Hold every stripe the transaction touches (see stripes.go), so
	// that other clients' keyed commands run before or after it all.
	var mask uint64
	for _, w := range watched {
		mask |= 1 << (w.slot % replStripes)
	}
	for _, q := range cmds {
		if m := stripeMask(q.e.spec, q.args, -1); m != 0 {
			mask |= m
		} else if !q.e.spec.Has(command.Keyless) || q.e.spec.Has(command.Write) {
			mask = allStripes
		}
	}
	if l != nil {
		mask &^= l.mask
	}
	if msg := n.stripeLock(mask, true); msg != "" {
		cx.Error(msg)
		return
	}
	defer n.unlockStripes(mask, true)
	if scratchIn(c, cmds) { // scratch.go
		n.scratchGate.Lock()
		defer n.scratchGate.Unlock()
	}
	// A write to a watched key since WATCH aborts (rarely, one to another
	// key sharing its version counter too: cache/keyver.go).
	for _, w := range watched {
		if w.changed(n) {
			cx.NullArray()
			return
		}
	}
	// The queued commands run back to back; their replies form EXEC's
	// array.
	cx.Array(len(cmds))
	if l != nil {
		l.execs++ // its mu is held: txran.go
	}
	c.inExec = true
	for _, q := range cmds {
		n.run(c, q.e, q.args, 0)
	}
	c.inExec = false
	cx.Args = nil
	// EXEC answered its array: a queued command's error is that
	// command's failure (INFO commandstats), not EXEC's, as in Redis.
	cx.failed = false
}
