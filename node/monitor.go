package node

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/monitor"
	"github.com/vcache/vcache/internal/outbox"
)

// MONITOR, as in Redis 7.0: after +OK the client receives every command
// any client runs, once its handler has run, as one status line
//
//	+<unix seconds>.<microseconds> [0 <addr>] "cmd" "arg" ...
//
// with "lua" as the source of the commands a script runs, arguments
// quoted as Redis quotes them, passwords redacted and admin commands left
// out (internal/monitor, which the proxy's MONITOR shares). A monitor's
// lines go out through its outbox (internal/outbox, pubsub_out.go), so one
// that does not read is cut off at its output buffer limit instead of
// growing the node's memory.

// monitorState is the node's monitors.
type monitorState struct {
	n atomic.Int64 // monitors now; 0: commands have nothing to feed

	// mu guards set. Feeders hold it shared while they queue a line, so
	// a monitor that leaves is not written to after it has gone.
	mu  sync.RWMutex
	set map[*client]*outbox.Queue
}

// cmdMonitor turns the connection into a monitor.
func cmdMonitor(cx *Ctx) {
	c := cx.cl
	if c.monitor.Load() {
		return // already monitoring: no reply, as in Redis
	}
	rc, ok := c.conn.(*rconn)
	if c.inExec || !ok || !rc.goroutine {
		cx.Error(monitor.MsgDenyBlocking)
		return
	}
	n := cx.Node
	o := c.out.Load()
	if o == nil {
		o = n.startOutbox(rc, c)
	}
	c.monitor.Store(true)
	cx.OK()
	n.flushNow(rc) // +OK before the first line
	m := &n.monitors
	m.mu.Lock()
	if m.set == nil {
		m.set = map[*client]*outbox.Queue{}
	}
	m.set[c] = o
	m.n.Store(int64(len(m.set)))
	m.mu.Unlock()
}

// dropMonitor ends client c's monitoring (RESET, or its connection
// closed).
func (n *Node) dropMonitor(c *client) {
	if !c.monitor.Load() {
		return
	}
	m := &n.monitors
	m.mu.Lock()
	delete(m.set, c)
	m.n.Store(int64(len(m.set)))
	m.mu.Unlock()
	c.monitor.Store(false)
}

// monitorDenied returns the error of a command a monitor may not run
// (internal/monitor), or "".
func monitorDenied(c *client, spec *command.Spec) string {
	if !c.monitor.Load() {
		return ""
	}
	return monitor.Denied(spec)
}

// feedMonitors sends the command line args that client c has just run
// (before it runs, for a SkipMonitor command: before is set then) to
// every monitor.
func (n *Node) feedMonitors(c *client, spec *command.Spec, args [][]byte, before bool) {
	if before != spec.Has(command.SkipMonitor) || !monitor.Shown(spec, args) || namesScratch(c, spec, args) {
		return
	}
	line := monitorLine(time.Now(), c, args)
	m := &n.monitors
	m.mu.RLock()
	defer m.mu.RUnlock()
	for mc, o := range m.set {
		if mc == c {
			// The monitor's own command: its reply goes out first.
			if rc, ok := c.conn.(*rconn); ok {
				n.flushNow(rc)
			}
		}
		c.deliv.push(o, line) // flushed once per event loop round (pubsub.go)
	}
}

// monitorLine renders one MONITOR line of client c (internal/monitor).
func monitorLine(now time.Time, c *client, args [][]byte) []byte {
	source := c.addr
	if c.script {
		source = "lua"
	}
	return monitor.Line(now, source, args)
}
