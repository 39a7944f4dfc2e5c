package cache

// StreamInfo is what XINFO STREAM reports.
type StreamInfo struct {
	Length                int64
	RadixKeys, RadixNodes int64
	LastID, MaxDeleted    StreamID
	EntriesAdded          int64
	FirstRecorded         StreamID
	Groups                int64
	First, Last           *StreamEntry    // nil when empty
	Entries               []StreamEntry   // FULL
	GroupsFull            []GroupInfoFull // FULL
}

// GroupInfo is one group of XINFO GROUPS.
type GroupInfo struct {
	Name               string
	Consumers, Pending int64
	LastID             StreamID
	EntriesRead        int64 // -1: unknown
	Lag                int64
	LagKnown           bool
}

// GroupInfoFull is one group of XINFO STREAM FULL.
type GroupInfoFull struct {
	GroupInfo
	Pending   []PendingFull
	Consumers []ConsumerFull
}

// PendingFull is a pending entry in XINFO STREAM FULL.
type PendingFull struct {
	ID        StreamID
	Consumer  string
	Delivered int64 // unix ms
	Count     uint64
}

// ConsumerFull is a consumer in XINFO STREAM FULL.
type ConsumerFull struct {
	Name     string
	Seen     int64
	PELCount int64
	Pending  []PendingFull
}

// ConsumerInfo is one consumer of XINFO CONSUMERS.
type ConsumerInfo struct {
	Name    string
	Pending int64
	IdleMs  int64
}

// lag is Redis's consumer group lag, known or not.
func (s *stream) lag(g *streamGroup) (int64, bool) {
	if s.entriesAdded == 0 {
		return 0, true
	}
	if g.entriesRead != -1 && !s.hasTombstones(g.lastID) {
		return int64(s.entriesAdded) - g.entriesRead, true
	}
	if r := s.estimateRead(g.lastID); r != -1 {
		return int64(s.entriesAdded) - r, true
	}
	return 0, false
}

func (s *stream) groupInfo(g *streamGroup) GroupInfo {
	lag, ok := s.lag(g)
	return GroupInfo{Name: g.name, Consumers: int64(len(g.consumers)), Pending: int64(len(g.pelIDs)),
		LastID: g.lastID, EntriesRead: g.entriesRead, Lag: lag, LagKnown: ok}
}

// XInfoStream describes the stream; with full, up to count (0: all)
// entries and pending entries per group and consumer. ErrNoSuchKey when
// missing.
func (ks *Keyspace) XInfoStream(key []byte, full bool, count int) (StreamInfo, error) {
	var in StreamInfo
	err := ks.streamRead(key, func(s *stream) error {
		if s == nil {
			return ErrNoSuchKey
		}
		in = StreamInfo{Length: int64(s.length()), RadixKeys: int64(len(s.nodes)), LastID: s.lastID,
			MaxDeleted: s.maxDeleted, EntriesAdded: int64(s.entriesAdded), FirstRecorded: s.firstID,
			Groups: int64(len(s.groups))}
		in.RadixNodes = 1
		if len(s.nodes) > 0 {
			in.RadixNodes = int64(len(s.nodes)) + 1
		}
		if !full {
			if n := s.length(); n > 0 {
				f, l := s.entries[0].export(), s.entries[n-1].export()
				in.First, in.Last = &f, &l
			}
			return nil
		}
		in.Entries = s.rangeEntries(StreamID{}, MaxStreamID, count, false)
		for _, g := range s.groups {
			gf := GroupInfoFull{GroupInfo: s.groupInfo(g)}
			for _, id := range g.pelIDs {
				if count > 0 && len(gf.Pending) >= count {
					break
				}
				p := g.pel[id]
				gf.Pending = append(gf.Pending, PendingFull{id, p.consumer.name, p.delivered, p.count})
			}
			for _, c := range g.consumers {
				cf := ConsumerFull{Name: c.name, Seen: c.seen, PELCount: int64(len(c.pel))}
				for _, id := range c.pel {
					if count > 0 && len(cf.Pending) >= count {
						break
					}
					p := g.pel[id]
					cf.Pending = append(cf.Pending, PendingFull{id, c.name, p.delivered, p.count})
				}
				gf.Consumers = append(gf.Consumers, cf)
			}
			in.GroupsFull = append(in.GroupsFull, gf)
		}
		return nil
	})
	return in, err
}

// XInfoGroups describes the stream's groups; ErrNoSuchKey when missing.
func (ks *Keyspace) XInfoGroups(key []byte) ([]GroupInfo, error) {
	var out []GroupInfo
	err := ks.streamRead(key, func(s *stream) error {
		if s == nil {
			return ErrNoSuchKey
		}
		for _, g := range s.groups {
			out = append(out, s.groupInfo(g))
		}
		return nil
	})
	return out, err
}

// XInfoConsumers describes a group's consumers; ErrNoSuchKey or
// ErrNoGroup when missing.
func (ks *Keyspace) XInfoConsumers(key []byte, group string) ([]ConsumerInfo, error) {
	var out []ConsumerInfo
	err := ks.streamRead(key, func(s *stream) error {
		if s == nil {
			return ErrNoSuchKey
		}
		g := s.group(group)
		if g == nil {
			return ErrNoGroup
		}
		now := ks.nowMs()
		for _, c := range g.consumers {
			out = append(out, ConsumerInfo{c.name, int64(len(c.pel)), max(now-c.seen, 0)})
		}
		return nil
	})
	return out, err
}
