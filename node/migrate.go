package node

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/redcon"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
)

// Slot migration, source side. The node starts logging the writes to the
// moving slots, snapshots them (writes to them wait for that), and copies
// the snapshot to the target with VCACHE.IMPORT while writes go on and are
// logged. Then it pauses writes to the slots (they answer -TRYAGAIN, which
// the proxy and cluster clients retry), sends the log with VCACHE.APPLY,
// and returns; the cluster then gives the slots to the target. When this
// node sees that map it drops the moved keys and lifts the pause, so
// retried writes meet -MOVED and follow the keys. Reads are served here
// until the flip. The cluster runs one migration at a time, and a node
// runs one Migrate at a time (lockRun), so one log serves.

// migrationState is per slot: pause and logging flags and in-flight write
// counts, and the log of writes to logging slots.
type migrationState struct {
	paused [keyslot.Count]atomic.Bool
	// pausedBy is the ID of the migration that paused the slot: the
	// epoch of the first map that shows it. Only a map at least that new
	// can say the migration has ended; an older one, which the map
	// watcher may act on late, must leave the pause alone.
	pausedBy [keyslot.Count]atomic.Uint64
	logging  [keyslot.Count]atomic.Bool
	inflight [keyslot.Count]atomic.Int32
	// promoted marks slots a split by promotion paused (promote.go):
	// once handed over, their pause ends before their keys are dropped.
	promoted [keyslot.Count]atomic.Bool

	// logMu guards log; a write to a logging slot holds it while it runs,
	// so the log is in execution order.
	logMu sync.Mutex
	log   bytes.Buffer

	// run, made once by runOnce, holds a token while a Migrate runs
	// (lockRun).
	runOnce sync.Once
	run     chan struct{}
}

