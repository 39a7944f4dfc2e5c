package cluster

import (
	"context"
	"slices"
	"strings"
	"time"
)

// loopState is the cluster state only the loop goroutine touches.
type loopState struct {
	ctx      context.Context        // ends at Shutdown
	gossip   *Map                   // the adopted map, without view
	known    map[NodeID]announced   // the map each member last announced
	loads    map[NodeID]NodeLoad    // latest node load reports
	profiles map[ShardID][]SlotStat // per-slot load, by shard (coordinator)
	profSent map[ShardID]time.Time  // when this node last sent a profile
	auto     *Autoscaler            // fed by every member, acted on by the coordinator
	missing  map[NodeID]time.Time   // map nodes first seen missing
	alive    map[NodeID]bool        // data nodes alive at the last decision
	done     map[uint64]bool        // migrations whose data moved (coordinator)
	runners  map[uint64]*runner     // migrations this node moves as source
	finished map[uint64]bool        // migrations this node finished moving
	lastReq  map[NodeID]time.Time   // when a map was last requested from a member
	heard    map[NodeID]time.Time   // when a data node's last load report arrived
	seen     map[string]announced   // latest load report part handled, by "node/part"
	scaleOut time.Time              // when the scale-out hook last ran
	// restoreSince is when the coordinator began waiting for the nodes
	// of the saved map (Config.Restore).
	restoreSince time.Time
	seq          uint64      // load report sequence
	offsets      replOffsets // replication offsets from load reports
	// copies is the last offset report of each map node for each shard
	// it holds, whole or partial (heir.go); kept while the node is in
	// the map, even dead, so a failover can compare with it.
	copies map[NodeID]map[ShardID]ShardOffset
	// partialSince is when the coordinator began to keep a shard whose
	// primary failed unserved because its replicas' copies are partial.
	partialSince map[ShardID]time.Time
	// offsetsDirty is set when offsets changed since they were published.
	offsetsDirty bool
	// spread is the coordinator's memory of replica moves (spread.go).
	spread *spreadHold

	// Leases (fence.go): when this node last sent probes, what each
	// member last reported of its acks, the members whose reports say
	// they send no acks, those that answer held reports, and the
	// latest of this node's reports each member said it took
	// (fencehold.go).
	lastProbe  time.Time
	ackReports map[NodeID]ackReport
	legacy     map[NodeID]bool
	answers    map[NodeID]bool
	took       map[NodeID]announced
}

// announced is the map a member said it had, in a load report.
type announced struct {
	epoch uint64
	coord NodeID
	boot  uint64
	seq   uint64
}

func newLoopState(ctx context.Context, c *Cluster) *loopState {
	return &loopState{
		ctx:      ctx,
		gossip:   emptyMap(),
		known:    map[NodeID]announced{},
		loads:    map[NodeID]NodeLoad{},
		profiles: map[ShardID][]SlotStat{},
		profSent: map[ShardID]time.Time{},
		auto:     NewAutoscaler(c.cfg.Policy()),
		missing:  map[NodeID]time.Time{},
		alive:    map[NodeID]bool{},
		done:     map[uint64]bool{},
		runners:  map[uint64]*runner{},
		finished: map[uint64]bool{},
		lastReq:  map[NodeID]time.Time{},
		seen:     map[string]announced{},
		heard:    map[NodeID]time.Time{},
		offsets:  replOffsets{},
		copies:   map[NodeID]map[ShardID]ShardOffset{},

		partialSince: map[ShardID]time.Time{},
		spread:       newSpreadHold(),
		ackReports:   map[NodeID]ackReport{},
		legacy:       map[NodeID]bool{},
		answers:      map[NodeID]bool{},
		took:         map[NodeID]announced{},
	}
}

