package cluster

import (
	"context"
	"time"
)

// runner is a Migrate call in progress on this node.
type runner struct {
	cancel context.CancelFunc
	from   ShardID
}

// migrationResult is what a runner's Migrate returned.
type migrationResult struct {
	id  uint64
	err error
}

// syncRunners starts a Migrate for every migration this node is the source
// primary of, cancels those it no longer is, and (re)tells the coordinator
// about finished ones.
func (c *Cluster) syncRunners() {
	ls := c.loop
	m := ls.gossip
	mine := map[uint64]Migration{}
	for _, g := range m.migrations {
		if s, ok := m.Shard(g.From); ok && s.Primary == c.Self() {
			mine[g.ID] = g
		}
	}
	for id, r := range ls.runners {
		if _, ok := mine[id]; !ok {
			r.cancel()
			delete(ls.runners, id)
		}
	}
	for id := range ls.finished {
		if _, ok := mine[id]; !ok {
			delete(ls.finished, id)
		}
	}
	for id, g := range mine {
		switch {
		case ls.finished[id]:
			c.migrationDone(id)
		case ls.runners[id] != nil:
		case c.cfg.Migrator == nil:
			ls.finished[id] = true
			c.migrationDone(id)
		default:
			c.startRunner(g)
		}
	}
}

// startRunner calls the Migrator for g on a goroutine of its own.
func (c *Cluster) startRunner(g Migration) {
	ls := c.loop
	to, _ := ls.gossip.Shard(g.To)
	task := MigrationTask{Migration: g, Target: to.Primary, TargetAddr: ls.gossip.Addr(to.Primary),
		Report: func(detail string, took time.Duration) { c.emit(kindOf(g.Kind), g.From, detail, took) }}
	ctx, cancel := context.WithCancel(ls.ctx)
	ls.runners[g.ID] = &runner{cancel: cancel, from: g.From}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer cancel()
		err := c.cfg.Migrator.Migrate(ctx, task)
		select {
		case c.migDone <- migrationResult{g.ID, err}:
		case <-ctx.Done():
		}
	}()
}

// migrationFinished handles a Migrate result.
func (c *Cluster) migrationFinished(r migrationResult) {
	ls := c.loop
	if ls.runners[r.id] == nil {
		return // abandoned meanwhile
	}
	delete(ls.runners, r.id)
	if r.err != nil {
		c.log.Warn("migration failed; retrying", "migration", r.id, "err", r.err)
		return // syncRunners restarts it on the next tick
	}
	ls.finished[r.id] = true
	c.migrationDone(r.id)
	if c.coordinatorID() == c.Self() {
		// The coordinator moved the data itself: flip the map now rather
		// than at the next tick (a remote source's message does the same).
		c.coordinate(time.Now())
	}
}

// migrationDone tells the coordinator that this node moved a migration's
// data.
func (c *Cluster) migrationDone(id uint64) {
	coord := c.coordinatorID()
	switch coord {
	case "":
	case c.Self():
		c.takeMigrationDone(c.Self(), c.boot, id)
	default:
		c.sendTo(coord, migrationDoneMsg{from: c.Self(), boot: c.boot, id: id}.encode())
	}
}

// stopRunners cancels every Migrate in progress.
func (c *Cluster) stopRunners() {
	for id, r := range c.loop.runners {
		r.cancel()
		delete(c.loop.runners, id)
	}
}

// sendLoop sends queued TCP messages, one at a time, each bounded by
// TCPTimeout.
func (c *Cluster) sendLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case o := <-c.outbox:
			c.memMu.Lock()
			r, ok := c.members[o.to]
			c.memMu.Unlock()
			if !ok {
				continue
			}
			if err := c.ml.Load().SendReliable(r.node(), o.msg); err != nil {
				c.log.Debug("gossip send failed", "to", string(o.to), "err", err)
			}
		}
	}
}

// reconnectLoop tries, every ReconnectInterval, to rejoin one random member
// that failed (within ReconnectTimeout), and the seeds when this member is
// alone. This heals partitions and brings restarted seeds back.
func (c *Cluster) reconnectLoop(ctx context.Context) {
	t := time.NewTicker(c.cfg.ReconnectInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var addrs []string
		now := time.Now()
		c.memMu.Lock()
		for id, r := range c.failed { // map order is random enough
			if now.Sub(r.at) > c.cfg.ReconnectTimeout {
				delete(c.failed, id)
				continue
			}
			if len(addrs) == 0 {
				addrs = append(addrs, r.Bus)
			}
		}
		alone := len(c.members) <= 1
		c.memMu.Unlock()
		if alone {
			addrs = append(addrs, c.cfg.Seeds...)
		}
		if len(addrs) == 0 {
			continue
		}
		if n, err := c.ml.Load().Join(addrs); err != nil && n == 0 {
			c.log.Debug("reconnect failed", "addrs", addrs, "err", err)
		}
	}
}