// lockRun waits until no other Migrate runs on this node, or ctx ends,
// and returns the function that lets the next one in. The cluster
// starts one migration at a time, but a run it abandoned (a timeout, a
// new source primary) may still be unwinding when the next one on the
// same slots starts: its cleanup would then clear the logging and pause
// flags of the new run, whose writes during the copy would go unlogged
// and be lost at the flip. The same holds for the cutover of a split by
// promotion.
func (m *migrationState) lockRun(ctx context.Context) (unlock func(), err error) {
	m.runOnce.Do(func() { m.run = make(chan struct{}, 1) })
	select {
	case m.run <- struct{}{}:
		return func() { <-m.run }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// appendCommand appends args to b in RESP.
func appendCommand(b *bytes.Buffer, args [][]byte) {
	fmt.Fprintf(b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(b, "$%d\r\n", len(a))
		b.Write(a)
		b.WriteString("\r\n")
	}
}

// importBatch is how many slots one VCACHE.IMPORT carries.
const importBatch = 128

// Migrate copies t's slots to the target node. It implements
// cluster.Migrator.
func (n *Node) Migrate(ctx context.Context, t cluster.MigrationTask) (err error) {
	unlock, err := n.mig.lockRun(ctx)
	if err != nil {
		return err
	}
	defer unlock() // after the cleanup below: the next run starts clean
	if t.Method == cluster.MethodPromote {
		return n.promoteCutover(ctx, t)
	}
	slots := cluster.SlotsIn(t.Slots)
	start := time.Now()
	for _, s := range slots {
		n.mig.logging[s].Store(true)
	}
	defer func() {
		for _, s := range slots {
			n.mig.logging[s].Store(false)
			if err != nil {
				n.mig.paused[s].Store(false)
			}
		}
	}()
	// Writes that started before logging did finish first.
	if err := n.drainWrites(ctx, slots); err != nil {
		return err
	}
	if a := n.Addr(); a != nil && a.String() == t.TargetAddr {
		// The new shard lives on this node too: the keys are already here.
		n.pauseSlots(slots, t.ID)
		n.log.Info("slots stay on this node", "slots", len(slots), "took", time.Since(start))
		return nil
	}
	// The snapshot and the start of the log are one point in time.
	var batches [][]byte
	keys := 0
	n.mig.logMu.Lock()
	for i := 0; i < len(slots) && err == nil; i += importBatch {
		batch := slots[i:min(i+importBatch, len(slots))]
		for _, s := range batch {
			keys += n.ks.CountKeysInSlot(s)
		}
		var buf bytes.Buffer
		err = n.ks.WriteSlots(&buf, batch)
		batches = append(batches, buf.Bytes())
	}
	n.mig.log.Reset()
	n.mig.logMu.Unlock()
	if err != nil {
		return err
	}
	conn, err := n.dialPeer(ctx, t.TargetAddr, 5*time.Second)
	if err != nil {
		return fmt.Errorf("migration to %s: %w", t.TargetAddr, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	rd := bufio.NewReader(conn)
	call := func(args ...[]byte) error {
		var b bytes.Buffer
		fmt.Fprintf(&b, "*%d\r\n", len(args))
		for _, a := range args {
			fmt.Fprintf(&b, "$%d\r\n", len(a))
			b.Write(a)
			b.WriteString("\r\n")
		}
		conn.SetDeadline(time.Now().Add(60 * time.Second))
		if _, err := conn.Write(b.Bytes()); err != nil {
			return err
		}
		line, err := rd.ReadString('\n')
		if err != nil {
			return err
		}
		if !strings.HasPrefix(line, "+") && !strings.HasPrefix(line, ":") {
			return errors.New(strings.TrimSpace(strings.TrimPrefix(line, "-")))
		}
		return nil
	}
	if pass := n.config().RequirePass; pass != "" {
		if err := call([]byte("AUTH"), []byte(pass)); err != nil {
			return fmt.Errorf("migration: AUTH at %s: %w", t.TargetAddr, err)
		}
	}
	// The target may be a node that has never seen the FT indexes (it
	// joined after they were made): give it their definitions first, so
	// it indexes the documents as they arrive.
	for _, args := range n.ftCreateCommands() {
		if err := call(args...); err != nil {
			n.log.Warn("migration: FT.CREATE at the target", "index", string(args[1]), "target", t.TargetAddr, "err", err)
		}
	}
	for _, args := range n.searchStateCommands() {
		if err := call(args...); err != nil {
			n.log.Warn("migration: search state at the target", "command", string(args[0]), "target", t.TargetAddr, "err", err)
		}
	}
	// The copy yields to this node's clients (copyrate.go).
	snapshot := time.Since(start)
	pacer := n.newCopyPacer(fmt.Sprintf("%s: %d slots of shard %d to shard %d (%s)", t.Kind, len(slots), t.From, t.To, t.TargetAddr))
	for _, b := range batches {
		if err := call([]byte("VCACHE.IMPORT"), b); err != nil {
			pacer.done()
			return fmt.Errorf("migration: import at %s: %w", t.TargetAddr, err)
		}
		if err := pacer.pace(ctx, len(b)); err != nil {
			pacer.done()
			return err
		}
	}
	took, summary := pacer.done()
	if t.Report != nil {
		t.Report(fmt.Sprintf("copy: %d keys of %d slots to %s: %s; snapshot %s", keys, len(slots), t.TargetAddr, summary,
			snapshot.Round(time.Millisecond)), took)
	}
	// Cutover: pause writes to the slots, take the log of the writes made
	// during the copy, and replay it on the target.
	pauseStart := time.Now()
	n.pauseSlots(slots, t.ID)
	n.mig.logMu.Lock()
	tail := append([]byte(nil), n.mig.log.Bytes()...)
	n.mig.log.Reset()
	n.mig.logMu.Unlock()
	if err := n.drainWrites(ctx, slots); err != nil {
		return err
	}
	if len(tail) > 0 {
		if err := call([]byte("VCACHE.APPLY"), tail); err != nil {
			return fmt.Errorf("migration: apply at %s: %w", t.TargetAddr, err)
		}
	}
	n.log.Info("write pause", "took", time.Since(pauseStart), "replayed bytes", len(tail))
	n.log.Info("slots copied", "slots", len(slots), "keys", keys, "to", t.TargetAddr, "took", time.Since(start))
	return nil
}

// pauseSlots refuses writes to slots (-TRYAGAIN) for the migration with
// the given ID until the map watcher sees a map that has ended it.
func (n *Node) pauseSlots(slots []int, id uint64) {
	for _, s := range slots {
		n.mig.pausedBy[s].Store(id)
		n.mig.paused[s].Store(true)
	}
}

// drainWrites waits until no unlogged write runs on slots.
func (n *Node) drainWrites(ctx context.Context, slots []int) error {
	for _, s := range slots {
		for n.mig.inflight[s].Load() != 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Millisecond):
			}
		}
	}
	return nil
}

// cmdVcacheApply runs the writes a migrating node logged during the copy, in
// order, whatever this node's map says of their slots (it is becoming
// their owner). Replies are discarded: a write that failed on the source
// fails the same way here.
func cmdVcacheApply(cx *Ctx) {
	n := cx.Node
	c := &client{authed: true}
	c.cx = Ctx{Node: n, cl: c, w: redcon.NewWriter(io.Discard)}
	rd := redcon.NewReader(bytes.NewReader(cx.Args[1]))
	applied := 0
	for {
		cmds, err := rd.ReadCommands()
		if err != nil {
			break
		}
		for _, cmd := range cmds {
			e := n.lookup(cmd.Args[0])
			if e == nil || !e.spec.ArityOK(len(cmd.Args)) {
				continue
			}
			c.cx.Args, c.cx.spec = cmd.Args, e.spec
			e.handler(&c.cx)
			applied++
		}
	}
	cx.Int(int64(applied))
}

// cmdVcacheImport loads a slot snapshot sent by a migrating node.
func cmdVcacheImport(cx *Ctx) {
	if err := cx.Node.ks.ReadSnapshot(bytes.NewReader(cx.Args[1])); err != nil {
		cx.Err(err)
		return
	}
	cx.OK()
}

// watchMap follows the shard map. A slot paused for a migration is
// released once the map no longer shows the migration: if another node
// now owns it, its keys are dropped here first; if this node still owns
// it (the migration was abandoned, or the new shard is also on this node)
// the keys stay.
func (n *Node) watchMap(ctx context.Context, cl *cluster.Cluster) {
	for m := range cl.Watch(ctx) {
		if h := n.watchHook.Load(); h != nil {
			(*h)(m)
		}
		self := cl.Self()
		n.followMap(ctx, m, self)
		var gone, kept []int
		for s := 0; s < keyslot.Count; s++ {
			if !n.mig.paused[s].Load() {
				continue
			}
			if _, moving := m.MigrationOf(s); moving || m.Epoch() < n.mig.pausedBy[s].Load() {
				// Still moving, or a map from before the migration
				// (taken before the pause, acted on after it).
				continue
			}
			if owner, ok := m.Owner(s); ok && owner.Primary != self {
				gone = append(gone, s)
			} else {
				kept = append(kept, s)
			}
		}
		var promoted []int
		gone = slices.DeleteFunc(gone, func(s int) bool {
			if n.mig.promoted[s].Load() {
				promoted = append(promoted, s)
				return true
			}
			return false
		})
		if len(promoted) > 0 {
			n.releasePromoted(promoted, m, self)
		}
		for _, s := range kept {
			n.mig.promoted[s].Store(false)
		}
		dropped := 0
		if len(gone) > 0 {
			dropped = n.ks.DropSlots(gone)
		}
		for _, s := range append(gone, kept...) {
			n.mig.paused[s].Store(false)
		}
		if len(gone)+len(kept) > 0 {
			n.log.Info("migration settled", "slots handed over", len(gone), "keys dropped", dropped,
				"slots kept", len(kept), "epoch", m.Epoch())
		}
	}
}

// owns reports whether this node serves key's slot (always true when
// standalone). FT.SEARCH uses it so a document being moved is counted by
// one node only.
func (n *Node) owns(key string) bool {
	cl := n.cl.Load()
	if cl == nil {
		return true
	}
	m := cl.Map()
	if m == nil {
		return false
	}
	serve, _ := m.Route(keyslot.OfString(key), cl.Self())
	return serve
}
