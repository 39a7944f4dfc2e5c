package cluster

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/memberlist"
)

// delegate is memberlist's Delegate. Its methods run on memberlist's
// goroutines: they never block, and they copy the bytes they keep.
type delegate struct{ c *Cluster }

// NodeMeta returns this member's meta (role, boot, RESP address, zone).
func (d *delegate) NodeMeta(limit int) []byte {
	if len(d.c.meta) > limit {
		return nil // Validate keeps the meta small; never reached
	}
	return d.c.meta
}

// NotifyMsg hands a copy of a gossip message to the loop, or drops it when
// the loop is behind (push/pull state syncs repair what is lost).
func (d *delegate) NotifyMsg(b []byte) {
	d.c.received.Add(1)
	if len(b) > 0 && (b[0] == msgLeaseProbe || b[0] == msgLeaseAck) {
		d.c.takeLeasePacket(b, time.Now()) // small, and handled at once (fence.go)
		return
	}
	d.c.deliver(bytes.Clone(b))
}

// GetBroadcasts returns queued broadcasts.
func (d *delegate) GetBroadcasts(overhead, limit int) [][]byte {
	return d.c.queue.GetBroadcasts(overhead, limit)
}

// LocalState returns the full shard map for a push/pull sync.
func (d *delegate) LocalState(join bool) []byte {
	return d.c.cur.Load().encoded
}

// MergeRemoteState hands the remote member's map to the loop.
func (d *delegate) MergeRemoteState(buf []byte, join bool) {
	if len(buf) > 0 {
		d.c.deliver(bytes.Clone(buf))
	}
}

func (c *Cluster) deliver(b []byte) {
	select {
	case c.inbox <- inbound{b, time.Now()}:
	default:
		c.dropped.Add(1)
	}
}

// eventDelegate receives membership events (EventDelegate), name conflicts
// (ConflictDelegate) and alive messages (AliveDelegate). memberlist calls it
// with its own locks held: it only updates the member table.
type eventDelegate struct{ c *Cluster }

// NotifyJoin records a member that joined.
func (e *eventDelegate) NotifyJoin(n *memberlist.Node) { e.c.memberUp(n) }

// NotifyUpdate records a member whose meta changed (a restart).
func (e *eventDelegate) NotifyUpdate(n *memberlist.Node) { e.c.memberUp(n) }

// NotifyLeave records a member that left or failed.
func (e *eventDelegate) NotifyLeave(n *memberlist.Node) {
	c := e.c
	c.memMu.Lock()
	if r, ok := c.members[NodeID(n.Name)]; ok {
		r.at = time.Now()
		c.failed[r.ID] = r
		delete(c.members, r.ID)
	}
	c.memMu.Unlock()
	c.signalMembers()
}

// NotifyConflict notes that another process claims a member's name.
func (e *eventDelegate) NotifyConflict(existing, other *memberlist.Node) {
	c := e.c
	c.log.Error("two members use one name", "name", existing.Name, "addr", existing.Address(), "other", other.Address())
	if existing.Name == c.cfg.Name {
		c.memMu.Lock()
		c.conflict = other.Address()
		c.memMu.Unlock()
	}
}

// NotifyAlive refuses members that do not carry vcache meta.
func (e *eventDelegate) NotifyAlive(n *memberlist.Node) error {
	_, err := memberOf(n)
	return err
}

func (c *Cluster) memberUp(n *memberlist.Node) {
	m, err := memberOf(n)
	if err != nil {
		return
	}
	r := memberRec{Member: m, ip: append([]byte(nil), n.Addr...), port: n.Port, at: time.Now()}
	c.memMu.Lock()
	c.members[m.ID] = r
	delete(c.failed, m.ID)
	c.memMu.Unlock()
	c.signalMembers()
}

func (c *Cluster) signalMembers() {
	select {
	case c.memberCh <- struct{}{}:
	default:
	}
}

// broadcast queues msg for gossip; a queued message with the same name is
// replaced.
func (c *Cluster) broadcast(name string, msg []byte) {
	c.sent.Add(1)
	c.queue.QueueBroadcast(&broadcast{name: name, msg: msg})
}

// broadcast is one message in memberlist's transmit-limited queue.
type broadcast struct {
	name string
	msg  []byte
}

func (b *broadcast) Invalidates(o memberlist.Broadcast) bool {
	ob, ok := o.(*broadcast)
	return ok && ob.name == b.name
}
func (b *broadcast) Name() string    { return b.name }
func (b *broadcast) Message() []byte { return b.msg }
func (b *broadcast) Finished()       {}

// logWriter turns memberlist's log lines ("[WARN] memberlist: ...") into
// slog records. Once the member is stopping, memberlist's own timers may
// still send on the sockets its Shutdown has closed (it closes them before
// it stops the timers); those failures are logged at debug level.
type logWriter struct {
	log      *slog.Logger
	stopping *atomic.Bool
}

func (w *logWriter) Write(p []byte) (int, error) {
	line := string(bytes.TrimSpace(p))
	level := slog.LevelInfo
	for prefix, l := range map[string]slog.Level{"[DEBUG]": slog.LevelDebug, "[WARN]": slog.LevelWarn, "[ERR]": slog.LevelError} {
		if len(line) >= len(prefix) && line[:len(prefix)] == prefix {
			level = l
		}
	}
	if w.stopping != nil && w.stopping.Load() && strings.Contains(line, "use of closed network connection") {
		level = slog.LevelDebug
	}
	w.log.Log(context.Background(), level, line)
	return len(p), nil
}

// node returns the memberlist address of a member record.
func (r memberRec) node() *memberlist.Node {
	return &memberlist.Node{Name: string(r.ID), Addr: r.ip, Port: r.port}
}
