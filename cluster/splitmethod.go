package cluster

import (
	"fmt"
	"slices"
	"time"
)

// SplitMethod says how a split moves the data of its moving slots.
type SplitMethod uint8

// Split methods. The zero value is the copy, so maps made before the
// method existed read as copies.
const (
	// MethodCopy snapshots the moving slots on the primary, copies them to
	// the new shard while writes go on, then pauses writes to replay the
	// log (migrate.go on the node).
	MethodCopy SplitMethod = 0
	// MethodPromote makes the shard's in-sync replica the primary of the
	// moving half: it already holds the data and only has to reach the
	// primary's offset while writes to the moving slots pause.
	MethodPromote SplitMethod = 1
)

// String returns "copy" or "promote".
func (m SplitMethod) String() string {
	switch m {
	case MethodCopy:
		return "copy"
	case MethodPromote:
		return "promote"
	}
	return fmt.Sprintf("method(%d)", uint8(m))
}

// SplitPolicy is the configured choice of split method.
type SplitPolicy uint8

// Split policies (Config.SplitMethod).
const (
	// SplitCopy always copies.
	SplitCopy SplitPolicy = iota
	// SplitAuto promotes when the shard has an in-sync replica and copies
	// otherwise.
	SplitAuto
	// SplitPromote only promotes: a split of a shard with no in-sync
	// replica waits until one is.
	SplitPromote
)

// String returns the policy as the --split-method flag spells it.
func (p SplitPolicy) String() string {
	switch p {
	case SplitCopy:
		return "copy"
	case SplitAuto:
		return "auto"
	case SplitPromote:
		return "promote"
	}
	return fmt.Sprintf("policy(%d)", uint8(p))
}

// ParseSplitPolicy reads "auto", "promote" or "copy".
func ParseSplitPolicy(s string) (SplitPolicy, error) {
	for _, p := range []SplitPolicy{SplitCopy, SplitAuto, SplitPromote} {
		if p.String() == s {
			return p, nil
		}
	}
	return 0, fmt.Errorf("cluster: unknown split method %q (want auto, promote or copy)", s)
}

// inSyncReplica returns the replica of s whose copy is whole (its full
// sync completed, as its last load report says) and most advanced, among
// the alive members; ok is false when there is none. A replica that never
// reported its copies does not count: promotion needs the proof.
func inSyncReplica(s Shard, alive []Member, copies map[NodeID]map[ShardID]ShardOffset) (id NodeID, off uint64, ok bool) {
	for _, r := range s.Replicas {
		if !slices.ContainsFunc(alive, func(m Member) bool { return m.ID == r }) {
			continue
		}
		o, reported := copies[r][s.ID]
		if !reported || o.Partial {
			continue
		}
		if !ok || o.Offset > off {
			id, off, ok = r, o.Offset, true
		}
	}
	return id, off, ok
}

// chooseMethod returns the method for a split of s under policy p, and
// why. wait is true when the split must wait (policy promote, no in-sync
// replica).
func chooseMethod(p SplitPolicy, s Shard, alive []Member, copies map[NodeID]map[ShardID]ShardOffset) (m SplitMethod, heir NodeID, why string, wait bool) {
	if p == SplitCopy {
		return MethodCopy, "", "method copy: --split-method copy", false
	}
	if r, off, ok := inSyncReplica(s, alive, copies); ok {
		return MethodPromote, r, fmt.Sprintf("method promote: replica %s holds a whole copy (offset %d)", r, off), false
	}
	why = "no replica of the shard is in sync"
	if len(s.Replicas) == 0 {
		why = "the shard has no replica"
	}
	if p == SplitPromote {
		return MethodPromote, "", "method promote: " + why + ", waiting for one", true
	}
	return MethodCopy, "", "method copy: " + why, false
}

// abortLostPromotions abandons splits by promotion whose promoted node no
// longer holds the shard's data: it failed (its new shard was re-placed)
// or stopped being a replica of the source shard. The slots stay with the
// source, writes to them resume, and the autoscaler plans the split again.
// A promoted replica that took over the source shard itself (its primary
// failed) keeps the split: it holds both halves.
func (l *layout) abortLostPromotions(emit func(EventKind, ShardID, string, time.Duration), now time.Time) {
	for _, g := range slices.Clone(l.migrations) {
		if g.Method != MethodPromote {
			continue
		}
		from, to := l.shard(g.From), l.shard(g.To)
		if from != nil && to != nil && (to.Primary == from.Primary || slices.Contains(from.Replicas, to.Primary)) {
			continue
		}
		l.abortMigration(g.ID)
		emit(EventAbort, g.From, fmt.Sprintf("split by promotion to shard %d: the promoted replica no longer holds the shard", g.To), now.Sub(g.Started))
	}
}