// run is the loop: it owns loopState and serializes gossip messages,
// membership changes, load reports and decisions.
func (c *Cluster) run(ctx context.Context) {
	tick := time.NewTicker(c.cfg.LoadInterval)
	defer tick.Stop()
	defer c.stopRunners()
	c.publish()
	for {
		select {
		case <-ctx.Done():
			return
		case h := <-c.hold:
			select {
			case <-h:
			case <-ctx.Done():
				return
			}
		case in := <-c.inbox:
			c.handle(in.b, in.at)
		case <-c.memberCh:
			c.publish()
			c.coordinate(time.Now())
		case r := <-c.migDone:
			c.migrationFinished(r)
		case <-c.refresh:
			c.catchUp(time.Now())
			if coord := c.coordinatorID(); coord != "" {
				c.requestMap(coord, time.Now())
			}
		case <-tick.C:
			now := time.Now()
			c.prune()
			c.publish()
			c.reportLoad(now)
			c.probeLease(now)
			c.coordinate(now)
			c.syncRunners()
			c.catchUp(now)
			c.updateStatus(now)
			c.publishOffsets()
		}
	}
}

// publish stores the adopted map with this member's current view and tells
// the watchers when something changed.
func (c *Cluster) publish() {
	ls := c.loop
	members := c.aliveMembers()
	down := false
	if c.cfg.Role == RoleNode && c.cfg.RequireMajority && ls.gossip.epoch > 0 {
		down = !c.majority(ls.gossip, members, time.Now(), time.Time{})
	}
	old := c.cur.Load()
	if old.epoch == ls.gossip.epoch && old.coord == ls.gossip.coord && old.down == down &&
		slices.Equal(old.members, members) {
		return
	}
	m := ls.gossip.withView(c.Self(), c.boot, members, down)
	c.cur.Store(m)
	c.notifyWatchers(m, old.epoch != m.epoch || old.coord != m.coord)
}

// majority reports whether this member is in touch with more than half of
// the map's data nodes: alive in its member list and heard from (a load
// report) within quorumWindow, and, when since is not zero, after since.
// Failure detection takes longer than quorumWindow, so a member cut off
// from the others loses its majority before they declare it dead.
//
// A node counts only while the map it announced is not newer than m: it
// vouches for the map it has, not for m. A member back from a partition
// during which the majority gave its slots to others hears their load
// reports before their map arrives (it asks for it then); until it adopts
// that map it must not serve from its own (ErrDown), or it answers reads
// with values the majority overwrote and acknowledges writes that the
// majority's map loses. Redis Cluster's node likewise takes a newer
// config epoch's claim on its slots before it serves them again.
func (c *Cluster) majority(m *Map, alive []Member, now, since time.Time) bool {
	ls := c.loop
	n := 0
	for _, x := range m.nodes {
		i := slices.IndexFunc(alive, func(a Member) bool { return a.ID == x.ID })
		switch {
		case i < 0:
		case x.ID == c.Self():
			n++
		default:
			at := ls.heard[x.ID]
			a, ok := ls.known[x.ID]
			if ok && a.boot == alive[i].Boot && now.Sub(at) <= c.cfg.quorumWindow() && !at.Before(since) &&
				!newer(a.epoch, a.coord, m.epoch, m.coord) {
				n++
			}
		}
	}
	return 2*n > len(m.nodes)
}

// handle decodes one gossip message, which arrived at at, and acts on it.
func (c *Cluster) handle(b []byte, at time.Time) {
	msg, err := decodeMessage(b)
	if err != nil {
		c.log.Debug("dropping gossip message", "err", err)
		return
	}
	ls := c.loop
	switch m := msg.(type) {
	case mapMsg:
		c.adopt(m.m)
	case deltaMsg:
		if !newer(m.epoch, m.coord, ls.gossip.epoch, ls.gossip.coord) {
			return
		}
		next, err := applyDelta(ls.gossip, m)
		if err != nil {
			c.requestMap(m.coord, time.Now())
			return
		}
		if c.adopt(next) {
			c.broadcast("map", b) // receivers re-broadcast
		}
	case mapRequestMsg:
		if ls.gossip.epoch > 0 && newer(ls.gossip.epoch, ls.gossip.coord, m.epoch, m.coord) {
			c.sendTo(m.from, ls.gossip.encoded)
		}
	case loadMsg:
		// memberlist sends a broadcast to a few members only; like the
		// map deltas, every member passes a report on, once.
		key := string(m.from) + "/" + itoa(int(m.part))
		if prev, ok := ls.seen[key]; ok && prev.boot == m.boot && prev.seq >= m.seq {
			return
		}
		ls.seen[key] = announced{boot: m.boot, seq: m.seq}
		c.broadcast("load/"+key, b)
		c.takeLoad(m, at)
	case profileMsg:
		if s, ok := ls.gossip.Shard(m.shard); ok && s.Primary == m.from {
			ls.profiles[m.shard] = m.stats
		}
	case eventMsg:
		if c.events.add(m.ev) {
			c.broadcast("ev/"+m.ev.ID, b)
		}
	case migrationDoneMsg:
		c.takeMigrationDone(m.from, m.boot, m.id)
		c.coordinate(at)
	case reportSeenMsg:
		c.takeAnswer(m)
	case leaseProbeMsg, leaseAckMsg:
		c.takeLeasePacket(b, at) // (memberlist hands them over directly)
	}
}

