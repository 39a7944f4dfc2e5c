package cluster

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// maxBroadcast is the largest map delta sent by gossip; a larger change is
// pushed to every member over TCP instead.
const maxBroadcast = 1000

// coordinatorID returns the alive data node whose name sorts first.
func (c *Cluster) coordinatorID() NodeID {
	var best NodeID
	for _, m := range c.aliveMembers() {
		if m.Role == RoleNode && (best == "" || m.ID < best) {
			best = m.ID
		}
	}
	return best
}

// IsCoordinator reports whether this member makes the decisions now.
func (c *Cluster) IsCoordinator() bool {
	return c.cfg.Role == RoleNode && c.coordinatorID() == c.Self()
}

// aliveData returns the alive data nodes by name.
func (c *Cluster) aliveData() map[NodeID]Member {
	out := map[NodeID]Member{}
	for _, m := range c.aliveMembers() {
		if m.Role == RoleNode {
			out[m.ID] = m
		}
	}
	return out
}

// synced reports whether this member knows the map of every alive data
// node (from their load reports since they last joined) and none is newer
// than its own: only then may it decide.
func (c *Cluster) synced(alive map[NodeID]Member) (bool, uint64) {
	ls := c.loop
	top := ls.gossip.epoch
	for id, m := range alive {
		if id == c.Self() {
			continue
		}
		a, ok := ls.known[id]
		if !ok || a.boot != m.Boot {
			return false, 0
		}
		if newer(a.epoch, a.coord, ls.gossip.epoch, ls.gossip.coord) {
			return false, 0
		}
		top = max(top, a.epoch)
	}
	return true, top
}

// coordinate makes the coordinator's decisions: the first map, failovers,
// replicas, the end of migrations, and one autoscaler move at a time.
func (c *Cluster) coordinate(now time.Time) {
	ls := c.loop
	if c.cfg.Role != RoleNode || c.coordinatorID() != c.Self() {
		return
	}
	alive := c.aliveData()
	ok, top := c.synced(alive)
	if !ok {
		return
	}
	c.noteMembership(alive, now)
	aliveList := sortedMembers(alive)
	cur := ls.gossip
	epoch := top + 1
	if cur.epoch == 0 {
		if c.restore(alive, now, top) {
			return
		}
		if len(alive) < c.cfg.BootstrapExpect {
			return
		}
		l, err := bootstrap(c.cfg.Replicas, aliveList, c.cfg.InitialShards)
		if err != nil {
			return
		}
		if c.install(l, epoch) {
			c.emit(EventBootstrap, 0, fmt.Sprintf("%d shards over %d nodes", len(l.shards), len(alive)), 0)
		}
		return
	}
	if c.cfg.RequireMajority && !c.majority(cur, aliveList, now, c.failoverQuorumSince(cur, alive)) {
		return
	}
	p := c.cfg.Policy()
	l := cur.edit()
	defer c.decided() // (ownAck: installed or not, the decision is taken)
	failed := map[NodeID]failure{}
	for _, n := range cur.nodes {
		if !cur.hostsRole(n.ID) {
			continue // a spare serves nothing: keepSpares drops it when it is gone
		}
		m, ok := alive[n.ID]
		switch {
		case !ok:
			failed[n.ID] = failure{at: ls.missing[n.ID]}
		case n.Boot != 0 && m.Boot != n.Boot:
			failed[n.ID] = failure{at: now, restarted: true}
		}
	}
	for id, f := range failed {
		// A node that seems dead may be alive on the other side of a
		// partition, serving its slots until its own majority check stops
		// it: quorumWindow after it last heard from us, checked once per
		// LoadInterval. Give it that long, after the last report we had
		// from it, before its slots get a new owner.
		if !f.restarted && now.Sub(ls.heard[id]) < c.cfg.stepDownWait() {
			return
		}
		// And its lease, which a majority's acks renewed, must have run
		// out (fence.go): it refuses writes by then, whatever its own
		// view of the cluster.
		if !f.restarted && c.cfg.RequireMajority && now.Before(c.leaseBound(cur, id, alive, now)) {
			return
		}
	}
	if len(failed) > 0 {
		for id, f := range failed {
			if f.restarted {
				c.emit(EventRestarted, 0, fmt.Sprintf("%s restarted; its shards fail over", id), 0)
			}
		}
		h := c.heirs()
		l.handleFailures(failed, newPlacer(p, aliveList, ls.loads, l), now, c.emit, h)
		h.done()
	} else {
		clear(ls.partialSince)
	}
	l.abortLostPromotions(c.emit, now)
	l.refreshNodes(alive)
	l.keepSpares(alive)
	for _, note := range l.fillReplicas(newPlacer(p, aliveList, ls.loads, l), c.cfg.Replicas) {
		c.emit(EventReplica, 0, "new replica (shard:node) "+note, 0)
	}
	if c.cfg.SpreadReplicas {
		st := spreadStep{want: c.cfg.Replicas, copies: ls.copies, epoch: cur.epoch, now: now, bound: c.cfg.spreadCatchUp(), hold: ls.spread}
		if note := l.spreadReplicas(newPlacer(p, aliveList, ls.loads, l), st); note != "" {
			c.emit(EventReplica, 0, "spread: "+note, 0)
		}
	}
	for id := range ls.done {
		delete(ls.done, id)
		if g, ok := l.finishMigration(id); ok {
			if g.Method == MethodPromote && g.Kind == MoveSplit {
				if from := l.shard(g.From); from != nil {
					c.noteHandover(from.Primary, g.To)
				}
			}
			c.emit(kindOf(g.Kind), g.From, fmt.Sprintf("done: slots %s moved from shard %d to shard %d%s",
				FormatRanges(g.Slots), g.From, g.To, methodNote(g)), now.Sub(g.Started))
			ls.auto.Acted(now, g.From, g.To)
		}
	}
	for _, g := range slices.Clone(l.migrations) {
		if now.Sub(g.Started) > c.cfg.MigrationTimeout {
			l.abortMigration(g.ID)
			c.emit(EventAbort, g.From, fmt.Sprintf("%s to shard %d took longer than %s", g.Kind, g.To, c.cfg.MigrationTimeout), now.Sub(g.Started))
		}
	}
	if next, err := l.build(cur.epoch, cur.coord); err == nil && sameLayout(next, cur) {
		c.autoscale(now, l, epoch, alive)
	}
	c.install(l, epoch)
}

