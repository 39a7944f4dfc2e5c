package node

import (
	"bytes"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/tidwall/redcon"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/keyslot"
)

// cmdEntry joins a command's spec to its handler.
type cmdEntry struct {
	spec    *command.Spec // its ID indexes the node's cmdList (and ACL bitmaps)
	handler Handler
	stats   cmdStats
}

// lookup finds a command by name in any case without allocating.
func (n *Node) lookup(name []byte) *cmdEntry {
	if s := n.cmds.Lookup(name); s != nil {
		return n.cmdList[s.ID]
	}
	return nil
}

// accept admits a new connection unless max clients is reached.
func (n *Node) accept(conn redcon.Conn) bool {
	if n.clients.count.Add(1) > int64(n.config().MaxClients) {
		n.clients.count.Add(-1)
		n.clients.refuse.Add(1)
		conn.WriteError(command.MsgMaxClients)
		return false
	}
	now := time.Now()
	c := &client{
		id:      n.clients.nextID.Add(1),
		addr:    conn.RemoteAddr(),
		created: now,
		conn:    conn,
	}
	if nc := conn.NetConn(); nc != nil {
		c.laddr = nc.LocalAddr().String()
	}
	c.setUser(n.defaultUserIfOpen())
	c.lastActive.Store(now.UnixNano())
	c.cx.Node = n
	c.cx.cl = c
	c.cx.w = errCounter{replyWriter: conn, stats: &n.errs}
	conn.SetContext(c)
	n.clients.add(c)
	n.clients.total.Add(1)
	return true
}

// closed forgets a connection.
func (n *Node) closed(conn redcon.Conn, err error) {
	c, ok := conn.Context().(*client)
	if !ok {
		return
	}
	n.clients.remove(c)
	n.forgetBlocked(c)
	n.pubsub.dropAll(c)
	n.dropMonitor(c)
	n.trackDrop(c)
	n.orphanTxLock(c) // txcommit.go
	n.clients.count.Add(-1)
	n.stats.closedCommands.Add(c.commands.Load())
}