// adopt makes m the current map if it is newer; it reports whether it did.
func (c *Cluster) adopt(m *Map) bool {
	ls := c.loop
	if !m.NewerThan(ls.gossip) {
		return false
	}
	first := ls.gossip.epoch == 0
	ls.gossip = m
	// Count the acks already in against the new map, and ask for more at
	// once: the first map's lease should not wait for the next tick.
	c.recountLeases(m)
	if first {
		ls.lastProbe = time.Time{}
	}
	c.probeLease(time.Now())
	ls.auto.Forget(func(id ShardID) bool { _, ok := m.Shard(id); return ok })
	for id := range ls.profiles {
		if _, ok := m.Shard(id); !ok {
			delete(ls.profiles, id)
		}
	}
	c.log.Debug("adopted shard map", "epoch", m.epoch, "coordinator", string(m.coord))
	c.publish()
	c.syncRunners()
	return true
}

// takeLoad records a load report: the sender's map announcement, its node
// totals, and the load of the shards it is primary of.
func (c *Cluster) takeLoad(m loadMsg, now time.Time) {
	ls := c.loop
	ls.known[m.from] = announced{epoch: m.epoch, coord: m.coord, boot: m.boot, seq: m.seq}
	if m.part == 0 && m.from != c.Self() {
		if m.leases {
			delete(ls.legacy, m.from)
			c.takeAckReport(m.from, m, now)
		} else {
			ls.legacy[m.from] = true
		}
		if m.answers {
			ls.answers[m.from] = true
		} else {
			delete(ls.answers, m.from)
		}
		if a, ok := c.answerFor(m); ok {
			c.sendPacket(m.from, a.encode())
		}
	}
	if newer(m.epoch, m.coord, ls.gossip.epoch, ls.gossip.coord) {
		c.requestMap(m.from, now)
	}
	m.load.Time = now
	ls.loads[m.from] = m.load // node totals; shard loads go to the autoscaler
	c.takeOffsets(m.from, m.load.Offsets)
	if now.After(ls.heard[m.from]) {
		ls.heard[m.from] = now
	}
	for _, s := range m.load.Shards {
		if sh, ok := ls.gossip.Shard(s.Shard); ok && sh.Primary == m.from {
			ls.auto.Observe(now, s)
		}
	}
}

// maxReportShards is how many shard loads one load message carries, so it
// fits a gossip packet.
const maxReportShards = 16

// partOf returns the elements of s that part of a load report carries.
func partOf[T any](s []T, part int) []T {
	lo := min(len(s), part*maxReportShards)
	return s[lo:min(len(s), lo+maxReportShards)]
}

