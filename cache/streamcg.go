package cache

// Consumer group commands on the keyspace.

// XReadGroupArgs is one stream of an XREADGROUP.
type XReadGroupArgs struct {
	Group, Consumer string
	New             bool     // ">": entries never delivered to the group
	After           StreamID // else: the consumer's pending entries after this ID
	Count           int      // 0: all
	NoAck           bool
}

// XReadGroup reads for a consumer; ok is false when nothing is served
// (the stream is then left out of the reply). History entries since
// deleted have nil Fields. ErrNoGroup when the stream or group is missing.
func (ks *Keyspace) XReadGroup(key []byte, a XReadGroupArgs) (out []StreamEntry, ok bool, err error) {
	err = ks.streamWrite(key, false, func(s *stream) (bool, error) {
		g := s.group(a.Group)
		if g == nil {
			return false, ErrNoGroup
		}
		now := ks.nowMs()
		if !a.New {
			ok = true
			c, _ := g.ensureConsumer(a.Consumer, now)
			c.seen = now
			i := c.pel.search(a.After)
			if i < len(c.pel) && c.pel[i] == a.After {
				i++
			}
			for ; i < len(c.pel) && (a.Count <= 0 || len(out) < a.Count); i++ {
				id := c.pel[i]
				if k := s.find(id); k >= 0 {
					out = append(out, s.entries[k].export())
					p := g.pel[id]
					p.delivered = now
					p.count++
				} else {
					out = append(out, StreamEntry{ID: id})
				}
			}
			return true, nil
		}
		if s.length() == 0 || !g.lastID.Less(s.lastValidID()) {
			return false, nil
		}
		ok = true
		c, _ := g.ensureConsumer(a.Consumer, now)
		c.seen = now
		start, _ := g.lastID.Incr()
		out = s.rangeEntries(start, MaxStreamID, a.Count, false)
		for _, e := range out {
			if g.lastID.Less(e.ID) {
				if g.entriesRead != -1 && !s.hasTombstones(e.ID) {
					g.entriesRead++
				} else if s.entriesAdded > 0 {
					g.entriesRead = s.estimateRead(e.ID)
				}
				g.lastID = e.ID
			}
			if !a.NoAck {
				p := g.assign(e.ID, c, now)
				p.delivered, p.count = now, 1
			}
		}
		return true, nil
	})
	return out, ok, err
}

// XGroupCreate creates a group whose last delivered ID is id (the
// stream's last ID when dollar); mkstream creates a missing stream.
func (ks *Keyspace) XGroupCreate(key []byte, group string, id StreamID, dollar, mkstream bool, entriesRead int64) error {
	return ks.streamWrite(key, mkstream, func(s *stream) (bool, error) {
		if s == nil {
			return false, ErrXGroupKeyRequired
		}
		if dollar {
			id = s.lastID
		}
		if !s.addGroup(newGroup(group, id, entriesRead)) {
			return true, ErrBusyGroup // a new stream (MKSTREAM) is kept, as in Redis
		}
		return true, nil
	})
}

// groupWrite runs fn on an existing group: ErrXGroupKeyRequired for a
// missing stream, ErrNoGroup for a missing group.
func (ks *Keyspace) groupWrite(key []byte, group string, fn func(s *stream, g *streamGroup) bool) error {
	return ks.streamWrite(key, false, func(s *stream) (bool, error) {
		if s == nil {
			return false, ErrXGroupKeyRequired
		}
		g := s.group(group)
		if g == nil {
			return false, ErrNoGroup
		}
		return fn(s, g), nil
	})
}

// XGroupSetID sets a group's last delivered ID and entries-read counter.
func (ks *Keyspace) XGroupSetID(key []byte, group string, id StreamID, dollar bool, entriesRead int64) error {
	return ks.groupWrite(key, group, func(s *stream, g *streamGroup) bool {
		if dollar {
			id = s.lastID
		}
		g.lastID, g.entriesRead = id, entriesRead
		return true
	})
}

