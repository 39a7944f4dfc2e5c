package cluster

import (
	"fmt"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/keyslot"
)

// bigMap is a map of 64 shards over 16 nodes, each shard in four ranges.
func bigMap(b *testing.B) *Map {
	b.Helper()
	var nodes []Member
	for i := range 16 {
		nodes = append(nodes, Member{ID: NodeID(fmt.Sprintf("node-%02d", i)), Role: RoleNode,
			Addr: fmt.Sprintf("10.0.0.%d:6379", i+1), Bus: fmt.Sprintf("10.0.0.%d:7946", i+1), Boot: uint64(i + 1)})
	}
	var shards []Shard
	rs := evenRanges(256)
	for i := range 64 {
		s := Shard{ID: ShardID(i + 1), Primary: nodes[i%16].ID, Replicas: []NodeID{nodes[(i+1)%16].ID}}
		for j := range 4 {
			s.Slots = append(s.Slots, rs[j*64+i])
		}
		shards = append(shards, s)
	}
	m, err := buildMap(42, "node-00", 65, nodes, shards, nil)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

func BenchmarkRoute(b *testing.B) {
	m := bigMap(b)
	self := m.Nodes()[3]
	view := m.withView(self.ID, self.Boot, m.Nodes(), false)
	var mine, others []int
	for slot := range keyslot.Count {
		if s, _ := view.Owner(slot); s.Primary == self.ID {
			mine = append(mine, slot)
		} else {
			others = append(others, slot)
		}
	}
	b.Run("served", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if ok, _ := view.Route(mine[i%len(mine)], self.ID); !ok {
				b.Fatal("own slot not served")
			}
		}
	})
	b.Run("moved", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if ok, _ := view.Route(others[i%len(others)], self.ID); ok {
				b.Fatal("foreign slot served")
			}
		}
	})
}

func BenchmarkAddrOfSlot(b *testing.B) {
	m := bigMap(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, ok := m.AddrOfSlot(i & (keyslot.Count - 1)); !ok {
			b.Fatal("slot not served")
		}
	}
}

// BenchmarkAddrOfSlotBaselineGoMap is the lookup a proxy could keep itself:
// a Go map from slot to address.
func BenchmarkAddrOfSlotBaselineGoMap(b *testing.B) {
	m := bigMap(b)
	plain := make(map[int]string, keyslot.Count)
	for slot := range keyslot.Count {
		plain[slot], _ = m.AddrOfSlot(slot)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if plain[i&(keyslot.Count-1)] == "" {
			b.Fatal("slot not served")
		}
	}
}

func BenchmarkDecodeFullMap(b *testing.B) {
	enc := bigMap(b).encoded
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeMessage(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkApplyDelta(b *testing.B) {
	old := bigMap(b)
	l := old.edit()
	l.shard(1).Primary = l.shard(1).Replicas[0]
	l.shard(1).Replicas = []NodeID{"node-05"}
	next, err := l.build(43, "node-00")
	if err != nil {
		b.Fatal(err)
	}
	d := makeDelta(old, next)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := applyDelta(old, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(d.encode())), "delta-bytes")
	b.ReportMetric(float64(len(next.encoded)), "map-bytes")
}

func BenchmarkSplitByLoadFullRange(b *testing.B) {
	stats := make([]SlotStat, 0, keyslot.Count)
	for s := range keyslot.Count {
		stats = append(stats, SlotStat{Slot: s, Bytes: uint64(s % 97)})
	}
	b.ReportAllocs()
	for b.Loop() {
		if m, _, _ := splitByLoad([]SlotRange{{0, keyslot.Count - 1}}, stats, ResMemory); len(m) == 0 {
			b.Fatal("nothing moves")
		}
	}
}

func BenchmarkAutoscalerPlans(b *testing.B) {
	m := bigMap(b)
	a := NewAutoscaler(DefaultConfig().Policy())
	now := time.Unix(1000, 0)
	for _, s := range m.Shards() {
		a.Observe(now, ShardLoad{Shard: s.ID, Memory: uint64(s.ID) * 10 << 20})
	}
	in := Input{Map: m, Alive: m.Nodes()}
	b.ReportAllocs()
	for b.Loop() {
		a.Plans(now, in)
	}
}

func BenchmarkNodeRows(b *testing.B) {
	m := bigMap(b)
	b.ReportAllocs()
	for b.Loop() {
		m.NodeRows("node-00", time.Unix(0, 0))
	}
}

// BenchmarkBootstrap measures how long three fresh members (test timers:
// 100 ms load interval, 20 ms gossip) take to agree on a first map.
func BenchmarkBootstrap(b *testing.B) {
	var total time.Duration
	for range b.N {
		start := time.Now()
		cs := startCluster(b, 3, nil)
		waitFor(b, 10*time.Second, "one map", func() bool { return converged(cs) })
		total += time.Since(start)
		for _, c := range cs {
			stopMember(b, c)
		}
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms-to-map")
}

// BenchmarkFailover measures the time from a primary's crash to the map
// in which its replica leads, seen by both survivors, with the test timers
// (probe 200 ms, timeout 100 ms, suspicion multiplier 2).
func BenchmarkFailover(b *testing.B) {
	var total time.Duration
	for range b.N {
		b.StopTimer()
		cs := startCluster(b, 3, nil)
		waitFor(b, 10*time.Second, "one map", func() bool { return converged(cs) })
		b.StartTimer()
		start := time.Now()
		stopMember(b, cs[2])
		waitFor(b, 15*time.Second, "failover", func() bool {
			_, in := cs[0].Map().Node("n3")
			return !in && converged(cs[:2])
		})
		total += time.Since(start)
		b.StopTimer()
		stopMember(b, cs[0])
		stopMember(b, cs[1])
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms-to-failover")
}