// reportLoad gossips this node's load report and, for its shards near the
// split line, sends per-slot statistics to the coordinator.
func (c *Cluster) reportLoad(now time.Time) {
	if c.cfg.Role != RoleNode {
		return
	}
	ls := c.loop
	var nl NodeLoad
	if c.cfg.Load != nil {
		nl = c.cfg.Load.Load()
	}
	nl.Node = c.Self()
	nl.Shards = slices.DeleteFunc(nl.Shards, func(s ShardLoad) bool {
		sh, ok := ls.gossip.Shard(s.Shard)
		return !ok || sh.Primary != c.Self()
	})
	ls.seq++
	acks, holding := c.recentAcks(now, ls.seq)
	for part := 0; part == 0 || part*maxReportShards < max(len(nl.Shards), len(nl.Offsets)); part++ {
		msg := loadMsg{from: c.Self(), boot: c.boot, seq: ls.seq, part: uint64(part), epoch: ls.gossip.epoch, coord: ls.gossip.coord, load: nl,
			leases: true, answers: true, holding: holding}
		if part == 0 {
			msg.acks = acks
		}
		msg.load.Shards = partOf(nl.Shards, part)
		msg.load.Offsets = partOf(nl.Offsets, part)
		c.broadcast("load/"+string(c.Self())+"/"+itoa(part), msg.encode())
	}
	c.takeLoad(loadMsg{from: c.Self(), boot: c.boot, seq: ls.seq, epoch: ls.gossip.epoch, coord: ls.gossip.coord, load: nl}, now)
	if c.cfg.Load == nil {
		return
	}
	p := c.cfg.Policy()
	for _, s := range nl.Shards {
		_, u := p.Budget.Usage(s).Max()
		if u < p.ScaleAt-p.Hysteresis || now.Sub(ls.profSent[s.Shard]) < p.Window/2 {
			continue
		}
		sh, _ := ls.gossip.Shard(s.Shard)
		msg := profileMsg{from: c.Self(), shard: s.Shard, stats: c.cfg.Load.SlotStats(sh.Slots)}
		slices.SortFunc(msg.stats, func(a, b SlotStat) int { return a.Slot - b.Slot })
		msg.stats = slices.CompactFunc(msg.stats, func(a, b SlotStat) bool { return a.Slot == b.Slot })
		msg.stats = slices.DeleteFunc(msg.stats, func(st SlotStat) bool { return !validSlot(st.Slot) })
		ls.profSent[s.Shard] = now
		if coord := c.coordinatorID(); coord == c.Self() {
			ls.profiles[s.Shard] = msg.stats
		} else if coord != "" {
			c.sendTo(coord, msg.encode())
		}
	}
}

// prune forgets what departed members announced and reported.
func (c *Cluster) prune() {
	ls := c.loop
	alive := map[NodeID]bool{}
	for _, m := range c.aliveMembers() {
		alive[m.ID] = true
	}
	for id := range ls.known {
		if !alive[id] {
			delete(ls.ackReports, id)
			delete(ls.legacy, id)
			delete(ls.answers, id)
			delete(ls.took, id)
			delete(ls.known, id)
			delete(ls.loads, id)
			delete(ls.offsets, id)
			ls.offsetsDirty = true
			delete(ls.lastReq, id)
		}
	}
	for id := range ls.heard {
		if !alive[id] && !ls.gossip.hasNode(id) {
			delete(ls.heard, id)
		}
	}
	for id := range ls.copies {
		if !alive[id] && !ls.gossip.hasNode(id) {
			delete(ls.copies, id)
		}
	}
	for key := range ls.seen {
		if id, _, _ := strings.Cut(key, "/"); !alive[NodeID(id)] {
			delete(ls.seen, key)
		}
	}
}

// catchUp asks for the full map when a member announced a newer one than
// ours (a delta was lost, or we just joined).
func (c *Cluster) catchUp(now time.Time) {
	ls := c.loop
	for id, a := range ls.known {
		if newer(a.epoch, a.coord, ls.gossip.epoch, ls.gossip.coord) {
			c.requestMap(id, now)
			return
		}
	}
}

// requestMap asks a member for its full map, at most once per LoadInterval.
func (c *Cluster) requestMap(from NodeID, now time.Time) {
	ls := c.loop
	if from == c.Self() || from == "" || now.Sub(ls.lastReq[from]) < c.cfg.LoadInterval {
		return
	}
	ls.lastReq[from] = now
	c.sendTo(from, mapRequestMsg{from: c.Self(), epoch: ls.gossip.epoch, coord: ls.gossip.coord}.encode())
}

// sendTo queues msg for a TCP send to a member; it drops it if the sender
// is behind.
func (c *Cluster) sendTo(to NodeID, msg []byte) {
	select {
	case c.outbox <- outMsg{to, msg}:
		c.sent.Add(1)
	default:
		c.dropped.Add(1)
	}
}

func itoa(i int) string { return ShardID(i).String() }
