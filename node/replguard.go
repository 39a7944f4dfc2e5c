package node

import (
	"errors"
	"fmt"

	"github.com/vcache/vcache/cluster"
)

// Guards of a full sync. A full sync replaces the replica's copy of a
// shard with the primary's, so it must only ever come from the run of the
// primary that the shard map names. A primary process that restarted
// (a new boot id in its gossip meta) holds at best its last snapshot: the
// writes acknowledged after that snapshot, and those of the moment it
// stopped, are on the replica only. The coordinator treats such a node as
// failed and promotes the replica (cluster.Member.Boot); until its new map
// arrives:
//
//   - the restarted node refuses VCACHE.SYNC (its map names its earlier
//     run, or it has no map yet, or another node leads the shard);
//   - a replica starts no link to a primary whose alive run differs from
//     the one the map records, and refuses a +FULLRESYNC whose replication
//     id changed while the map epoch did not (the primary restarted at the
//     same address before gossip told this node), keeping its copy.

// errPrimaryRestarted is why a replica refuses a full sync from a primary
// that restarted: it keeps its copy until the map moves the shard.
var errPrimaryRestarted = errors.New("the primary restarted since the shard map named it; keeping this copy until the map moves the shard")

// primaryRestarted reports whether node id, as alive in m's view, is a
// later run of its process than the one m records.
func primaryRestarted(m *cluster.Map, id cluster.NodeID) bool {
	rec, ok := m.Node(id)
	cur, alive := m.Member(id)
	return ok && alive && rec.Boot != 0 && cur.Boot != 0 && rec.Boot != cur.Boot
}

// syncRefusal returns the error a VCACHE.SYNC gets on a clustered node
// that must not serve it as the shard's primary ("" when it may).
func (n *Node) syncRefusal(req syncRequest) string {
	if n.cfg.Cluster == nil {
		return ""
	}
	cl := n.cl.Load()
	if cl == nil {
		return "TRYAGAIN not in the cluster yet"
	}
	m := cl.Map()
	if m.Epoch() == 0 {
		return "TRYAGAIN no shard map yet"
	}
	self := cl.Self()
	if rec, ok := m.Node(self); ok && rec.Boot != 0 && rec.Boot != cl.Boot() {
		return "TRYAGAIN Node restarted, waiting for the shard map to move its shards"
	}
	if req.shard == "" {
		return ""
	}
	for _, s := range m.Shards() {
		if s.ID.String() == req.shard {
			if s.Primary != self {
				return fmt.Sprintf("TRYAGAIN not the primary of shard %s (map epoch %d)", req.shard, m.Epoch())
			}
			return ""
		}
	}
	return fmt.Sprintf("TRYAGAIN no shard %s in this node's map (epoch %d)", req.shard, m.Epoch())
}

// fullSyncRefusal checks, on a replica, a +FULLRESYNC with replication id
// replID before the link drops its copy of the shard; nil means go on.
func (n *Node) fullSyncRefusal(l *primaryLink, replID string) error {
	cl := n.cl.Load()
	if cl == nil {
		return nil
	}
	m := cl.Map()
	s, ok := m.Shard(l.shard)
	if !ok || s.Primary != l.primary {
		return fmt.Errorf("the shard map (epoch %d) no longer names %s primary of shard %s", m.Epoch(), l.primary, l.shard)
	}
	if primaryRestarted(m, l.primary) {
		return errPrimaryRestarted
	}
	if l.histID != "" && replID != l.histID && m.Epoch() == l.histEpoch {
		return fmt.Errorf("%w (its replication id changed at map epoch %d)", errPrimaryRestarted, m.Epoch())
	}
	return nil
}

// noteHistory records, at an acknowledged offset, whose history the link
// holds and under which map epoch.
func (n *Node) noteHistory(l *primaryLink, replID string) {
	l.histID = replID
	if cl := n.cl.Load(); cl != nil {
		l.histEpoch = cl.Map().Epoch()
	}
}