// failoverQuorumSince returns how recently the nodes that vouch for a
// failover must have been heard from: two LoadIntervals after the last
// report of the newest-heard map node that is gone. A member cut off from
// everyone stopped hearing all of them at about the same time, so none
// vouches; a healthy member keeps hearing the others after the dead one
// fell silent. Zero when no map node is gone.
func (c *Cluster) failoverQuorumSince(m *Map, alive map[NodeID]Member) time.Time {
	var last time.Time
	for _, n := range m.nodes {
		if _, ok := alive[n.ID]; !ok && c.loop.heard[n.ID].After(last) {
			last = c.loop.heard[n.ID]
		}
	}
	if last.IsZero() {
		return last
	}
	return last.Add(2 * c.cfg.LoadInterval)
}

// autoscale acts on the first due plan: it starts a split or merge in l,
// or runs the scale-out hook.
func (c *Cluster) autoscale(now time.Time, l *layout, epoch uint64, alive map[NodeID]Member) {
	ls := c.loop
	plans := ls.auto.Plans(now, Input{Map: ls.gossip, Alive: sortedMembers(alive), Nodes: ls.loads, Profiles: ls.profiles, Copies: ls.copies})
	if len(plans) == 0 || !plans[0].Due {
		return
	}
	p := plans[0]
	if p.Target.Kind == TargetScaleOut {
		c.scaleOut(now, p, len(alive))
		return
	}
	g, err := l.startPlan(p, epoch, now, alive)
	if err != nil {
		c.log.Warn("cannot start plan", "err", err)
		return
	}
	ls.auto.Acted(now, g.From, g.To)
	detail := fmt.Sprintf("started: %s at %.0f%%; slots %s (%.0f%% of the load) to shard %d on %s (%s)",
		p.Resource, 100*p.Usage, FormatRanges(g.Slots), 100*p.MovingShare, g.To, p.Target.Primary, p.Target.Kind)
	if p.MethodReason != "" {
		detail += "; " + p.MethodReason
	}
	c.emit(kindOf(g.Kind), g.From, detail, 0)
}

