package cache

import (
	"bytes"
	"fmt"
)

// appendStream writes a stream's snapshot value: last ID, first recorded
// ID, largest deleted ID (each ms, seq as uvarints), entries added, the
// tail node's appended count, the node starts, the entries (ID, data),
// then the groups: name, last ID, entries read + 1, the consumers (name,
// seen) and the pending entries (ID, consumer index, delivery time,
// delivery count).
func appendStream(b *bytes.Buffer, s *stream) {
	id := func(v StreamID) { appendUvarint(b, v.Ms); appendUvarint(b, v.Seq) }
	id(s.lastID)
	id(s.firstID)
	id(s.maxDeleted)
	appendUvarint(b, s.entriesAdded)
	appendUvarint(b, uint64(s.tailAdded))
	appendUvarint(b, uint64(len(s.nodes)))
	for _, n := range s.nodes {
		id(n)
	}
	appendUvarint(b, uint64(len(s.entries)))
	for _, e := range s.entries {
		id(e.id)
		appendBytes(b, e.data)
	}
	appendUvarint(b, uint64(len(s.groups)))
	for _, g := range s.groups {
		appendString(b, g.name)
		id(g.lastID)
		appendUvarint(b, uint64(g.entriesRead+1))
		appendUvarint(b, uint64(len(g.consumers)))
		index := make(map[*consumer]uint64, len(g.consumers))
		for i, c := range g.consumers {
			index[c] = uint64(i)
			appendString(b, c.name)
			appendUvarint(b, uint64(c.seen))
		}
		appendUvarint(b, uint64(len(g.pelIDs)))
		for _, pid := range g.pelIDs {
			p := g.pel[pid]
			id(pid)
			appendUvarint(b, index[p.consumer])
			appendUvarint(b, uint64(p.delivered))
			appendUvarint(b, p.count)
		}
	}
}

// stream reads what appendStream wrote.
func (r *snapReader) stream() (*stream, error) {
	var err error
	u := func() uint64 {
		if err != nil {
			return 0
		}
		var v uint64
		v, err = r.uvarint()
		return v
	}
	id := func() StreamID { ms := u(); return StreamID{ms, u()} }
	count := func(what string) int {
		n := u()
		if err == nil && n > maxSnapItem {
			err = fmt.Errorf("%d %s", n, what)
		}
		return int(n)
	}
	s := &stream{}
	s.lastID, s.firstID, s.maxDeleted = id(), id(), id()
	s.entriesAdded = u()
	s.tailAdded = int(min(u(), 1<<30))
	for n := count("nodes"); err == nil && n > 0; n-- {
		s.nodes = append(s.nodes, id())
	}
	for n := count("entries"); err == nil && n > 0; n-- {
		eid := id()
		var data []byte
		if err == nil {
			data, err = r.bytes()
		}
		if err == nil && len(s.entries) > 0 && !s.entries[len(s.entries)-1].id.Less(eid) {
			err = fmt.Errorf("entry %v out of order", eid)
		}
		s.entries = append(s.entries, streamEntry{id: eid, data: data})
		s.dataBytes += sizeClass(len(data))
	}
	for n := count("groups"); err == nil && n > 0; n-- {
		var name []byte
		if name, err = r.bytes(); err != nil {
			break
		}
		g := newGroup(string(name), id(), int64(u())-1)
		var cs []*consumer
		for k := count("consumers"); err == nil && k > 0; k-- {
			var cn []byte
			if cn, err = r.bytes(); err != nil {
				break
			}
			c, _ := g.ensureConsumer(string(cn), int64(u()))
			cs = append(cs, c)
		}
		for k := count("pending entries"); err == nil && k > 0; k-- {
			pid, ci := id(), u()
			delivered, cnt := int64(u()), u()
			if err != nil {
				break
			}
			if ci >= uint64(len(cs)) {
				return nil, fmt.Errorf("pending entry of consumer %d of %d", ci, len(cs))
			}
			p := g.assign(pid, cs[ci], delivered)
			p.delivered, p.count = delivered, cnt
		}
		if err == nil && !s.addGroup(g) {
			err = fmt.Errorf("group %q twice", name)
		}
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}
