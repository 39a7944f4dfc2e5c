package node

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tidwall/redcon"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/resp"
)

// Replication, replica side. The node follows the shard map: for every
// shard it is a replica of, one primaryLink goroutine connects to the
// shard's primary, asks for its slots (VCACHE.SYNC), applies what comes
// (a full sync first, or a continuation after a short break) and
// acknowledges offsets. When the shard's primary or slots change, or the
// node stops being its replica, the link stops; a new one starts for the
// new shape. Slots migrating into a shard this node leads are not
// replicated meanwhile: the migration brings them.

// primaryLink is one shard this node replicates.
type primaryLink struct {
	key     string // shard, primary address and ranges: a change makes a new link
	shard   cluster.ShardID
	primary cluster.NodeID
	addr    string
	ranges  []cluster.SlotRange
	cancel  context.CancelFunc
	done    chan struct{}
	up      atomic.Bool
	syncing atomic.Bool
	synced  atomic.Bool // a full sync has completed on this link (and no other began since)
	copy    *shardCopy  // the node's record of the shard (replcopy.go)
	offset  atomic.Uint64
	lastIO  atomic.Int64 // unix nanoseconds
	replID  string       // the primary's id for offset, touched by the link goroutine only
	// histID is the replication id of the last history this link
	// acknowledged, and histEpoch the map epoch then (replguard.go);
	// touched by the link goroutine only.
	histID    string
	histEpoch uint64
	// mark is the link's last handoverMark (handover_continue.go);
	// markShown says it is in the node's marks (link goroutine only).
	mark      atomic.Pointer[handoverMark]
	markShown bool
	lead      leadCheck // link goroutine only (handover_continue.go)
}

// followMap starts and stops primary links for map m.
func (n *Node) followMap(ctx context.Context, m *cluster.Map, self cluster.NodeID) {
	if m.Down() {
		// Cut off from most of the cluster: keep what runs until the map
		// says otherwise.
		return
	}
	want := map[string]*primaryLink{}
	{
		_, replica := m.ShardsOf(self)
		for _, s := range replica {
			if !m.Alive(s.Primary) || primaryRestarted(m, s.Primary) {
				// A restarted primary lost what its snapshot lacks: wait
				// for the map that promotes this copy (replguard.go).
				continue
			}
			addr := m.Addr(s.Primary)
			ranges := n.replicatedRanges(m, s, self)
			if addr == "" || len(ranges) == 0 {
				continue
			}
			l := &primaryLink{shard: s.ID, primary: s.Primary, addr: addr, ranges: ranges}
			l.key = fmt.Sprintf("%s@%s:%s", s.ID, addr, formatRanges(ranges))
			want[l.key] = l
		}
	}
	n.repl.mu.Lock()
	{
		_, replica := m.ShardsOf(self)
		n.forgetCopies(replica)
	}
	for _, l := range want {
		fresh := n.repl.copies[l.shard] == nil
		l.copy = n.copyOf(l.shard)
		if fresh {
			n.handOverCopy(l.copy, l.ranges)
		}
	}
	var stopped []*primaryLink
	for k, l := range n.repl.links {
		if _, ok := want[k]; !ok {
			delete(n.repl.links, k)
			stopped = append(stopped, l)
		}
	}
	var started []*primaryLink
	for k, l := range want {
		if _, ok := n.repl.links[k]; !ok {
			started = append(started, l)
			n.repl.links[k] = l
		}
	}
	n.repl.mu.Unlock()
	for _, l := range stopped {
		l.cancel()
		<-l.done
		n.log.Info("replication link stopped", "shard", l.shard, "primary", l.addr)
	}
	for _, l := range started {
		for _, old := range stopped {
			if continueLink(l, old) {
				n.log.Info("replication link continues on fewer slots", "shard", l.shard, "primary", l.addr, "offset", l.offset.Load())
				break
			}
			if n.handOverGrown(l, old) {
				n.log.Info("replica copy grows by slots handed over by a merge by promotion", "shard", l.shard, "primary", l.addr)
				break
			}
		}
	}
	if lost := n.lostLead(m, self); len(stopped) > 0 || lost {
		n.dropStale(m, self)
	}
	for _, l := range started {
		lctx, cancel := context.WithCancel(ctx)
		l.cancel, l.done = cancel, make(chan struct{})
		if !n.goBackground(func(context.Context) { defer close(l.done); n.runLink(lctx, l) }) {
			cancel()
			close(l.done)
		}
	}
}

// replicatedRanges returns the slots of s this node should copy from its
// primary: all of them except those migrating into a shard this node leads
// by copy (a split by promotion of this node needs them streamed to the end).
func (n *Node) replicatedRanges(m *cluster.Map, s cluster.Shard, self cluster.NodeID) []cluster.SlotRange {
	var slots []int
	for _, slot := range cluster.SlotsIn(s.Slots) {
		if g, ok := m.MigrationOf(slot); ok && g.Method != cluster.MethodPromote {
			if to, ok := m.Shard(g.To); ok && to.Primary == self {
				continue
			}
		}
		slots = append(slots, slot)
	}
	return cluster.RangesOf(slots)
}

