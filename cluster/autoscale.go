package cluster

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Policy is what the autoscaler decides by. Config.Policy fills it.
type Policy struct {
	Budget Budget
	// ScaleAt is the usage (fraction of a budget) at which shards split.
	ScaleAt float64
	// Hysteresis: a hot shard stays hot until it falls below
	// ScaleAt-Hysteresis; a cold one stays cold until it rises to
	// LowWater+Hysteresis.
	Hysteresis float64
	// Window is how long a shard must stay hot before it splits.
	Window time.Duration
	// Cooldown follows every split or merge of a shard.
	Cooldown time.Duration
	// LowWater is the usage under which a shard is cold; after
	// MergeWindow it merges into a neighbour if the two together stay
	// under MergeCombinedMax.
	LowWater         float64
	MergeWindow      time.Duration
	MergeCombinedMax float64
	// MinShards, MaxShards (0: none) bound the number of shards;
	// MaxShardsPerNode (0: none) caps the roles of a node.
	MinShards, MaxShards, MaxShardsPerNode int
	// Replicas is how many replicas a new shard gets.
	Replicas int
	// Stale is the age after which a load report no longer counts.
	Stale time.Duration
	// ScaleOut says whether a scale-out hook can start nodes; without one
	// a split that finds no room waits.
	ScaleOut bool
	// SplitMethod chooses between promoting a replica and copying.
	SplitMethod SplitPolicy
}

// TargetKind says where a plan sends the moving slots.
type TargetKind uint8

// Where moving slots go.
const (
	TargetNode     TargetKind = 1 // a new shard on a node that already hosts shards
	TargetSpare    TargetKind = 2 // a new shard on a warm spare (a node that hosts nothing)
	TargetScaleOut TargetKind = 3 // no node has room: start one with the scale-out hook
	TargetShard    TargetKind = 4 // an existing shard (merge)
	TargetReplica  TargetKind = 5 // the shard's in-sync replica becomes the new shard's primary
)

// String returns the kind as CLUSTER AUTOSCALE shows it.
func (k TargetKind) String() string {
	switch k {
	case TargetNode:
		return "node"
	case TargetSpare:
		return "spare"
	case TargetScaleOut:
		return "scale-out"
	case TargetShard:
		return "shard"
	case TargetReplica:
		return "replica"
	}
	return fmt.Sprintf("target(%d)", uint8(k))
}

// Target is where a plan moves slots.
type Target struct {
	Kind TargetKind
	// Shard is the existing shard of a merge (0 for a split: the new
	// shard gets its id when the plan starts).
	Shard ShardID
	// Primary and Replica are the nodes of the new shard of a split (the
	// target shard's primary for a merge); Replica may be empty.
	Primary, Replica NodeID
}

// Plan is one autoscaler decision: move MovingSlots of Shard to Target
// because of Resource at Usage.
type Plan struct {
	Kind     MoveKind
	Shard    ShardID
	Resource Resource
	// Usage is the shard's usage of Resource (0.62 = 62% of the budget).
	Usage       float64
	MovingSlots []SlotRange
	// MovingShare is the fraction of the shard's load that moves.
	MovingShare float64
	Target      Target
	Reason      string
	// Method is how a split moves the data, and MethodReason why.
	Method       SplitMethod
	MethodReason string
	// Due is true when the coordinator acts on the plan now; a dry run
	// also lists plans that are still waiting (window, cool-down, a
	// migration in progress) with the reason.
	Due bool
}

// track is what the autoscaler remembers of one shard.
type track struct {
	load      ShardLoad
	usage     Usage
	seen      time.Time // last report
	hotSince  time.Time // zero unless hot
	coldSince time.Time // zero unless cold
	coolUntil time.Time
}

// Autoscaler turns load reports into split and merge plans. It is pure
// state and arithmetic, with time passed in; it is not safe for concurrent
// use.
type Autoscaler struct {
	p      Policy
	tracks map[ShardID]*track
}

