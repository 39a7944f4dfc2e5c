package cluster

import "time"

// Record adds an event that the node observed itself (a replica's full
// sync: how much it copied, how fast, how long it took) to CLUSTER EVENTS,
// and spreads it like the coordinator's. Safe for concurrent use.
func (c *Cluster) Record(kind EventKind, shard ShardID, detail string, took time.Duration) {
	c.emit(kind, shard, detail, took)
}