// dropStale deletes the keys of slots this node neither serves, nor
// replicates, nor is moving: copies left by a link that stopped.
func (n *Node) dropStale(m *cluster.Map, self cluster.NodeID) {
	var drop []int
	for s := 0; s < keyslot.Count; s++ {
		if n.mig.paused[s].Load() || n.mig.logging[s].Load() {
			continue
		}
		if owner, ok := m.Owner(s); ok && (owner.Primary == self || m.IsReplica(s, self)) {
			continue
		}
		if g, ok := m.MigrationOf(s); ok {
			if to, ok := m.Shard(g.To); ok && to.Primary == self {
				continue
			}
		}
		if n.ks.CountKeysInSlot(s) > 0 {
			drop = append(drop, s)
		}
	}
	if len(drop) > 0 {
		k := n.ks.DropSlots(drop)
		n.log.Info("dropped stale replica keys", "slots", len(drop), "keys", k)
	}
}

// stopLinks stops every primary link (the node is shutting down or
// leaving the cluster).
func (n *Node) stopLinks() {
	n.repl.mu.Lock()
	links := n.repl.links
	n.repl.links = map[string]*primaryLink{}
	n.repl.mu.Unlock()
	for _, l := range links {
		l.cancel()
		<-l.done
	}
}

// runLink keeps one link streaming until ctx ends, reconnecting with a
// growing pause after errors.
func (n *Node) runLink(ctx context.Context, l *primaryLink) {
	const firstPause = 50 * time.Millisecond
	pause, failures := firstPause, 0
	for ctx.Err() == nil {
		err := n.streamFrom(ctx, l)
		wasUp := l.up.Swap(false)
		l.syncing.Store(false)
		if ctx.Err() != nil {
			return
		}
		if wasUp {
			pause, failures = firstPause, 0
		}
		// Say it once; a primary that is gone (until the map moves on)
		// would otherwise fill the log.
		if failures++; failures == 1 {
			n.log.Warn("replication link broken; retrying", "shard", l.shard, "primary", l.addr, "err", err, "in", pause)
		} else {
			n.log.Debug("replication link still broken; retrying", "shard", l.shard, "primary", l.addr, "err", err, "in", pause)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 2*time.Second)
	}
}