// XGroupDestroy deletes a group, reporting whether it existed.
func (ks *Keyspace) XGroupDestroy(key []byte, group string) (bool, error) {
	var ok bool
	err := ks.streamWrite(key, false, func(s *stream) (bool, error) {
		if s == nil {
			return false, ErrXGroupKeyRequired
		}
		ok = s.delGroup(group)
		return ok, nil
	})
	return ok, err
}

// XGroupCreateConsumer adds a consumer, reporting whether it was new.
func (ks *Keyspace) XGroupCreateConsumer(key []byte, group, name string) (bool, error) {
	var created bool
	err := ks.groupWrite(key, group, func(_ *stream, g *streamGroup) bool {
		_, created = g.ensureConsumer(name, ks.nowMs())
		return created
	})
	return created, err
}

// XGroupDelConsumer removes a consumer and returns how many entries it
// had pending.
func (ks *Keyspace) XGroupDelConsumer(key []byte, group, name string) (int, error) {
	var n int
	err := ks.groupWrite(key, group, func(_ *stream, g *streamGroup) bool {
		n = g.delConsumer(name)
		return true
	})
	return n, err
}

// XAck acknowledges entries and returns how many were pending; a missing
// stream or group acknowledges none.
func (ks *Keyspace) XAck(key []byte, group string, ids []StreamID) (int64, error) {
	var n int64
	err := ks.streamWrite(key, false, func(s *stream) (bool, error) {
		if s == nil {
			return false, nil
		}
		g := s.group(group)
		if g == nil {
			return false, nil
		}
		for _, id := range ids {
			if g.ack(id) {
				n++
			}
		}
		return n > 0, nil
	})
	return n, err
}

// PendingSummary is XPENDING's short form.
type PendingSummary struct {
	Count       int64
	First, Last StreamID
	Consumers   []ConsumerPending
}

// ConsumerPending is a consumer and how many entries it has pending.
type ConsumerPending struct {
	Name    string
	Pending int64
}

// PendingEntry is one entry of XPENDING's extended form.
type PendingEntry struct {
	ID       StreamID
	Consumer string
	IdleMs   int64
	Count    uint64
}

// XPendingSummary returns a group's PEL summary; ErrNoGroup when the
// stream or group is missing.
func (ks *Keyspace) XPendingSummary(key []byte, group string) (PendingSummary, error) {
	var out PendingSummary
	err := ks.streamRead(key, func(s *stream) error {
		g := s.group(group)
		if g == nil {
			return ErrNoGroup
		}
		out.Count = int64(len(g.pelIDs))
		if out.Count > 0 {
			out.First, out.Last = g.pelIDs[0], g.pelIDs[len(g.pelIDs)-1]
		}
		for _, c := range g.consumers {
			if len(c.pel) > 0 {
				out.Consumers = append(out.Consumers, ConsumerPending{c.name, int64(len(c.pel))})
			}
		}
		return nil
	})
	return out, err
}

// XPendingRange returns up to count pending entries in [start, end],
// idle at least minIdle ms, of one consumer when consumer is not empty.
func (ks *Keyspace) XPendingRange(key []byte, group string, start, end StreamID, count int64, minIdle int64, consumer *string) ([]PendingEntry, error) {
	var out []PendingEntry
	err := ks.streamRead(key, func(s *stream) error {
		g := s.group(group)
		if g == nil {
			return ErrNoGroup
		}
		ids := g.pelIDs
		if consumer != nil {
			c := g.consumer(*consumer)
			if c == nil {
				return nil
			}
			ids = c.pel
		}
		now := ks.nowMs()
		for i := ids.search(start); i < len(ids) && count > 0 && !end.Less(ids[i]); i++ {
			p := g.pel[ids[i]]
			idle := now - p.delivered
			if minIdle != 0 && idle < minIdle {
				continue
			}
			count--
			out = append(out, PendingEntry{ID: ids[i], Consumer: p.consumer.name, IdleMs: max(idle, 0), Count: p.count})
		}
		return nil
	})
	return out, err
}

