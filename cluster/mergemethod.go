package cluster

import (
	"fmt"
	"slices"
)

// Merges by promotion. A merge moves every slot of a cold shard into a
// neighbour. When the neighbour's primary is also the cold shard's
// replica with a whole copy (the layout puts replicas of one shard on the
// primaries of others, so with a replica per shard this is common), that
// node already holds every key of the moving slots, indexed: the merge is
// then the reverse of a split by promotion. The cold shard's primary
// pauses writes to its slots until that replica has acknowledged its
// offset (the node's promoteCutover), the map gives the slots to the
// neighbour, the old primary drops them, and the neighbour's replica gets
// the grown shard by a full sync, off the critical path and throttled.
// With no such neighbour the merge copies (migrate.go on the node); the
// policy SplitPromote does not make a merge wait for one, since a cold
// shard has no load to protect.

// holdsWholeCopy reports whether node id is an alive replica of s whose
// last load report says its copy of s is whole.
func holdsWholeCopy(id NodeID, s Shard, alive []Member, copies map[NodeID]map[ShardID]ShardOffset) bool {
	if !slices.Contains(s.Replicas, id) || !slices.ContainsFunc(alive, func(m Member) bool { return m.ID == id }) {
		return false
	}
	o, reported := copies[id][s.ID]
	return reported && !o.Partial
}

// mergeMethod returns how a merge of s into target moves the data, and
// why; prom says whether target's primary holds a whole copy of s.
func mergeMethod(p SplitPolicy, s, target Shard, prom bool) (SplitMethod, string) {
	switch {
	case p == SplitCopy:
		return MethodCopy, "method copy: --split-method copy"
	case prom:
		return MethodPromote, fmt.Sprintf("method promote: shard %d's primary %s replicates shard %d whole", target.ID, target.Primary, s.ID)
	case len(s.Replicas) == 0:
		return MethodCopy, "method copy: the shard has no replica"
	}
	return MethodCopy, fmt.Sprintf("method copy: no eligible shard's primary holds a whole copy of shard %d", s.ID)
}
