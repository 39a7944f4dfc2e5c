package cluster

import (
	"cmp"
	"slices"
)

// candidate is an alive data node as placement sees it.
type candidate struct {
	m       Member
	load    NodeLoad
	hasLoad bool
	roles   int // shard roles (primary or replica) it hosts
}

// placer chooses nodes for new shards and replicas. It is used by one
// goroutine and forgets everything after the decision it serves.
type placer struct {
	p     Policy
	cands map[NodeID]*candidate
}

// newPlacer sees the alive data nodes, their latest loads and the roles the
// layout gives them.
func newPlacer(p Policy, alive []Member, loads map[NodeID]NodeLoad, l *layout) *placer {
	pl := &placer{p: p, cands: make(map[NodeID]*candidate, len(alive))}
	for _, m := range alive {
		if m.Role != RoleNode {
			continue
		}
		ld, ok := loads[m.ID]
		pl.cands[m.ID] = &candidate{m: m, load: ld, hasLoad: ok}
	}
	for _, s := range l.shards {
		for _, id := range append([]NodeID{s.Primary}, s.Replicas...) {
			if c := pl.cands[id]; c != nil {
				c.roles++
			}
		}
	}
	return pl
}

// fits reports whether c can take one more shard role bringing addMem bytes
// and addCPU cores, and how full c would then be (the highest fraction of
// its role cap, memory and CPU).
func (pl *placer) fits(c *candidate, addMem uint64, addCPU float64) (ok bool, fullness float64) {
	ok = true
	if capRoles := pl.p.MaxShardsPerNode; capRoles > 0 {
		f := float64(c.roles+1) / float64(capRoles)
		ok = ok && c.roles+1 <= capRoles
		fullness = max(fullness, f)
	}
	if c.load.MemoryLimit > 0 {
		f := float64(c.load.MemoryUsed+addMem) / float64(c.load.MemoryLimit)
		ok = ok && f <= pl.p.ScaleAt
		fullness = max(fullness, f)
	}
	if c.load.CPUCores > 0 {
		f := (c.load.CPUUsed + addCPU) / c.load.CPUCores
		ok = ok && f <= pl.p.ScaleAt
		fullness = max(fullness, f)
	}
	return ok, fullness
}

// pick returns the node with room and most headroom among those accepted
// by keep, or "" if none. Nodes outside avoidZone (when set) come first;
// ties go to fewer roles, then to the name that sorts first.
func (pl *placer) pick(keep func(*candidate) bool, addMem uint64, addCPU float64, avoidZone string) NodeID {
	type scored struct {
		id       NodeID
		sameZone bool
		fullness float64
		roles    int
	}
	var best []scored
	for id, c := range pl.cands {
		if !keep(c) {
			continue
		}
		ok, f := pl.fits(c, addMem, addCPU)
		if !ok {
			continue
		}
		best = append(best, scored{id, avoidZone != "" && c.m.Zone == avoidZone, f, c.roles})
	}
	if len(best) == 0 {
		return ""
	}
	slices.SortFunc(best, func(a, b scored) int {
		if a.sameZone != b.sameZone {
			if a.sameZone {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.fullness, b.fullness), cmp.Compare(a.roles, b.roles), cmpString(a.id, b.id))
	})
	return best[0].id
}

// take records that id got a role bringing addMem and addCPU.
func (pl *placer) take(id NodeID, addMem uint64, addCPU float64) {
	if c := pl.cands[id]; c != nil {
		c.roles++
		c.load.MemoryUsed += addMem
		c.load.CPUUsed += addCPU
	}
}

// isSpare reports whether id is alive and hosts nothing.
func (pl *placer) isSpare(id NodeID) bool {
	c := pl.cands[id]
	return c != nil && c.roles == 0
}

// zoneOf returns the zone of an alive node.
func (pl *placer) zoneOf(id NodeID) string {
	if c := pl.cands[id]; c != nil {
		return c.m.Zone
	}
	return ""
}

// pickReplica returns a node with room for a replica of s, never one that
// already hosts s, preferring another zone than the primary's.
func (pl *placer) pickReplica(s *Shard, addMem uint64, addCPU float64) NodeID {
	return pl.pick(func(c *candidate) bool { return !s.hosts(c.m.ID) }, addMem, addCPU, pl.zoneOf(s.Primary))
}

// leastLoaded returns the alive node with the fewest roles, room or not
// ("" if there is none): a shard must have a primary even on a full node.
func (pl *placer) leastLoaded() NodeID {
	var best *candidate
	for _, c := range pl.cands {
		if best == nil || c.roles < best.roles || (c.roles == best.roles && c.m.ID < best.m.ID) {
			best = c
		}
	}
	if best == nil {
		return ""
	}
	return best.m.ID
}