// streamFrom runs one connection of a link.
func (n *Node) streamFrom(ctx context.Context, l *primaryLink) error {
	conn, err := n.dialPeer(ctx, l.addr, 2*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	rd := bufio.NewReaderSize(conn, 1<<16)
	w := bufio.NewWriter(conn)
	if pass := n.config().RequirePass; pass != "" {
		w.Write(appendRESP(nil, [][]byte{[]byte("AUTH"), []byte(pass)}))
		w.Flush()
		if line, err := readLine(rd); err != nil || !strings.HasPrefix(line, "+") {
			return fmt.Errorf("AUTH at primary: %q %v", line, err)
		}
	}
	replID, offset := "?", int64(-1)
	var replace [][]int // a handed-over copy's stripes, replaced by the sync's snapshots in order
	if l.replID != "" {
		replID, offset = l.replID, int64(l.offset.Load())
	} else if l.copy.handover.Load() && l.copy.pristine.Load() {
		if p := n.handoverPointFor(l.ranges); p != nil {
			replID, offset = handoverReplPrefix+p.id, int64(p.off)
		}
	}
	var self []byte
	if cl := n.cl.Load(); cl != nil {
		self = []byte(cl.Self())
	}
	w.Write(appendRESP(nil, [][]byte{[]byte("VCACHE.SYNC"), []byte(replID),
		strconv.AppendInt(nil, offset, 10), []byte(formatRanges(l.ranges)), []byte(l.shard.String()), self}))
	if err := w.Flush(); err != nil {
		return err
	}
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	line, err := readLine(rd)
	if err != nil {
		return err
	}
	switch f := strings.Fields(line); {
	case len(f) == 3 && f[0] == "+FULLRESYNC":
		off, err := strconv.ParseUint(f[2], 10, 64)
		if err != nil {
			return fmt.Errorf("bad reply %q", line)
		}
		if err := n.fullSyncRefusal(l, f[1]); err != nil {
			return err
		}
		// The link may continue from an offset only once the whole sync
		// has arrived (the first VCACHE.OFFSET).
		l.replID = ""
		l.syncing.Store(true)
		l.synced.Store(false)
		l.copy.pristine.Store(false)
		if l.copy.handover.Load() {
			// A whole copy from a split by promotion: replaced stripe by
			// stripe as the snapshots arrive (handover.go).
			var mask slotMask
			for _, s := range cluster.SlotsIn(l.ranges) {
				mask.set(s)
			}
			replace = syncStripes(&mask)
			n.log.Info("full sync from primary over the copy kept at a split by promotion", "shard", l.shard, "primary", l.addr, "offset", off)
		} else {
			l.copy.partial.Store(true)
			dropped := n.ks.DropSlots(cluster.SlotsIn(l.ranges))
			n.log.Info("full sync from primary", "shard", l.shard, "primary", l.addr, "offset", off, "stale keys dropped", dropped)
		}
		l.offset.Store(off)
		replID = f[1]
	case len(f) == 2 && f[0] == "+CONTINUE" && f[1] == l.replID:
		n.log.Info("replication continues", "shard", l.shard, "primary", l.addr, "offset", l.offset.Load())
	case len(f) == 3 && f[0] == "+CONTINUE" && strings.HasPrefix(replID, handoverReplPrefix):
		// Over the copy kept at a split by promotion
		// (handover_continue.go): from the promoted node's offset.
		off, err := strconv.ParseUint(f[2], 10, 64)
		if err != nil {
			return fmt.Errorf("bad reply %q", line)
		}
		l.copy.pristine.Store(false)
		l.replID, replID = f[1], f[1]
		l.offset.Store(off)
		n.log.Info("replication continues over the copy kept at a split by promotion", "shard", l.shard, "primary", l.addr, "offset", off)
	default:
		return fmt.Errorf("primary answered %q", line)
	}
	l.up.Store(true)
	return n.applyStream(ctx, conn, rd, w, l, replID, replace)
}

// applyStream runs the commands of the stream and acknowledges offsets.
// replace lists the stripes of a handed-over copy that the sync's
// snapshots replace, in the order they come.
func (n *Node) applyStream(ctx context.Context, conn net.Conn, rd *bufio.Reader, w *bufio.Writer, l *primaryLink, replID string, replace [][]int) error {
	c := &client{authed: true}
	c.cx = Ctx{Node: n, cl: c, w: redcon.NewWriter(io.Discard)}
	rr := resp.NewCommandReader(rd, 0)
	var mask slotMask
	for _, s := range cluster.SlotsIn(l.ranges) {
		mask.set(s)
	}
	for ctx.Err() == nil {
		conn.SetReadDeadline(time.Now().Add(10 * replPing))
		cmds, err := rr.ReadCommands()
		if err != nil {
			return err
		}
		l.lastIO.Store(time.Now().UnixNano())
		acked := false
		for _, cmd := range cmds {
			args := cmd.Args
			switch {
			case len(args) == 0:
				continue
			case len(args) == 2 && strings.EqualFold(string(args[0]), "vcache.offset"):
				off, err := strconv.ParseUint(string(args[1]), 10, 64)
				if err != nil {
					return errors.New("bad VCACHE.OFFSET")
				}
				l.offset.Store(off)
				l.replID = replID
				n.noteHistory(l, replID)
				n.noteHandoverMark(l, replID, off)
				l.syncing.Store(false)
				l.synced.Store(true)
				l.copy.offset.Store(off)
				l.copy.partial.Store(false)
				l.copy.handover.Store(false)
				replace = nil
				acked = true
				continue
			case len(replace) > 0 && strings.EqualFold(string(args[0]), "vcache.import"):
				// The next stripe of a handed-over copy: its keys give
				// way to the snapshot's.
				n.ks.DropSlots(replace[0])
				replace = replace[1:]
			case strings.EqualFold(string(args[0]), "flushall") || strings.EqualFold(string(args[0]), "flushdb"):
				// The primary's keyspace was emptied: empty the copy of its
				// slots only, not this node's own shards.
				n.ks.DropSlots(mask.slots())
				continue
			case strings.EqualFold(string(args[0]), handoverFrame):
				// A cutover of the primary is under way: keep a backlog
				// from now on, so that this node, if promoted, can be
				// continued from (handover_continue.go).
				n.repl.log.turnOn()
				continue
			case strings.EqualFold(string(args[0]), "function"):
				// Applied without being logged again for this node's own
				// replicas (two nodes replicating to each other would
				// echo it back and forth).
				n.applyFunction(args)
				continue
			}
			e := n.lookup(args[0])
			if e == nil || !e.spec.ArityOK(len(args)) {
				continue
			}
			c.cx.Args, c.cx.spec = args, e.spec
			e.handler(&c.cx)
			n.trackApplied(e.spec, args)
			c.cx.Args = nil
		}
		if acked {
			w.Write(appendRESP(nil, [][]byte{[]byte("REPLCONF"), []byte("ACK"), strconv.AppendUint(nil, l.offset.Load(), 10)}))
			if err := w.Flush(); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// readLine reads one reply line without its CRLF.
func readLine(rd *bufio.Reader) (string, error) {
	line, err := rd.ReadString('\n')
	return strings.TrimRight(line, "\r\n"), err
}
