package rdb

import (
	"encoding/binary"
	"strconv"
)

// Streams as Redis 7.0 writes them (RDB_TYPE_STREAM_LISTPACKS_2): the
// entries in listpack nodes keyed by their master ID (16 bytes, ms and
// seq big-endian), each node a master entry (count, deleted count, the
// master fields, a 0) then entries (flags, ms and seq as differences from
// the master ID, the fields unless the SAMEFIELDS flag says they are the
// master's, the values, then the entry's element count); then the
// length, the last, first and largest deleted IDs, entries added, and
// the consumer groups with their pending entries and consumers.
// RDB_TYPE_STREAM_LISTPACKS (Redis 5 and 6) lacks the first and deleted
// IDs, the entries added and each group's entries read.

const (
	typeStreamLP  = 15
	typeStreamLP2 = 19

	streamFlagDeleted   = 1
	streamFlagSameField = 2
	// streamNodeEntries is how many entries Encode puts in one node
	// (Redis's stream-node-max-entries default).
	streamNodeEntries = 100
)

// StreamID is a stream entry's ID.
type StreamID struct{ Ms, Seq uint64 }

// StreamEntry is one entry: its ID and fields, field, value, ...
type StreamEntry struct {
	ID     StreamID
	Fields [][]byte
}

// StreamPending is a pending entry of a group: its ID, last delivery
// (unix ms), deliveries and the consumer that holds it.
type StreamPending struct {
	ID        StreamID
	Delivered int64
	Count     uint64
	Consumer  int // index in the group's Consumers
}

// StreamConsumer is a group's consumer and when it was last seen (unix ms).
type StreamConsumer struct {
	Name []byte
	Seen int64
}

// StreamGroup is a consumer group.
type StreamGroup struct {
	Name        []byte
	LastID      StreamID
	EntriesRead int64 // -1: unknown
	Consumers   []StreamConsumer
	Pending     []StreamPending // ascending IDs
}

// StreamValue is a Stream value.
type StreamValue struct {
	Entries                 []StreamEntry // ascending IDs
	Last, First, MaxDeleted StreamID
	EntriesAdded            uint64
	Groups                  []StreamGroup
	// Legacy is set for a stream of Redis 6.2 and older (RDB type 15),
	// which keeps no entries-read per group: the reader estimates them
	// as Redis 7 does when it loads one.
	Legacy bool
}

func (r *reader) plainLen() (uint64, bool) {
	n, enc, ok := r.length()
	return n, ok && !enc
}

func (r *reader) streamID() (StreamID, bool) {
	ms, ok1 := r.plainLen()
	seq, ok2 := r.plainLen()
	return StreamID{ms, seq}, ok1 && ok2
}

func (r *reader) rawID() (StreamID, bool) {
	p, ok := r.take(16)
	if !ok {
		return StreamID{}, false
	}
	return StreamID{binary.BigEndian.Uint64(p), binary.BigEndian.Uint64(p[8:])}, true
}

func (r *reader) msTime() (int64, bool) {
	p, ok := r.take(8)
	if !ok {
		return 0, false
	}
	return int64(binary.LittleEndian.Uint64(p)), true
}

func less(a, b StreamID) bool { return a.Ms < b.Ms || (a.Ms == b.Ms && a.Seq < b.Seq) }

