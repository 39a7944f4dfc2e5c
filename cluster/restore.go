package cluster

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrNoMap is returned by MarshalBinary for a member that has no shard map
// yet.
var ErrNoMap = errors.New("cluster: no shard map yet")

// MarshalBinary returns the map's encoding, as gossip sends it, for a node
// to keep in its snapshot; UnmarshalMap reads it back. The member's view
// (who is alive now) is not part of it.
func (m *Map) MarshalBinary() ([]byte, error) {
	if m == nil || m.epoch == 0 {
		return nil, ErrNoMap
	}
	return slices.Clone(m.encoded), nil
}

// UnmarshalMap reads a map written by MarshalBinary. It does not alias b.
func UnmarshalMap(b []byte) (*Map, error) {
	msg, err := decodeMessage(b)
	if err != nil {
		return nil, err
	}
	mm, ok := msg.(mapMsg)
	if !ok || mm.m.epoch == 0 {
		return nil, fmt.Errorf("%w: not a shard map", errDecode)
	}
	return mm.m, nil
}

// restore makes the first map of a cluster that restarted as a whole from
// the map this node saved (Config.Restore): the same shards, slots,
// primaries and replicas, on the same nodes (by name) at their new
// addresses, so each node serves again what its snapshot holds. It waits
// for every node the saved map names, up to RestoreWait; then the shards
// of nodes still missing fail over to their replicas, as they would in a
// running cluster. Migrations under way at the save are abandoned (their
// source still holds the slots). It reports whether it decided (or is
// waiting); false means there is nothing to restore.
func (c *Cluster) restore(alive map[NodeID]Member, now time.Time, top uint64) bool {
	saved := c.cfg.Restore
	if saved == nil || saved.epoch == 0 {
		return false
	}
	ls := c.loop
	if ls.restoreSince.IsZero() {
		ls.restoreSince = now
	}
	failed := map[NodeID]failure{}
	for _, n := range saved.nodes {
		if _, ok := alive[n.ID]; !ok {
			failed[n.ID] = failure{at: ls.restoreSince}
		}
	}
	if len(failed) > 0 && (now.Sub(ls.restoreSince) < c.cfg.RestoreWait || len(alive) < c.cfg.BootstrapExpect) {
		return true
	}
	aliveList := sortedMembers(alive)
	p := c.cfg.Policy()
	l := saved.edit()
	for _, g := range saved.migrations {
		l.abortMigration(g.ID)
	}
	l.refreshNodes(alive)
	if len(failed) > 0 {
		l.handleFailures(failed, newPlacer(p, aliveList, ls.loads, l), now, c.emit, nil)
	}
	l.fillReplicas(newPlacer(p, aliveList, ls.loads, l), c.cfg.Replicas)
	if c.install(l, max(top, saved.epoch)+1) {
		detail := fmt.Sprintf("restored the saved shard map (epoch %d): %d shards over %d nodes", saved.epoch, len(l.shards), len(saved.nodes)-len(failed))
		if len(failed) > 0 {
			detail += fmt.Sprintf("; %d saved nodes did not come back within %s", len(failed), c.cfg.RestoreWait)
		}
		c.emit(EventBootstrap, 0, detail, now.Sub(ls.restoreSince))
	}
	return true
}
