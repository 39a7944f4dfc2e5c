package cluster

import (
	"strings"
	"testing"
	"time"
)

var t0 = time.Unix(1_700_000_000, 0)

func testPolicy() Policy {
	p := DefaultConfig().Policy()
	p.Budget = Budget{Memory: 1000, Ops: 1000}
	p.Window = 10 * time.Second
	p.Cooldown = time.Minute
	p.MergeWindow = time.Minute
	p.Stale = 5 * time.Second
	p.ScaleOut = true
	return p
}

// feed reports the given memory use (in budget thousandths) of shard s at
// each second offset.
func feed(a *Autoscaler, s ShardID, points map[int]uint64) {
	for sec := 0; sec <= 60; sec++ {
		if mem, ok := points[sec]; ok {
			a.Observe(t0.Add(time.Duration(sec)*time.Second), ShardLoad{Shard: s, Memory: mem})
		}
	}
}

// steady returns reports of mem at every second in [from, to].
func steady(from, to int, mem uint64) map[int]uint64 {
	out := map[int]uint64{}
	for s := from; s <= to; s++ {
		out[s] = mem
	}
	return out
}

func merge(ms ...map[int]uint64) map[int]uint64 {
	out := map[int]uint64{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func splitOf(t *testing.T, plans []Plan, s ShardID) (Plan, bool) {
	t.Helper()
	for _, p := range plans {
		if p.Kind == MoveSplit && p.Shard == s {
			return p, true
		}
	}
	return Plan{}, false
}

func TestAutoscalerWindowAndHysteresis(t *testing.T) {
	m := testMap(t)
	alive := members("a", "b", "c", "d")
	for _, tc := range []struct {
		name    string
		reports map[int]uint64
		at      int
		due     bool
		listed  bool
	}{
		{"below the line", steady(0, 20, 400), 20, false, false},
		{"hot but inside the window", steady(0, 9, 600), 9, false, true},
		{"hot for the whole window", steady(0, 10, 600), 10, true, true},
		{"dip inside the hysteresis band keeps the window", merge(steady(0, 4, 600), steady(5, 6, 470), steady(7, 10, 600)), 10, true, true},
		{"dip below the band restarts the window", merge(steady(0, 4, 600), steady(5, 5, 400), steady(6, 10, 600)), 10, false, true},
		{"restarted window completes", merge(steady(0, 4, 600), steady(5, 5, 400), steady(6, 16, 600)), 16, true, true},
		{"in the band without ever crossing", steady(0, 20, 490), 20, false, false},
		{"stale reports count for nothing", steady(0, 10, 600), 16, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := NewAutoscaler(testPolicy())
			feed(a, 1, tc.reports)
			plans := a.Plans(t0.Add(time.Duration(tc.at)*time.Second), Input{Map: m, Alive: alive})
			p, ok := splitOf(t, plans, 1)
			if ok != tc.listed || p.Due != tc.due {
				t.Fatalf("listed %v due %v (%q), want listed %v due %v", ok, p.Due, p.Reason, tc.listed, tc.due)
			}
			if ok && (p.Resource != ResMemory || p.Usage < 0.45) {
				t.Fatalf("plan %+v: want memory above the band", p)
			}
		})
	}
}

func TestAutoscalerCooldownAndOneMoveAtATime(t *testing.T) {
	m := testMap(t)
	alive := members("a", "b", "c", "d")
	a := NewAutoscaler(testPolicy())
	a.Acted(t0.Add(5*time.Second), 1)
	feed(a, 1, steady(6, 60, 600))
	at := func(sec int) Plan {
		p, ok := splitOf(t, a.Plans(t0.Add(time.Duration(sec)*time.Second), Input{Map: m, Alive: alive}), 1)
		if !ok {
			t.Fatalf("no plan at %ds", sec)
		}
		return p
	}
	if p := at(30); p.Due || !strings.Contains(p.Reason, "cooling down") {
		t.Fatalf("at 30s: due %v %q, want cooling down", p.Due, p.Reason)
	}
	if p := at(65); !p.Due {
		t.Fatalf("at 65s: not due after the cool-down: %q", p.Reason)
	}
	busy := testMap(t, Migration{ID: 3, Kind: MoveSplit, From: 2, To: 3, Slots: []SlotRange{{6000, 6001}}})
	p, _ := splitOf(t, a.Plans(t0.Add(65*time.Second), Input{Map: busy, Alive: alive}), 1)
	if p.Due || !strings.Contains(p.Reason, "migration 3") {
		t.Fatalf("with a migration running: due %v %q", p.Due, p.Reason)
	}
}

func TestAutoscalerSplitsByLoadNotCount(t *testing.T) {
	m := testMap(t)
	a := NewAutoscaler(testPolicy())
	feed(a, 1, steady(0, 10, 800))
	// Shard 1 holds 0-5460; its ops are all in slots 0-99.
	var stats []SlotStat
	for s := range 100 {
		stats = append(stats, SlotStat{Slot: s, Ops: 10, Bytes: 100})
	}
	in := Input{Map: m, Alive: members("a", "b", "c", "d"), Profiles: map[ShardID][]SlotStat{1: stats}}
	p, _ := splitOf(t, a.Plans(t0.Add(10*time.Second), in), 1)
	if !p.Due {
		t.Fatalf("not due: %q", p.Reason)
	}
	moving := CountSlots(p.MovingSlots)
	if moving < 5400 || p.MovingShare < 0.45 || p.MovingShare > 0.55 {
		t.Fatalf("moves %d slots (%.2f of the load): want everything after slot 49, half the load", moving, p.MovingShare)
	}
	if p.MovingSlots[0].Start != 50 {
		t.Fatalf("moving slots start at %d, want 50", p.MovingSlots[0].Start)
	}
	// Without a profile it splits by count and says so.
	p, _ = splitOf(t, a.Plans(t0.Add(10*time.Second), Input{Map: m, Alive: in.Alive}), 1)
	if got := CountSlots(p.MovingSlots); (got != 2730 && got != 2731) || !strings.Contains(p.Reason, "by slot count") {
		t.Fatalf("without a profile: %d slots, %q", got, p.Reason)
	}
}

func TestAutoscalerPlacement(t *testing.T) {
	m := testMap(t) // a, b, c host two roles each
	for _, tc := range []struct {
		name    string
		alive   []Member
		loads   map[NodeID]NodeLoad
		perNode int
		kind    TargetKind
		primary NodeID
	}{
		{"most headroom wins", members("a", "b", "c"),
			map[NodeID]NodeLoad{"b": {MemoryUsed: 4000, MemoryLimit: 10000}, "c": {MemoryUsed: 1000, MemoryLimit: 10000}}, 0, TargetNode, "c"},
		{"never the hot shard's own node", members("a", "b", "c"),
			map[NodeID]NodeLoad{"a": {MemoryUsed: 0, MemoryLimit: 10000}, "b": {MemoryUsed: 3000, MemoryLimit: 10000}, "c": {MemoryUsed: 2000, MemoryLimit: 10000}}, 0, TargetNode, "c"},
		{"a node over the line has no room", members("a", "b", "c"),
			map[NodeID]NodeLoad{"b": {MemoryUsed: 6000, MemoryLimit: 10000}, "c": {CPUUsed: 3, CPUCores: 4}}, 0, TargetScaleOut, ""},
		{"full nodes send it to a warm spare", members("a", "b", "c", "d"), nil, 2, TargetSpare, "d"},
		{"full nodes and no spare: scale out", members("a", "b", "c"), nil, 2, TargetScaleOut, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := testPolicy()
			p.MaxShardsPerNode = tc.perNode
			a := NewAutoscaler(p)
			feed(a, 1, steady(0, 10, 700))
			plan, _ := splitOf(t, a.Plans(t0.Add(10*time.Second), Input{Map: m, Alive: tc.alive, Nodes: tc.loads}), 1)
			if plan.Target.Kind != tc.kind || plan.Target.Primary != tc.primary || !plan.Due {
				t.Fatalf("target %+v due %v (%q), want %s on %q", plan.Target, plan.Due, plan.Reason, tc.kind, tc.primary)
			}
			if plan.Target.Primary != "" && plan.Target.Replica == plan.Target.Primary {
				t.Fatalf("replica on the new primary: %+v", plan.Target)
			}
		})
	}
}