// stream reads a stream of type t.
func (r *reader) stream(t byte) (*StreamValue, bool) {
	s := &StreamValue{}
	nodes, ok := r.plainLen()
	if !ok || nodes > uint64(len(r.b)) {
		return nil, false
	}
	for range nodes {
		key, ok := r.str()
		if !ok || len(key) != 16 {
			return nil, false
		}
		master := StreamID{binary.BigEndian.Uint64(key), binary.BigEndian.Uint64(key[8:])}
		blob, ok := r.str()
		if !ok {
			return nil, false
		}
		items, ok := packEntries(blob)
		if !ok || !s.readNode(master, items) {
			return nil, false
		}
	}
	length, ok := r.plainLen()
	if !ok || length != uint64(len(s.Entries)) {
		return nil, false
	}
	if s.Last, ok = r.streamID(); !ok {
		return nil, false
	}
	if t == typeStreamLP2 {
		f, ok1 := r.streamID()
		d, ok2 := r.streamID()
		a, ok3 := r.plainLen()
		if !ok1 || !ok2 || !ok3 {
			return nil, false
		}
		s.First, s.MaxDeleted, s.EntriesAdded = f, d, a
	} else {
		s.Legacy = true
		s.EntriesAdded = uint64(len(s.Entries))
		if len(s.Entries) > 0 {
			s.First = s.Entries[0].ID
		}
	}
	if n := len(s.Entries); n > 0 && less(s.Last, s.Entries[n-1].ID) {
		return nil, false
	}
	groups, ok := r.plainLen()
	if !ok || groups > uint64(len(r.b)) {
		return nil, false
	}
	seen := map[string]bool{}
	for range groups {
		g, ok := r.group(t)
		if !ok || seen[string(g.Name)] {
			return nil, false
		}
		seen[string(g.Name)] = true
		s.Groups = append(s.Groups, g)
	}
	return s, true
}

// readNode appends a node's live entries.
func (s *StreamValue) readNode(master StreamID, items [][]byte) bool {
	num := func(i int) (int64, bool) {
		if i >= len(items) {
			return 0, false
		}
		v, err := strconv.ParseInt(string(items[i]), 10, 64)
		return v, err == nil
	}
	count, ok1 := num(0)
	deleted, ok2 := num(1)
	nf, ok3 := num(2)
	if !ok1 || !ok2 || !ok3 || count < 0 || deleted < 0 || nf < 0 || 3+int(nf) >= len(items) || nf > int64(len(items)) {
		return false
	}
	masterFields := items[3 : 3+nf]
	if z, ok := num(3 + int(nf)); !ok || z != 0 {
		return false
	}
	i := 4 + int(nf)
	live, dead := int64(0), int64(0)
	for i < len(items) {
		flags, ok1 := num(i)
		dms, ok2 := num(i + 1)
		dseq, ok3 := num(i + 2)
		if !ok1 || !ok2 || !ok3 {
			return false
		}
		i += 3
		id := StreamID{master.Ms + uint64(dms), master.Seq + uint64(dseq)}
		var fv [][]byte
		if flags&streamFlagSameField != 0 {
			if len(masterFields) == 0 || i+len(masterFields) > len(items) {
				return false
			}
			for k, f := range masterFields {
				fv = append(fv, f, items[i+k])
			}
			i += len(masterFields)
		} else {
			n, ok := num(i)
			if !ok || n <= 0 || n > int64(len(items)) || i+1+2*int(n) > len(items) {
				return false
			}
			fv = append(fv, items[i+1:i+1+2*int(n)]...)
			i += 1 + 2*int(n)
		}
		if _, ok := num(i); !ok { // lp-count
			return false
		}
		i++
		if flags&streamFlagDeleted != 0 {
			dead++
			continue
		}
		live++
		if n := len(s.Entries); n > 0 && !less(s.Entries[n-1].ID, id) {
			return false
		}
		s.Entries = append(s.Entries, StreamEntry{ID: id, Fields: fv})
	}
	return live == count && dead == deleted
}

