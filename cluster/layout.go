package cluster

import (
	"fmt"
	"slices"
	"time"
)

// layout is a mutable copy of a map's assignment that the coordinator edits
// before it builds the next Map. It is used by one goroutine.
type layout struct {
	nodes      map[NodeID]Member
	shards     []Shard
	migrations []Migration
	nextShard  ShardID
	// spares are alive data nodes that hold no role but stay in the map
	// (keepSpares): they count towards the majority.
	spares map[NodeID]bool
}

// edit returns a deep copy of m's assignment.
func (m *Map) edit() *layout {
	l := &layout{nodes: make(map[NodeID]Member, len(m.nodes)), nextShard: m.nextShard}
	for _, n := range m.nodes {
		l.nodes[n.ID] = n
	}
	for _, s := range m.shards {
		s.Slots = slices.Clone(s.Slots)
		s.Replicas = slices.Clone(s.Replicas)
		l.shards = append(l.shards, s)
	}
	for _, g := range m.migrations {
		g.Slots = slices.Clone(g.Slots)
		l.migrations = append(l.migrations, g)
	}
	return l
}

// build makes a Map of l; nodes no shard names are dropped, unless they
// are spares.
func (l *layout) build(epoch uint64, coord NodeID) (*Map, error) {
	var nodes []Member
	for id, n := range l.nodes {
		if l.spares[id] || slices.ContainsFunc(l.shards, func(s Shard) bool { return s.hosts(id) }) {
			nodes = append(nodes, n)
		}
	}
	shards := make([]Shard, len(l.shards))
	for i, s := range l.shards {
		s.Slots = normalizeRanges(s.Slots)
		shards[i] = s
	}
	return buildMap(epoch, coord, l.nextShard, nodes, shards, slices.Clone(l.migrations))
}

func (l *layout) shard(id ShardID) *Shard {
	for i := range l.shards {
		if l.shards[i].ID == id {
			return &l.shards[i]
		}
	}
	return nil
}

func (l *layout) migration(id uint64) *Migration {
	for i := range l.migrations {
		if l.migrations[i].ID == id {
			return &l.migrations[i]
		}
	}
	return nil
}

// addShard creates an empty shard and returns its id.
func (l *layout) addShard(primary Member) ShardID {
	id := l.nextShard
	l.nextShard++
	l.nodes[primary.ID] = primary
	l.shards = append(l.shards, Shard{ID: id, Primary: primary.ID})
	return id
}