func TestAutoscalerMergesUnderLowWater(t *testing.T) {
	m := testMap(t)
	alive := members("a", "b", "c")
	for _, tc := range []struct {
		name      string
		mem       [3]uint64 // shards 1..3, in budget thousandths
		at        int
		minShards int
		merge     bool
		due       bool
		into      ShardID
	}{
		{"cold for the window merges into the neighbour", [3]uint64{50, 100, 250}, 60, 1, true, true, 2},
		{"cold but inside the window", [3]uint64{50, 100, 250}, 30, 1, true, false, 2},
		{"combined would be too hot", [3]uint64{50, 280, 280}, 60, 1, false, false, 0},
		{"shown but not due at MinShards", [3]uint64{50, 100, 100}, 60, 3, true, false, 2},
		{"above the low-water mark", [3]uint64{150, 100, 100}, 60, 1, false, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := testPolicy()
			p.MinShards = tc.minShards
			a := NewAutoscaler(p)
			for i, mem := range tc.mem {
				feed(a, ShardID(i+1), steady(0, tc.at, mem))
			}
			var got *Plan
			for _, pl := range a.Plans(t0.Add(time.Duration(tc.at)*time.Second), Input{Map: m, Alive: alive}) {
				if pl.Kind == MoveMerge && pl.Shard == 1 {
					got = &pl
				}
			}
			if (got != nil) != tc.merge {
				t.Fatalf("merge plan %+v, want one: %v", got, tc.merge)
			}
			if got == nil {
				return
			}
			if got.Due != tc.due || got.Target.Shard != tc.into || CountSlots(got.MovingSlots) != 5461 {
				t.Fatalf("merge %+v, want due %v into %d with all 5461 slots", *got, tc.due, tc.into)
			}
		})
	}
}

func TestAutoscalerStatus(t *testing.T) {
	m := testMap(t)
	a := NewAutoscaler(testPolicy())
	feed(a, 1, steady(0, 4, 600))
	feed(a, 2, steady(0, 4, 50))
	st := a.Status(t0.Add(4*time.Second), m)
	want := map[ShardID]string{1: "hot", 2: "cold", 3: "no-report"}
	for _, s := range st {
		if s.State != want[s.Shard] {
			t.Errorf("shard %d state %s, want %s", s.Shard, s.State, want[s.Shard])
		}
	}
	if st[0].For != 4*time.Second || st[0].Usage[ResMemory] != 0.6 {
		t.Errorf("shard 1 status %+v", st[0])
	}
}

func TestAutoscalerWaitsWithoutRoomOrHook(t *testing.T) {
	p := testPolicy()
	p.MaxShardsPerNode, p.ScaleOut = 2, false
	a := NewAutoscaler(p)
	feed(a, 1, steady(0, 10, 700))
	plan, _ := splitOf(t, a.Plans(t0.Add(10*time.Second), Input{Map: testMap(t), Alive: members("a", "b", "c")}), 1)
	if plan.Due || plan.Target.Kind != TargetScaleOut || !strings.Contains(plan.Reason, "no scale-out command") {
		t.Fatalf("plan %+v", plan)
	}
}
