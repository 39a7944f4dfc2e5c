package node

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
)

// Slot migration, source side. The node pauses writes to the moving slots
// (they answer -TRYAGAIN, which the proxy and cluster clients retry), waits
// for writes already running on them, copies the slots to the target with
// VCACHE.IMPORT in batches, and returns; the cluster then gives the slots to
// the target. When this node sees that map it drops the moved keys and lifts
// the pause, so retried writes meet -MOVED and follow the keys. Reads keep
// being served from here until the flip.

// migrationState is per slot: pause flags and in-flight write counts.
type migrationState struct {
	paused   [keyslot.Count]atomic.Bool
	inflight [keyslot.Count]atomic.Int32
}

// importBatch is how many slots one VCACHE.IMPORT carries.
const importBatch = 128

// Migrate copies t's slots to the target node. It implements
// cluster.Migrator.
func (n *Node) Migrate(ctx context.Context, t cluster.MigrationTask) (err error) {
	slots := cluster.SlotsIn(t.Slots)
	start := time.Now()
	for _, s := range slots {
		n.mig.paused[s].Store(true)
	}
	defer func() {
		if err != nil {
			for _, s := range slots {
				n.mig.paused[s].Store(false)
			}
		}
	}()
	// Writes that passed the pause check before it was set finish first.
	for _, s := range slots {
		for n.mig.inflight[s].Load() != 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Millisecond):
			}
		}
	}
	if a := n.Addr(); a != nil && a.String() == t.TargetAddr {
		// The new shard lives on this node too: the keys are already here.
		n.log.Info("slots stay on this node", "slots", len(slots), "took", time.Since(start))
		return nil
	}
	conn, err := (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, "tcp", t.TargetAddr)
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
		if !strings.HasPrefix(line, "+") {
			return errors.New(strings.TrimSpace(strings.TrimPrefix(line, "-")))
		}
		return nil
	}
	if pass := n.config().RequirePass; pass != "" {
		if err := call([]byte("AUTH"), []byte(pass)); err != nil {
			return fmt.Errorf("migration: AUTH at %s: %w", t.TargetAddr, err)
		}
	}
	keys := 0
	for i := 0; i < len(slots); i += importBatch {
		batch := slots[i:min(i+importBatch, len(slots))]
		for _, s := range batch {
			keys += n.ks.CountKeysInSlot(s)
		}
		var buf bytes.Buffer
		if err := n.ks.WriteSlots(&buf, batch); err != nil {
			return err
		}
		if err := call([]byte("VCACHE.IMPORT"), buf.Bytes()); err != nil {
			return fmt.Errorf("migration: import at %s: %w", t.TargetAddr, err)
		}
	}
	n.log.Info("slots copied", "slots", len(slots), "keys", keys, "to", t.TargetAddr, "took", time.Since(start))
	return nil
}

// cmdImport loads a slot snapshot sent by a migrating node.
func cmdImport(cx *Ctx) {
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
		self := cl.Self()
		var gone, kept []int
		for s := 0; s < keyslot.Count; s++ {
			if !n.mig.paused[s].Load() {
				continue
			}
			if _, moving := m.MigrationOf(s); moving {
				continue
			}
			if owner, ok := m.Owner(s); ok && owner.Primary != self {
				gone = append(gone, s)
			} else {
				kept = append(kept, s)
			}
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
