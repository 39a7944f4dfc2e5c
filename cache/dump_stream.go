package cache

import "github.com/vcache/vcache/internal/rdb"

// Streams in DUMP payloads: Redis 7.0's RDB form (rdb.StreamValue), so a
// stream with its consumer groups moves between vcache and redis-server.

// rdbStream returns s in the RDB package's form.
func rdbStream(s *stream) *rdb.StreamValue {
	id := func(v StreamID) rdb.StreamID { return rdb.StreamID{Ms: v.Ms, Seq: v.Seq} }
	out := &rdb.StreamValue{Last: id(s.lastID), First: id(s.firstID), MaxDeleted: id(s.maxDeleted), EntriesAdded: s.entriesAdded}
	out.Entries = make([]rdb.StreamEntry, len(s.entries))
	for i, e := range s.entries {
		out.Entries[i] = rdb.StreamEntry{ID: id(e.id), Fields: decodeFields(e.data)}
	}
	for _, g := range s.groups {
		rg := rdb.StreamGroup{Name: []byte(g.name), LastID: id(g.lastID), EntriesRead: g.entriesRead}
		index := make(map[*consumer]int, len(g.consumers))
		for i, c := range g.consumers {
			index[c] = i
			rg.Consumers = append(rg.Consumers, rdb.StreamConsumer{Name: []byte(c.name), Seen: c.seen})
		}
		for _, pid := range g.pelIDs {
			p := g.pel[pid]
			rg.Pending = append(rg.Pending, rdb.StreamPending{ID: id(pid), Delivered: p.delivered, Count: p.count, Consumer: index[p.consumer]})
		}
		out.Groups = append(out.Groups, rg)
	}
	return out
}

// streamFromRDB builds a stream from its RDB form, its entries in nodes
// of nodeMax (stream-node-max-entries).
func streamFromRDB(v *rdb.StreamValue, nodeMax int) *stream {
	id := func(v rdb.StreamID) StreamID { return StreamID{Ms: v.Ms, Seq: v.Seq} }
	s := &stream{}
	for _, e := range v.Entries {
		s.appendEntry(id(e.ID), e.Fields, nodeMax)
	}
	s.lastID, s.firstID, s.maxDeleted, s.entriesAdded = id(v.Last), id(v.First), id(v.MaxDeleted), v.EntriesAdded
	for _, rg := range v.Groups {
		read := rg.EntriesRead
		if v.Legacy {
			read = s.estimateRead(id(rg.LastID))
		}
		g := newGroup(string(rg.Name), id(rg.LastID), read)
		cs := make([]*consumer, len(rg.Consumers))
		for i, c := range rg.Consumers {
			cs[i], _ = g.ensureConsumer(string(c.Name), c.Seen)
		}
		for _, p := range rg.Pending {
			pe := g.assign(id(p.ID), cs[p.Consumer], p.Delivered)
			pe.delivered, pe.count = p.Delivered, p.Count
		}
		s.addGroup(g)
	}
	return s
}