// XClaimArgs is a parsed XCLAIM.
type XClaimArgs struct {
	Group, Consumer string
	MinIdle         int64
	IDs             []StreamID
	DeliveryTime    int64 // unix ms, -1: now
	RetryCount      int64 // -1: not given
	Force, JustID   bool
	LastID          StreamID
}

// XClaim moves pending entries to a consumer and returns them (Fields nil
// with JustID).
func (ks *Keyspace) XClaim(key []byte, a XClaimArgs) ([]StreamEntry, error) {
	var out []StreamEntry
	err := ks.streamWrite(key, false, func(s *stream) (bool, error) {
		g := s.group(a.Group)
		if g == nil {
			return false, ErrNoGroup
		}
		now := ks.nowMs()
		if g.lastID.Less(a.LastID) {
			g.lastID = a.LastID
		}
		dt := a.DeliveryTime
		if dt < 0 || dt > now {
			dt = now
		}
		var c *consumer
		for _, id := range a.IDs {
			p := g.pel[id]
			k := s.find(id)
			if k < 0 {
				if p != nil {
					g.ack(id)
				}
				continue
			}
			forced := false
			if a.Force && p == nil {
				forced = true
			}
			if p == nil && !forced {
				continue
			}
			if !forced && a.MinIdle > 0 && now-p.delivered < a.MinIdle {
				continue
			}
			if c == nil {
				c, _ = g.ensureConsumer(a.Consumer, now)
				c.seen = now
			}
			if forced {
				p = g.assign(id, c, now)
			} else {
				p = g.assign(id, c, p.delivered)
			}
			p.delivered = dt
			switch {
			case a.RetryCount >= 0:
				p.count = uint64(a.RetryCount)
			case !a.JustID && !forced:
				p.count++
			case !a.JustID && forced:
				p.count = 2
			}
			if a.JustID {
				out = append(out, StreamEntry{ID: id})
			} else {
				out = append(out, s.entries[k].export())
			}
		}
		return true, nil
	})
	return out, err
}

// XAutoClaim claims up to count pending entries from start that are idle
// at least minIdle ms; it returns the cursor for the next call (0-0 at
// the end), the claimed entries (Fields nil with justID) and the IDs it
// dropped from the PEL because their entries were deleted.
func (ks *Keyspace) XAutoClaim(key []byte, group, name string, minIdle int64, start StreamID, count int, justID bool) (next StreamID, out []StreamEntry, deleted []StreamID, err error) {
	err = ks.streamWrite(key, false, func(s *stream) (bool, error) {
		g := s.group(group)
		if g == nil {
			return false, ErrNoGroup
		}
		now := ks.nowMs()
		attempts := count * 10
		i := g.pelIDs.search(start)
		ids := append([]StreamID(nil), g.pelIDs[i:min(len(g.pelIDs), i+attempts+1)]...)
		var c *consumer
		j := 0
		for ; j < len(ids) && attempts > 0 && count > 0; j++ {
			attempts--
			id := ids[j]
			p := g.pel[id]
			k := s.find(id)
			if k < 0 {
				g.ack(id)
				deleted = append(deleted, id)
				count--
				continue
			}
			if minIdle > 0 && now-p.delivered < minIdle {
				continue
			}
			if c == nil {
				c, _ = g.ensureConsumer(name, now)
				c.seen = now
			}
			p = g.assign(id, c, now)
			p.delivered = now
			if !justID {
				p.count++
			}
			count--
			if justID {
				out = append(out, StreamEntry{ID: id})
			} else {
				out = append(out, s.entries[k].export())
			}
		}
		if j < len(ids) {
			next = ids[j]
		}
		return true, nil
	})
	return next, out, deleted, err
}
