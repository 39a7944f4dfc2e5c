package cluster

import "slices"

// The flip of a split by promotion leaves no acknowledged write on one
// node alone. Until the flip, the old primary and the promoted replica
// both hold every key of the shard, the moving half identical on both
// (writes to it paused until the replica reached the primary's offset).
// So at the flip each keeps the other's half as its replica:
//
//   - the old primary becomes a replica of the new shard at once. Its
//     copy is whole as of the cutover (the node reports it so, and the
//     coordinator notes it before the first report: noteHandover), so if
//     the promoted replica dies the new shard fails over to it. Its first
//     full sync from the new primary replaces the copy stripe by stripe
//     instead of emptying it first (the node's handover.go);
//   - the promoted replica stays a replica of the old shard, whose
//     stream it continues from its offset on the smaller slot set.
//
// Neither shard is left without a copy, and no data moves at the flip.

// handOver makes the old primary of from a replica of to, the new shard
// of a split by promotion, and keeps to's primary a replica of from.
func handOver(from, to *Shard) {
	if from.Primary == to.Primary || from.Primary == "" {
		return // the promoted node leads both: there is nothing to hand over
	}
	to.Replicas = slices.DeleteFunc(to.Replicas, func(id NodeID) bool { return id == from.Primary })
	to.Replicas = append([]NodeID{from.Primary}, to.Replicas...)
	if !slices.Contains(from.Replicas, to.Primary) {
		from.Replicas = append(from.Replicas, to.Primary)
	}
}

// noteHandover records, for the heir rule and the autoscaler, that node
// id holds a whole copy of shard: it led the shard's slots until the
// flip of a split by promotion that made it the shard's replica. The
// node's own reports replace the note. Loop goroutine only.
func (c *Cluster) noteHandover(id NodeID, shard ShardID) {
	cp := c.loop.copies[id]
	if cp == nil {
		cp = map[ShardID]ShardOffset{}
		c.loop.copies[id] = cp
	}
	if o, ok := cp[shard]; !ok || o.Partial {
		cp[shard] = ShardOffset{Shard: shard}
	}
}

// promotionTarget reports whether shard id is the new shard of a split by
// promotion under way: it gets no replica placed before the flip, which
// makes the old primary its replica.
func (l *layout) promotionTarget(id ShardID) bool {
	for _, g := range l.migrations {
		if g.To == id && g.Kind == MoveSplit && g.Method == MethodPromote {
			return true
		}
	}
	return false
}