// scaleOut runs the scale-out hook, at most once per ScaleOutTimeout.
func (c *Cluster) scaleOut(now time.Time, p Plan, nodes int) {
	ls := c.loop
	if c.cfg.ScaleOut == nil || (!ls.scaleOut.IsZero() && now.Sub(ls.scaleOut) < c.cfg.ScaleOutTimeout) {
		return
	}
	ls.scaleOut = now
	req := ScaleOutRequest{Shard: p.Shard, Resource: p.Resource, Usage: p.Usage, DataNodes: nodes}
	c.emit(EventScaleOut, p.Shard, fmt.Sprintf("no node has room for half of shard %d (%s at %.0f%%): running the scale-out hook",
		p.Shard, p.Resource, 100*p.Usage), 0)
	c.lifeMu.Lock()
	defer c.lifeMu.Unlock()
	if c.stopped {
		return
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		ctx, cancel := context.WithTimeout(ls.ctx, c.cfg.ScaleOutTimeout)
		defer cancel()
		if err := c.cfg.ScaleOut(ctx, req); err != nil {
			c.log.Error("scale-out hook failed", "err", err)
		}
	}()
}

// noteMembership remembers when map nodes went missing, and records joins
// of data nodes (and how long after a scale-out request they came).
func (c *Cluster) noteMembership(alive map[NodeID]Member, now time.Time) {
	ls := c.loop
	for _, n := range ls.gossip.nodes {
		if _, ok := alive[n.ID]; ok {
			delete(ls.missing, n.ID)
		} else if _, seen := ls.missing[n.ID]; !seen {
			ls.missing[n.ID] = now
			c.emit(EventNodeFail, 0, fmt.Sprintf("%s (%s) left or failed", n.ID, n.Addr), 0)
		}
	}
	for id := range alive {
		if !ls.alive[id] && len(ls.alive) > 0 && !ls.gossip.hasNode(id) {
			if !ls.scaleOut.IsZero() {
				c.emit(EventScaleOut, 0, fmt.Sprintf("%s joined after the scale-out request", id), now.Sub(ls.scaleOut))
				ls.scaleOut = time.Time{}
			} else {
				c.emit(EventNodeJoin, 0, fmt.Sprintf("%s joined", id), 0)
			}
		}
	}
	ls.alive = map[NodeID]bool{}
	for id := range alive {
		ls.alive[id] = true
	}
}

// install builds l with the given epoch and, if it differs from the current
// map, adopts and spreads it. It reports whether it did.
func (c *Cluster) install(l *layout, epoch uint64) bool {
	ls := c.loop
	old := ls.gossip
	next, err := l.build(epoch, c.Self())
	if err != nil {
		c.log.Error("coordinator made an invalid map", "err", err)
		return false
	}
	if old.epoch > 0 && sameLayout(next, old) {
		return false
	}
	if !c.adopt(next) {
		return false
	}
	c.log.Info("new shard map", "epoch", next.epoch, "shards", len(next.shards), "migrations", len(next.migrations))
	if d := makeDelta(old, next).encode(); len(d) <= maxBroadcast {
		c.broadcast("map", d)
	}
	// Every member also gets the whole map straight away: gossip takes a
	// GossipInterval or more per hop, and a migration's target or source
	// whose map lags the coordinator's bounces cluster clients between
	// them (MOVED, TRYAGAIN) until their retries run out.
	for _, m := range c.aliveMembers() {
		if m.ID != c.Self() {
			c.sendTo(m.ID, next.encoded)
		}
	}
	return true
}

// takeMigrationDone records that the source of a migration finished moving
// its data, if the sender is that source's current run; the next decision
// flips the map.
func (c *Cluster) takeMigrationDone(from NodeID, boot uint64, id uint64) {
	ls := c.loop
	m := ls.gossip
	i := slices.IndexFunc(m.migrations, func(g Migration) bool { return g.ID == id })
	if i < 0 {
		return
	}
	src, ok := m.Shard(m.migrations[i].From)
	if n, known := m.Node(from); !ok || src.Primary != from || !known || (n.Boot != 0 && n.Boot != boot) {
		return
	}
	ls.done[id] = true
}

// methodNote names a split's or merge's method for its events.
func methodNote(g Migration) string {
	return " by " + g.Method.String()
}

func kindOf(k MoveKind) EventKind {
	if k == MoveMerge {
		return EventMerge
	}
	return EventSplit
}

func sortedMembers(ms map[NodeID]Member) []Member {
	out := make([]Member, 0, len(ms))
	for _, m := range ms {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Member) int { return cmpString(a.ID, b.ID) })
	return out
}
