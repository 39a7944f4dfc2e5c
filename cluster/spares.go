package cluster

import "slices"

// Spares in the map.
//
// The map's nodes are the voters of the majority rule
// (Config.RequireMajority): a member serves and decides only while it is
// in touch with more than half of them. A node whose shards failed over
// comes back owning nothing, because its shards got new replicas
// meanwhile; if the map then dropped it, three data nodes would vote as two, and the next
// cut-off node would leave neither side a majority: no failover until the
// partition heals, and every slot down on both sides. Redis Cluster keeps
// a failed-over primary as a replica of its shard, so the masters that
// vote stay as many. vcache keeps every alive data node that holds no role
// in the map as a spare: it votes, the placer may use it, and it leaves
// the map when it fails.

// keepSpares adds every alive data node that holds no role to l as a
// spare, so the next map lists it.
func (l *layout) keepSpares(alive map[NodeID]Member) {
	for id, m := range alive {
		if m.Role != RoleNode || l.hosts(id) {
			continue
		}
		if l.spares == nil {
			l.spares = map[NodeID]bool{}
		}
		l.spares[id] = true
		l.nodes[id] = m
	}
}

// hosts reports whether a shard of l names node id.
func (l *layout) hosts(id NodeID) bool {
	return slices.ContainsFunc(l.shards, func(s Shard) bool { return s.hosts(id) })
}

// hostsRole reports whether a shard of m names node id.
func (m *Map) hostsRole(id NodeID) bool {
	return slices.ContainsFunc(m.shards, func(s Shard) bool { return s.hosts(id) })
}