// handle runs one command from a client. A panic in a handler is logged and
// closes that connection only.
func (n *Node) handle(conn redcon.Conn, cmd redcon.Command) {
	c, ok := conn.Context().(*client)
	if !ok {
		conn.Close()
		return
	}
	defer func() {
		if r := recover(); r != nil {
			n.log.Error("handler panic; closing connection", "client", c.id, "addr", c.addr,
				"command", string(bytes.ToLower(cmd.Args[0])), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			conn.WriteError("ERR internal error")
			conn.Close()
		}
	}()
	if c.track.mode.on {
		c.track.running.Store(true)
	}
	if c.replyOff || c.skipNext {
		n.execQuiet(c, conn, cmd.Args)
	} else {
		n.exec(c, cmd.Args)
	}
	if c.paused {
		return // held by CLIENT PAUSE: run again later (runOne)
	}
	if c.block != nil {
		// Blocked: a served waiter's destination is added to its dirty
		// keys by the pushing client, so they are read after the reply
		// (waitBlocked), not here.
		return
	}
	if c.track.mode.on || len(c.track.dirty) > 0 || c.track.hasPend.Load() {
		n.trackEnd(c)
	}
}

// flushEvery is how many commands of one pipeline run before their replies
// are sent: in a long pipeline of slow commands (vector inserts) the client
// would otherwise wait for the first reply past its timeout.
const flushEvery = 128

// exec checks and runs one command line for client c.
func (n *Node) exec(c *client, args [][]byte) {
	pre := c.preSlot
	c.preSlot = 0
	c.commands.Add(1)
	if now := n.stats.clock.Load(); now != c.lastSeen {
		c.lastSeen = now
		c.lastActive.Store(now)
	}
	e := c.last
	if e == nil || !command.EqualFold(args[0], e.spec.Name) {
		e = n.lookup(args[0])
		c.last = e
		if e != nil {
			c.lastCmd.Store(&e.spec.Name)
		} else {
			c.lastCmd.Store(nil) // CLIENT LIST's cmd=NULL, as in Redis
		}
	}
	if e != nil && e.spec.Has(command.Container) {
		switch {
		case len(args) == 1:
			c.lastCmd.Store(&e.spec.Name)
		case e.spec.HasSubcommand(args[1]):
			full := subcommandName(e.spec.Name, args[1])
			c.lastCmd.Store(&full)
		default:
			// An unknown subcommand is no command, as in Redis (and its
			// text, which may hold a line break, stays out of CLIENT LIST).
			c.lastCmd.Store(nil)
		}
	}
	cx := &c.cx
	if e == nil {
		if c.multi != nil {
			c.multi.failed = true
		}
		cx.w.WriteError(command.UnknownError(args))
		return
	}
	if !e.spec.ArityOK(len(args)) {
		if c.multi != nil {
			c.multi.failed = true
		}
		n.reject(e, args)
		cx.w.WriteError(rejectText(c, e, command.ArityError(e.spec.Name)))
		return
	}
	if msg := e.spec.SubError(args); msg != "" {
		if c.multi != nil {
			c.multi.failed = true
		}
		n.reject(e, args)
		cx.w.WriteError(msg)
		return
	}
	if c.multi != nil && e.spec.Has(command.NoMulti) {
		c.multi.failed = true
		n.reject(e, args)
		cx.w.WriteError("ERR Command not allowed inside a transaction")
		return
	}
	if !c.authed && !e.spec.Has(command.NoAuth) {
		n.reject(e, args)
		cx.w.WriteError(command.MsgNoAuth)
		return
	}
	if msg := n.aclDenied(c, e, args); msg != "" {
		if c.multi != nil {
			c.multi.failed = true
		}
		n.reject(e, args)
		cx.w.WriteError(rejectText(c, e, msg))
		return
	}
	if msg := subscriberDenied(c, e.spec, args); msg != "" {
		n.reject(e, args)
		cx.w.WriteError(msg)
		return
	}
	if msg := monitorDenied(c, e.spec); msg != "" {
		n.reject(e, args)
		cx.w.WriteError(msg)
		return
	}
	if msg := n.scripts.busyFor(c, e); msg != "" {
		if c.multi != nil {
			c.multi.failed = true
		}
		n.reject(e, args)
		cx.w.WriteError(rejectText(c, e, msg))
		return
	}
	if n.pause.Mode() != front.PauseOff && n.pauseHolds(c, e, args) {
		// Held by CLIENT PAUSE: the connection waits and runs the line
		// again (pause.go), when it is counted.
		c.commands.Add(-1)
		c.paused = true
		return
	}
	if c.multi != nil && !e.spec.Has(command.TxControl) {
		c.multi.queue(args, e)
		cx.w.WriteString("QUEUED")
		return
	}
	n.run(c, e, args, pre)
}

// run executes a checked command and counts it in its statistics (see
// metrics.go): as rejected when it is refused before its handler runs.
//
// slot1 is the first key's hash slot+1 when the caller knows it already
// (the event loop's prefetcher computed it), else 0.
func (n *Node) run(c *client, e *cmdEntry, args [][]byte, slot1 int) {
	cx := &c.cx
	replSlot := noRepl
	slot := slot1 - 1
	locks := !c.inExec && !e.spec.Has(command.SelfLocked)
	if slot < 0 && (locks || e.spec.FirstKey == 1 || n.cl.Load() != nil) {
		// (A command that takes no stripes, outside a cluster, needs the
		// slot only to hand its first key's to the handler: EVALSHA's
		// numkeys is not parsed twice.)
		slot = firstKeySlot(e.spec, args)
	}
	if !c.inExec && n.ingestWaits(e.spec) {
		n.search.WaitRoom() // before any lock (ingest_wait.go)
	}
	if locks {
		// A keyed command holds its keys' stripes (see stripes.go): a
		// transaction of another client runs entirely before or after it,
		// and in a cluster a write and its place in the replication
		// backlog are one step.
		if mask := stripeMask(e.spec, args, slot); mask != 0 {
			write := e.spec.Has(command.Write)
			if msg := n.stripeLock(mask, write); msg != "" {
				n.reject(e, args)
				cx.w.WriteError(msg)
				return
			}
			defer n.unlockStripes(mask, write)
		}
	}
	logged := false // the command is in the migration log (holding logMu)
	if n.cl.Load() != nil {
		if slot >= 0 && e.spec.Has(command.Write) {
			// Count the write in flight first, then look at the logging
			// flag: a migration that sets the flag and then sees no write
			// in flight knows every later write is logged.
			n.mig.inflight[slot].Add(1)
			if n.mig.logging[slot].Load() {
				n.mig.inflight[slot].Add(-1)
				n.mig.logMu.Lock()
				defer n.mig.logMu.Unlock()
				logged = true
			} else {
				defer n.mig.inflight[slot].Add(-1)
			}
		}
		if !n.routeOK(c, e.spec, args, slot) {
			n.reject(e, args)
			return
		}
		if e.spec.Has(command.Write) {
			switch {
			case slot >= 0:
				replSlot = slot
			case !e.spec.Has(command.Admin):
				replSlot = -1 // FT.CREATE, FLUSHALL: every replica
			}
		}
	}
	if e.spec.Has(command.DenyOOM) && n.ks.OverMemoryWith(n.indexGrowth(e.spec, args)) {
		n.reject(e, args)
		cx.w.WriteError(command.MsgOOM)
		return
	}
	if e.spec.Has(command.Write) && !n.enoughReplicas() {
		n.reject(e, args)
		cx.w.WriteError(msgNoReplicas)
		return
	}
	cx.Args = args
	cx.spec = e.spec
	cx.failed = false
	if e.spec.FirstKey == 1 || e.spec.Script != 0 {
		cx.slot1 = slot + 1
	}
	// A command's time runs from the end of the one before it in the same
	// pipeline (the loop resets tick between reads): one clock read per
	// command instead of two.
	start := c.tick
	if start == 0 {
		start = time.Since(n.start)
	}
	cx.began = start
	nw := n.notifyBefore(e.spec, args)
	var sv *scratchVers
	if c.txl != nil && replSlot != noRepl && n.repl.log.on.Load() {
		sv = n.scratchBefore(c, e.spec, args) // scratch.go
	}
	if n.monitors.n.Load() > 0 {
		n.feedMonitors(c, e.spec, args, true)
	}
	tv := n.trackBefore(e.spec, args)
	if e.spec.Reply3 != nil && c.resp3.Load() {
		runReply3(cx, e, args)
	} else {
		e.handler(cx)
	}
	if nw != nil && !cx.failed {
		n.notifyAfter(nw, e.spec, args, c.deliv)
	}
	if tv != nil || trackOwner(c).track.mode.on {
		n.trackAfter(c, e.spec, args, tv, cx.failed)
	}
	end := time.Since(n.start)
	c.tick = end
	if rc, ok := c.conn.(*rconn); ok && rc.detached {
		// The handler took the connection over (VCACHE.SYNC): its reader
		// may already refill the buffer args point into.
		args = nil
	} else if n.monitors.n.Load() > 0 {
		n.feedMonitors(c, e.spec, args, false)
	}
	n.observe(c, e, args, end-start, cx.failed)
	cx.Args = nil
	cx.slot1 = 0
	if logged {
		// (under logMu since before the handler ran: the log keeps the
		// order in which the writes ran)
		switch {
		case cx.replArgs == nil && args != nil:
			appendCommand(&n.mig.log, args)
		case len(cx.replArgs) > 0:
			appendCommand(&n.mig.log, cx.replArgs)
		}
	}
	if replSlot != noRepl && n.repl.log.on.Load() {
		switch {
		case sv != nil:
			n.scratchRepl(replSlot, sv)
		case cx.replArgs == nil:
			n.repl.log.appendCommand(replSlot, args)
		case len(cx.replArgs) > 0:
			// what replicas receive instead (an empty one: nothing)
			n.repl.log.appendCommand(replSlot, cx.replArgs)
		}
	}
	cx.replArgs = nil
	// (A script's client notes nothing while no client is blocked: none
	// can block on a key while the script holds every stripe.)
	if n.blocked.n.Load() > 0 || len(c.readyKeys) > 0 || (c.inExec && !c.script && e.spec.Has(command.Write)) {
		n.wakeWaiters(c, e.spec, args, logged)
	}
	if e.spec.Has(command.DenyOOM) {
		// Evict right after a write too, so used memory does not stay above
		// maxmemory until the next write.
		n.ks.OverMemory()
	}
}

// noRepl marks a command that is not replicated.
const noRepl = -2

// firstKeySlot returns the hash slot of the command's first key, or -1.
func firstKeySlot(spec *command.Spec, args [][]byte) int {
	i := spec.FirstKeyPos(args)
	if i == 0 {
		return -1
	}
	return keyslot.Of(args[i])
}
