package cluster

import (
	"fmt"
	"slices"
)

// makeDelta returns the changes that turn old into m.
func makeDelta(old, m *Map) deltaMsg {
	d := deltaMsg{baseEpoch: old.epoch, baseCoord: old.coord, epoch: m.epoch, coord: m.coord,
		nextShard: m.nextShard, migrations: m.migrations}
	for _, n := range m.nodes {
		if o, ok := old.Node(n.ID); !ok || o != n {
			d.nodes = append(d.nodes, n)
		}
	}
	for _, n := range old.nodes {
		if !m.hasNode(n.ID) {
			d.removedNodes = append(d.removedNodes, n.ID)
		}
	}
	for _, s := range m.shards {
		if o, ok := old.Shard(s.ID); !ok || !sameShard(o, s) {
			d.shards = append(d.shards, s)
		}
	}
	for _, s := range old.shards {
		if _, ok := m.Shard(s.ID); !ok {
			d.removed = append(d.removed, s.ID)
		}
	}
	return d
}

// applyDelta builds the map d describes from base, which must be the map d
// was made from.
func applyDelta(base *Map, d deltaMsg) (*Map, error) {
	if base.epoch != d.baseEpoch || base.coord != d.baseCoord {
		return nil, fmt.Errorf("%w: delta for another base map", errBadMap)
	}
	nodes := slices.Clone(base.nodes)
	nodes = slices.DeleteFunc(nodes, func(n Member) bool {
		return slices.Contains(d.removedNodes, n.ID) || slices.ContainsFunc(d.nodes, func(x Member) bool { return x.ID == n.ID })
	})
	nodes = append(nodes, d.nodes...)
	shards := slices.Clone(base.shards)
	shards = slices.DeleteFunc(shards, func(s Shard) bool {
		return slices.Contains(d.removed, s.ID) || slices.ContainsFunc(d.shards, func(x Shard) bool { return x.ID == s.ID })
	})
	shards = append(shards, d.shards...)
	return buildMap(d.epoch, d.coord, d.nextShard, nodes, shards, slices.Clone(d.migrations))
}

// sameShard reports whether two shard records are equal.
func sameShard(a, b Shard) bool {
	return a.ID == b.ID && a.Primary == b.Primary && slices.Equal(a.Slots, b.Slots) && slices.Equal(a.Replicas, b.Replicas)
}

// sameMigration reports whether two migrations are equal.
func sameMigration(a, b Migration) bool {
	return a.ID == b.ID && a.Kind == b.Kind && a.Method == b.Method && a.From == b.From && a.To == b.To &&
		a.Started.Equal(b.Started) && slices.Equal(a.Slots, b.Slots)
}

// sameLayout reports whether two maps assign the same things, whatever
// their epochs.
func sameLayout(a, b *Map) bool {
	return a.nextShard == b.nextShard && slices.Equal(a.nodes, b.nodes) &&
		slices.EqualFunc(a.shards, b.shards, sameShard) &&
		slices.EqualFunc(a.migrations, b.migrations, sameMigration)
}
