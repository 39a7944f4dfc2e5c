package cluster

import "time"

// The typed answers behind the CLUSTER command. The node's front end parses
// the command and writes these as RESP; nothing here knows the protocol.

// Info returns the CLUSTER INFO data as this member sees it.
func (c *Cluster) Info() Info {
	in := c.Map().Info(c.Self(), c.sent.Load(), c.received.Load())
	if c.Fenced(true) {
		in.State = "fail" // its lease ran out: it refuses writes (fence.go)
	}
	return in
}

// NodeRows returns the CLUSTER NODES rows as this member sees them at now.
func (c *Cluster) NodeRows(now time.Time) []NodeRow {
	return c.Map().NodeRows(c.Self(), now)
}

// Slots returns the CLUSTER SLOTS entries, sorted by slot.
func (c *Cluster) Slots() []SlotsEntry { return c.Map().SlotsReply() }

// MyShardID returns the shard CLUSTER MYSHARDID names: the first shard this
// member leads, else the first it replicates, else ShardID(0).
func (c *Cluster) MyShardID() ShardID {
	prim, repl := c.Map().ShardsOf(c.Self())
	switch {
	case len(prim) > 0:
		return prim[0].ID
	case len(repl) > 0:
		return repl[0].ID
	}
	return 0
}

// Shards returns the CLUSTER SHARDS entries, each node with the
// replication offset it last reported for that shard (0 before its first
// report). Reports arrive once per LoadInterval, so another node's offset
// may lag by that much; a caller that knows its own offsets better may
// overwrite the entries of Self.
func (c *Cluster) Shards() []ShardEntry {
	out := c.Map().ShardsReply()
	offs := *c.offsets.Load()
	for i := range out {
		for j := range out[i].Nodes {
			n := &out[i].Nodes[j]
			n.ReplicationOffset = offs[n.Node][out[i].Shard]
		}
	}
	return out
}

// ShardOffset is a node's replication offset in one shard it holds.
type ShardOffset struct {
	Shard  ShardID
	Offset uint64
	// Partial is set by a replica whose copy of the shard is not whole:
	// its full sync has not completed (or never started). The coordinator
	// promotes such a copy only when no other exists (Config.PartialCopyWait).
	Partial bool
	// Released is set by a shard's primary while the shard has replicas
	// leaving it (a spread under way, Leaving): the map epoch in which the
	// primary found that its other replicas acknowledged every write the
	// leaving ones were counted for by WAIT (0: not yet). The coordinator
	// drops a leaving replica only once its primary released it in the
	// current map (spread.go).
	Released uint64
}

// replOffsets is what members reported of their replication offsets, by
// node and shard. A published value is never modified.
type replOffsets map[NodeID]map[ShardID]uint64

// takeOffsets records the offsets of one load report (or part of one).
// Loop goroutine only.
func (c *Cluster) takeOffsets(from NodeID, offs []ShardOffset) {
	if len(offs) == 0 {
		return
	}
	ls := c.loop
	m := ls.offsets[from]
	if m == nil {
		m = map[ShardID]uint64{}
		ls.offsets[from] = m
	}
	cp := ls.copies[from]
	if cp == nil {
		cp = map[ShardID]ShardOffset{}
		ls.copies[from] = cp
	}
	for _, o := range offs {
		m[o.Shard] = o.Offset
		cp[o.Shard] = o
	}
	ls.offsetsDirty = true
}

// publishOffsets publishes a copy of the reported offsets of the nodes and
// shards of the current map, when they changed. Loop goroutine only.
func (c *Cluster) publishOffsets() {
	ls := c.loop
	if !ls.offsetsDirty {
		return
	}
	ls.offsetsDirty = false
	for id, m := range ls.copies {
		for sh := range m {
			if s, ok := ls.gossip.Shard(sh); !ok || !s.hosts(id) {
				delete(m, sh)
			}
		}
	}
	pub := replOffsets{}
	for id, m := range ls.offsets {
		for sh, off := range m {
			s, ok := ls.gossip.Shard(sh)
			if !ok || !s.hosts(id) {
				delete(m, sh) // the node no longer holds the shard
				continue
			}
			if pub[id] == nil {
				pub[id] = map[ShardID]uint64{}
			}
			pub[id][sh] = off
		}
	}
	c.offsets.Store(&pub)
}