func (r *reader) group(t byte) (StreamGroup, bool) {
	var g StreamGroup
	var ok bool
	if g.Name, ok = r.str(); !ok {
		return g, false
	}
	if g.LastID, ok = r.streamID(); !ok {
		return g, false
	}
	g.EntriesRead = -1
	if t == typeStreamLP2 {
		v, ok := r.plainLen()
		if !ok {
			return g, false
		}
		g.EntriesRead = int64(v)
	}
	npel, ok := r.plainLen()
	if !ok || npel > uint64(len(r.b))/16 {
		return g, false
	}
	index := map[StreamID]int{}
	for range npel {
		id, ok1 := r.rawID()
		at, ok2 := r.msTime()
		cnt, ok3 := r.plainLen()
		if !ok1 || !ok2 || !ok3 {
			return g, false
		}
		if n := len(g.Pending); n > 0 && !less(g.Pending[n-1].ID, id) {
			return g, false
		}
		index[id] = len(g.Pending)
		g.Pending = append(g.Pending, StreamPending{ID: id, Delivered: at, Count: cnt, Consumer: -1})
	}
	ncons, ok := r.plainLen()
	if !ok || ncons > uint64(len(r.b)) {
		return g, false
	}
	names := map[string]bool{}
	for range ncons {
		name, ok1 := r.str()
		seen, ok2 := r.msTime()
		n, ok3 := r.plainLen()
		if !ok1 || !ok2 || !ok3 || names[string(name)] || n > uint64(len(r.b))/16 {
			return g, false
		}
		names[string(name)] = true
		ci := len(g.Consumers)
		g.Consumers = append(g.Consumers, StreamConsumer{Name: name, Seen: seen})
		for range n {
			id, ok := r.rawID()
			if !ok {
				return g, false
			}
			k, found := index[id]
			if !found || g.Pending[k].Consumer != -1 {
				return g, false
			}
			g.Pending[k].Consumer = ci
		}
	}
	for _, p := range g.Pending {
		if p.Consumer < 0 { // a pending entry no consumer holds
			return g, false
		}
	}
	return g, true
}

// appendStream writes s as RDB_TYPE_STREAM_LISTPACKS_2 (after the type
// byte): nodes of up to streamNodeEntries entries, each entry with its
// own fields (no SAMEFIELDS compression).
func appendStream(b []byte, s *StreamValue) []byte {
	nodes := (len(s.Entries) + streamNodeEntries - 1) / streamNodeEntries
	b = appendLen(b, uint64(nodes))
	for i := 0; i < len(s.Entries); i += streamNodeEntries {
		es := s.Entries[i:min(len(s.Entries), i+streamNodeEntries)]
		master := es[0].ID
		key := binary.BigEndian.AppendUint64(nil, master.Ms)
		key = binary.BigEndian.AppendUint64(key, master.Seq)
		b = appendStr(b, key)
		var lp []byte
		n := 0
		add := func(v []byte) { lp = appendLPEntry(lp, v); n++ }
		addInt := func(v int64) { add(strconv.AppendInt(nil, v, 10)) }
		addInt(int64(len(es)))
		addInt(0)
		addInt(int64(len(es[0].Fields) / 2))
		for k := 0; k < len(es[0].Fields); k += 2 {
			add(es[0].Fields[k])
		}
		addInt(0)
		for _, e := range es {
			addInt(0)
			addInt(int64(e.ID.Ms - master.Ms))
			addInt(int64(e.ID.Seq - master.Seq))
			nf := len(e.Fields) / 2
			addInt(int64(nf))
			for _, f := range e.Fields {
				add(f)
			}
			addInt(int64(2*nf + 4))
		}
		b = appendStr(b, finishListpack(lp, n))
	}
	id := func(v StreamID) { b = appendLen(appendLen(b, v.Ms), v.Seq) }
	b = appendLen(b, uint64(len(s.Entries)))
	id(s.Last)
	id(s.First)
	id(s.MaxDeleted)
	b = appendLen(b, s.EntriesAdded)
	b = appendLen(b, uint64(len(s.Groups)))
	raw := func(v StreamID) {
		b = binary.BigEndian.AppendUint64(b, v.Ms)
		b = binary.BigEndian.AppendUint64(b, v.Seq)
	}
	for _, g := range s.Groups {
		b = appendStr(b, g.Name)
		id(g.LastID)
		b = appendLen(b, uint64(g.EntriesRead))
		b = appendLen(b, uint64(len(g.Pending)))
		for _, p := range g.Pending {
			raw(p.ID)
			b = binary.LittleEndian.AppendUint64(b, uint64(p.Delivered))
			b = appendLen(b, p.Count)
		}
		b = appendLen(b, uint64(len(g.Consumers)))
		for ci, c := range g.Consumers {
			b = appendStr(b, c.Name)
			b = binary.LittleEndian.AppendUint64(b, uint64(c.Seen))
			var mine []StreamID
			for _, p := range g.Pending {
				if p.Consumer == ci {
					mine = append(mine, p.ID)
				}
			}
			b = appendLen(b, uint64(len(mine)))
			for _, m := range mine {
				raw(m)
			}
		}
	}
	return b
}