// bootstrap lays out n shards with even slot ranges over the alive data
// nodes: primaries round robin in name order, and the replicas of a shard
// on the nodes that follow its primary in that ring, those in another zone
// first.
func bootstrap(want int, alive []Member, n int) (*layout, error) {
	nodes := slices.Clone(alive)
	nodes = slices.DeleteFunc(nodes, func(m Member) bool { return m.Role != RoleNode })
	if len(nodes) == 0 {
		return nil, fmt.Errorf("cluster: no data node to bootstrap on")
	}
	slices.SortFunc(nodes, func(a, b Member) int { return cmpString(a.ID, b.ID) })
	if n <= 0 {
		n = len(nodes)
	}
	l := &layout{nodes: map[NodeID]Member{}, nextShard: 1}
	for i, r := range evenRanges(n) {
		prim := nodes[i%len(nodes)]
		id := l.addShard(prim)
		s := l.shard(id)
		s.Slots = []SlotRange{r}
		var ring []Member
		for j := 1; j < len(nodes); j++ {
			ring = append(ring, nodes[(i+j)%len(nodes)])
		}
		slices.SortStableFunc(ring, func(a, b Member) int {
			return cmpBool(a.Zone == prim.Zone && prim.Zone != "", b.Zone == prim.Zone && prim.Zone != "")
		})
		for _, r := range ring[:min(want, len(ring))] {
			l.nodes[r.ID] = r
			s.Replicas = append(s.Replicas, r.ID)
		}
	}
	return l, nil
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// failure says why a node no longer serves: it died, or restarted and lost
// its data.
type failure struct {
	at        time.Time // when the coordinator first saw it
	restarted bool
}

// handleFailures takes failed nodes out of every shard: a shard whose
// primary failed gets the replica h chooses as primary (heir.go; a nil h
// takes the first), or, with no replica left, an empty primary on the
// node with most room.
func (l *layout) handleFailures(failed map[NodeID]failure, pl *placer, now time.Time, newEvent func(EventKind, ShardID, string, time.Duration), h *heirRule) {
	for i := range l.shards {
		s := &l.shards[i]
		s.Replicas = slices.DeleteFunc(s.Replicas, func(id NodeID) bool { _, bad := failed[id]; return bad })
		f, bad := failed[s.Primary]
		if !bad {
			continue
		}
		old := s.Primary
		why := "failed"
		if f.restarted {
			why = "restarted without its data"
		}
		if len(s.Replicas) > 0 {
			heir, note, keep := h.choose(*s, f, now, newEvent)
			if keep {
				continue
			}
			s.Primary = heir
			s.Replicas = slices.DeleteFunc(s.Replicas, func(id NodeID) bool { return id == heir })
			newEvent(EventFailover, s.ID, fmt.Sprintf("primary %s %s; promoted replica %s%s", old, why, s.Primary, note), now.Sub(f.at))
			continue
		}
		id := pl.pick(func(*candidate) bool { return true }, 0, 0, "")
		if id == "" {
			id = pl.leastLoaded()
		}
		if id == "" {
			continue // nobody can take it; retried on the next decision
		}
		pl.take(id, 0, 0)
		l.nodes[id] = pl.cands[id].m
		s.Primary = id
		newEvent(EventFailover, s.ID, fmt.Sprintf("primary %s %s and had no replica; %s serves the slots empty", old, why, id), now.Sub(f.at))
	}
}

// refreshNodes updates the records of alive nodes (address, zone, boot).
func (l *layout) refreshNodes(alive map[NodeID]Member) {
	for id := range l.nodes {
		if m, ok := alive[id]; ok {
			l.nodes[id] = m
		}
	}
}

// fillReplicas gives shards that lack replicas new ones on nodes with room.
func (l *layout) fillReplicas(pl *placer, want int) []string {
	var notes []string
	for i := range l.shards {
		s := &l.shards[i]
		if l.promotionTarget(s.ID) {
			continue // its old primary becomes its replica at the flip (handover.go)
		}
		for len(s.Replicas) < want {
			id := pl.pickReplica(s, 0, 0)
			if id == "" {
				break
			}
			pl.take(id, 0, 0)
			l.nodes[id] = pl.cands[id].m
			s.Replicas = append(s.Replicas, id)
			notes = append(notes, fmt.Sprintf("%d:%s", s.ID, id))
		}
	}
	return notes
}

// finishMigration gives a migration's slots to its target shard; a merged
// shard left with no slot is removed.
func (l *layout) finishMigration(id uint64) (Migration, bool) {
	g := l.migration(id)
	if g == nil {
		return Migration{}, false
	}
	done := *g
	from, to := l.shard(done.From), l.shard(done.To)
	if from != nil && to != nil {
		from.Slots = subtractRanges(from.Slots, done.Slots)
		to.Slots = normalizeRanges(append(to.Slots, done.Slots...))
		switch {
		case done.Method == MethodPromote && done.Kind == MoveSplit:
			handOver(from, to)
		case done.Method == MethodPromote:
			// The promoted replica leads the moving half now; the old
			// shard gets a new replica from fillReplicas.
			from.Replicas = slices.DeleteFunc(from.Replicas, func(id NodeID) bool { return id == to.Primary })
		}
	}
	l.migrations = slices.DeleteFunc(l.migrations, func(m Migration) bool { return m.ID == id })
	if from != nil && len(from.Slots) == 0 && done.Kind == MoveMerge {
		l.shards = slices.DeleteFunc(l.shards, func(s Shard) bool { return s.ID == done.From })
	}
	return done, true
}

// abortMigration drops a migration; the empty shard a split made goes too.
func (l *layout) abortMigration(id uint64) (Migration, bool) {
	g := l.migration(id)
	if g == nil {
		return Migration{}, false
	}
	gone := *g
	l.migrations = slices.DeleteFunc(l.migrations, func(m Migration) bool { return m.ID == id })
	if to := l.shard(gone.To); gone.Kind == MoveSplit && to != nil && len(to.Slots) == 0 {
		l.shards = slices.DeleteFunc(l.shards, func(s Shard) bool { return s.ID == gone.To })
	}
	return gone, true
}

// startPlan turns a due plan into a migration with the given id. A split
// creates the target shard on the plan's nodes.
func (l *layout) startPlan(p Plan, id uint64, now time.Time, members map[NodeID]Member) (Migration, error) {
	src := l.shard(p.Shard)
	if src == nil || len(p.MovingSlots) == 0 {
		return Migration{}, fmt.Errorf("cluster: plan for unknown shard %d", p.Shard)
	}
	g := Migration{ID: id, Kind: p.Kind, From: p.Shard, Slots: slices.Clone(p.MovingSlots),
		Started: time.UnixMilli(now.UnixMilli())}
	switch p.Kind {
	case MoveSplit:
		prim, ok := members[p.Target.Primary]
		if !ok {
			return Migration{}, fmt.Errorf("cluster: split target %s is not alive", p.Target.Primary)
		}
		if p.Method == MethodPromote && !slices.Contains(src.Replicas, prim.ID) {
			return Migration{}, fmt.Errorf("cluster: split by promotion: %s is not a replica of shard %d", prim.ID, p.Shard)
		}
		g.Method = p.Method
		g.To = l.addShard(prim)
		if r, ok := members[p.Target.Replica]; ok && r.ID != prim.ID {
			l.nodes[r.ID] = r
			l.shard(g.To).Replicas = []NodeID{r.ID}
		}
	case MoveMerge:
		to := l.shard(p.Target.Shard)
		if to == nil {
			return Migration{}, fmt.Errorf("cluster: merge target %d is gone", p.Target.Shard)
		}
		if p.Method == MethodPromote && !slices.Contains(src.Replicas, to.Primary) {
			return Migration{}, fmt.Errorf("cluster: merge by promotion: %s is not a replica of shard %d", to.Primary, p.Shard)
		}
		g.Method = p.Method
		g.To = p.Target.Shard
	default:
		return Migration{}, fmt.Errorf("cluster: unknown plan kind %d", p.Kind)
	}
	l.migrations = append(l.migrations, g)
	return g, nil
}