// NewAutoscaler returns an Autoscaler with no history.
func NewAutoscaler(p Policy) *Autoscaler {
	return &Autoscaler{p: p, tracks: map[ShardID]*track{}}
}

func (a *Autoscaler) track(id ShardID) *track {
	t := a.tracks[id]
	if t == nil {
		t = &track{}
		a.tracks[id] = t
	}
	return t
}

// Observe records a load report of a shard taken at now.
func (a *Autoscaler) Observe(now time.Time, l ShardLoad) {
	t := a.track(l.Shard)
	t.load, t.usage, t.seen = l, a.p.Budget.Usage(l), now
	_, u := t.usage.Max()
	switch {
	case u >= a.p.ScaleAt:
		if t.hotSince.IsZero() {
			t.hotSince = now
		}
	case u < a.p.ScaleAt-a.p.Hysteresis:
		t.hotSince = time.Time{}
	}
	switch {
	case u < a.p.LowWater:
		if t.coldSince.IsZero() {
			t.coldSince = now
		}
	case u >= a.p.LowWater+a.p.Hysteresis:
		t.coldSince = time.Time{}
	}
}

// Acted starts the cool-down of shards a split or merge touched and clears
// their windows.
func (a *Autoscaler) Acted(now time.Time, shards ...ShardID) {
	for _, id := range shards {
		t := a.track(id)
		t.coolUntil = now.Add(a.p.Cooldown)
		t.hotSince, t.coldSince = time.Time{}, time.Time{}
	}
}

// Forget drops the history of shards for which live is false.
func (a *Autoscaler) Forget(live func(ShardID) bool) {
	for id := range a.tracks {
		if !live(id) {
			delete(a.tracks, id)
		}
	}
}

// Input is what Plans looks at besides the autoscaler's history.
type Input struct {
	// Map is the current shard map.
	Map *Map
	// Alive are the alive data nodes.
	Alive []Member
	// Nodes are the latest node load reports.
	Nodes map[NodeID]NodeLoad
	// Profiles are per-slot statistics of shards, from their primaries.
	Profiles map[ShardID][]SlotStat
	// Copies are the replicas' reports of their copies (whole or in
	// full sync, and offsets): a split promotes a whole one.
	Copies map[NodeID]map[ShardID]ShardOffset
}

// fresh returns the track of a shard if its last report is recent.
func (a *Autoscaler) fresh(now time.Time, id ShardID) *track {
	t := a.tracks[id]
	if t == nil || t.seen.IsZero() || now.Sub(t.seen) > a.p.Stale {
		return nil
	}
	return t
}

// Plans returns a plan for every hot shard (a split) and every cold shard
// with a partner (a merge), the ones to act on now first (Due). A merge
// that would go below MinShards is listed but never due. The
// coordinator acts on the first due plan only: one move at a time.
func (a *Autoscaler) Plans(now time.Time, in Input) []Plan {
	var plans []Plan
	for _, s := range in.Map.Shards() {
		t := a.fresh(now, s.ID)
		switch {
		case t == nil:
		case !t.hotSince.IsZero():
			plans = append(plans, a.splitPlan(now, in, s, t))
		case !t.coldSince.IsZero():
			if p, ok := a.mergePlan(now, in, s, t); ok {
				plans = append(plans, p)
			}
		}
	}
	slices.SortStableFunc(plans, func(x, y Plan) int {
		if x.Due != y.Due {
			if x.Due {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(x.Kind, y.Kind), cmp.Compare(y.Usage, x.Usage), cmp.Compare(x.Shard, y.Shard))
	})
	return plans
}

// blocked returns why no move can start now for shard t, or "".
func (a *Autoscaler) blocked(now time.Time, m *Map, t *track) string {
	if gs := m.Migrations(); len(gs) > 0 {
		return fmt.Sprintf("waiting for migration %d to finish", gs[0].ID)
	}
	if now.Before(t.coolUntil) {
		return fmt.Sprintf("cooling down for another %s", t.coolUntil.Sub(now).Round(time.Millisecond))
	}
	return ""
}

func (a *Autoscaler) splitPlan(now time.Time, in Input, s Shard, t *track) Plan {
	res, u := t.usage.Max()
	p := Plan{Kind: MoveSplit, Shard: s.ID, Resource: res, Usage: u}
	hot := now.Sub(t.hotSince)
	why := fmt.Sprintf("%s at %.0f%% of its budget (split at %.0f%%)", res, 100*u, 100*a.p.ScaleAt)
	stats := in.Profiles[s.ID]
	moving, share, byLoad := splitByLoad(s.Slots, stats, res)
	p.MovingSlots, p.MovingShare = moving, share
	switch {
	case len(moving) == 0:
		p.Reason = why + "; a shard of one slot cannot split"
		return p
	case !byLoad:
		why += "; no per-slot load yet, split by slot count"
	}
	method, heir, mwhy, mwait := chooseMethod(a.p.SplitMethod, s, in.Alive, in.Copies)
	p.Method, p.MethodReason = method, mwhy
	if method == MethodPromote {
		// The replica has the data already; new replicas for both
		// shards are placed after the flip (fillReplicas).
		p.Target = Target{Kind: TargetReplica, Primary: heir}
		if mwait {
			p.Reason = why + "; " + mwhy
			return p
		}
		a.due(now, in, &p, t, hot, why)
		return p
	}
	l := in.Map.edit()
	pl := newPlacer(a.p, in.Alive, in.Nodes, l)
	mem, cpu := uint64(share*float64(t.load.Memory)), share*t.load.CPU
	p.Target.Kind = TargetNode
	p.Target.Primary = pl.pick(func(c *candidate) bool { return c.m.ID != s.Primary && c.roles > 0 }, mem, cpu, "")
	if p.Target.Primary == "" {
		p.Target.Kind = TargetSpare
		p.Target.Primary = pl.pick(func(c *candidate) bool { return c.roles == 0 }, mem, cpu, "")
	}
	if p.Target.Primary == "" {
		p.Target.Kind = TargetScaleOut
		why += "; no node has room"
		if !a.p.ScaleOut {
			p.Reason = why + " and no scale-out command is set"
			return p
		}
	} else {
		pl.take(p.Target.Primary, mem, cpu)
		if a.p.Replicas > 0 {
			prim := p.Target.Primary
			p.Target.Replica = pl.pick(func(c *candidate) bool { return c.m.ID != prim }, mem, cpu, pl.zoneOf(prim))
		}
	}
	a.due(now, in, &p, t, hot, why)
	return p
}

// due sets the reason of split plan p, and Due when it can start now.
func (a *Autoscaler) due(now time.Time, in Input, p *Plan, t *track, hot time.Duration, why string) {
	switch {
	case hot < a.p.Window:
		p.Reason = fmt.Sprintf("%s; hot for %s of the %s window", why, hot.Round(time.Millisecond), a.p.Window)
	case a.p.MaxShards > 0 && len(in.Map.Shards()) >= a.p.MaxShards:
		p.Reason = fmt.Sprintf("%s; at the maximum of %d shards", why, a.p.MaxShards)
	default:
		if b := a.blocked(now, in.Map, t); b != "" {
			p.Reason = why + "; " + b
		} else {
			p.Reason = fmt.Sprintf("%s for %s", why, hot.Round(time.Millisecond))
			p.Due = true
		}
	}
}

func (a *Autoscaler) mergePlan(now time.Time, in Input, s Shard, t *track) (Plan, bool) {
	res, u := t.usage.Max()
	p := Plan{Kind: MoveMerge, Shard: s.ID, Resource: res, Usage: u, MovingSlots: s.Slots, MovingShare: 1}
	var best *Shard
	var bestU float64
	bestAdj, bestProm := false, false
	for _, o := range in.Map.Shards() {
		ot := a.fresh(now, o.ID)
		if o.ID == s.ID || ot == nil {
			continue
		}
		_, cu := t.usage.Add(ot.usage).Max()
		if cu > a.p.MergeCombinedMax {
			continue
		}
		// A target whose primary holds a whole copy of s takes its
		// slots without a copy (mergemethod.go): it comes first, then
		// adjacency, then the lower combined usage.
		adj := adjacent(s.Slots, o.Slots)
		prom := a.p.SplitMethod != SplitCopy && holdsWholeCopy(o.Primary, s, in.Alive, in.Copies)
		if best == nil || (prom && !bestProm) ||
			(prom == bestProm && ((adj && !bestAdj) || (adj == bestAdj && cu < bestU))) {
			o := o
			best, bestU, bestAdj, bestProm = &o, cu, adj, prom
		}
	}
	if best == nil {
		return p, false
	}
	p.Target = Target{Kind: TargetShard, Shard: best.ID, Primary: best.Primary}
	p.Method, p.MethodReason = mergeMethod(a.p.SplitMethod, s, *best, bestProm)
	why := fmt.Sprintf("every resource under %.0f%% (highest %s at %.0f%%); merged shard at %.0f%%",
		100*a.p.LowWater, res, 100*u, 100*bestU)
	cold := now.Sub(t.coldSince)
	ot := a.tracks[best.ID]
	switch {
	case len(in.Map.Shards()) <= a.p.MinShards:
		// Shown, never due: the dry run says why an idle cluster keeps
		// its shards.
		p.Reason = fmt.Sprintf("%s; cold for %s, but at the minimum of %d shards", why, cold.Round(time.Millisecond), a.p.MinShards)
	case cold < a.p.MergeWindow:
		p.Reason = fmt.Sprintf("%s; cold for %s of the %s window", why, cold.Round(time.Millisecond), a.p.MergeWindow)
	default:
		b := a.blocked(now, in.Map, t)
		if b == "" {
			b = a.blocked(now, in.Map, ot)
		}
		if b != "" {
			p.Reason = why + "; " + b
		} else {
			p.Reason = fmt.Sprintf("%s; cold for %s", why, cold.Round(time.Millisecond))
			p.Due = true
		}
	}
	return p, true
}

// adjacent reports whether a range of a touches a range of b.
func adjacent(a, b []SlotRange) bool {
	for _, x := range a {
		for _, y := range b {
			if x.End+1 == y.Start || y.End+1 == x.Start {
				return true
			}
		}
	}
	return false
}

// ShardStatus is the autoscaler's view of one shard (CLUSTER AUTOSCALE
// STATUS).
type ShardStatus struct {
	Shard   ShardID
	Primary NodeID
	Slots   int
	// Usage is the latest usage of each resource.
	Usage Usage
	// State is "ok", "hot", "cold", "cooldown", "moving" or "no-report".
	State string
	// For is how long the shard has been hot or cold.
	For time.Duration
	// Updated is when the last report arrived.
	Updated time.Time
}

// Status returns the state of every shard of m.
func (a *Autoscaler) Status(now time.Time, m *Map) []ShardStatus {
	var out []ShardStatus
	moving := map[ShardID]bool{}
	for _, g := range m.Migrations() {
		moving[g.From], moving[g.To] = true, true
	}
	for _, s := range m.Shards() {
		st := ShardStatus{Shard: s.ID, Primary: s.Primary, Slots: CountSlots(s.Slots), State: "ok"}
		t := a.fresh(now, s.ID)
		if old := a.tracks[s.ID]; old != nil {
			st.Usage, st.Updated = old.usage, old.seen
		}
		switch {
		case moving[s.ID]:
			st.State = "moving"
		case t == nil:
			st.State = "no-report"
		case !t.hotSince.IsZero():
			st.State, st.For = "hot", now.Sub(t.hotSince)
		case now.Before(t.coolUntil):
			st.State = "cooldown"
		case !t.coldSince.IsZero():
			st.State, st.For = "cold", now.Sub(t.coldSince)
		}
		out = append(out, st)
	}
	return out
}
