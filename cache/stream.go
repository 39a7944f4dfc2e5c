package cache

import (
	"encoding/binary"
	"sort"
)

// streamNodeEntries is how many entries Redis packs into one radix-tree
// node by default (stream-node-max-entries): approximate trimming (~)
// removes whole nodes only, so vcache keeps the same node boundaries.
const streamNodeEntries = 100

// streamEntry is one entry: its ID and its fields and values, encoded as
// uvarint-length-prefixed strings in one allocation that is never
// modified (readers may keep it).
type streamEntry struct {
	id   StreamID
	data []byte
}

// stream is a stream value: entries in ID order (IDs only grow, so XADD
// appends), the node boundaries Redis would have, and the consumer
// groups. Guarded by its stripe's mutex.
type stream struct {
	entries      []streamEntry
	nodes        []StreamID // first ID of each node, ascending; a node spans up to the next
	tailAdded    int        // entries appended to the last node (deleted ones included)
	lastID       StreamID
	firstID      StreamID // recorded-first-entry-id
	maxDeleted   StreamID
	entriesAdded uint64
	groups       []*streamGroup // by name
	dataBytes    int64          // size classes of the entries' data
}

// encodeFields packs an entry's fields and values into an allocation of
// exactly their encoded size, the size the stream's dataBytes counts
// (room for a 5-byte length per field took a third more for a short
// entry than was counted).
func encodeFields(fv [][]byte) []byte {
	n := 0
	for _, f := range fv {
		n += uvarintLen(uint64(len(f))) + len(f)
	}
	b := make([]byte, 0, n)
	for _, f := range fv {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// decodeFields splits an entry's data into its fields and values (sharing
// its bytes).
func decodeFields(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			break
		}
		out = append(out, b[k:k+int(n)])
		b = b[k+int(n):]
	}
	return out
}

// search returns the index of the first entry with an ID >= id.
func (s *stream) search(id StreamID) int {
	return sort.Search(len(s.entries), func(i int) bool { return !s.entries[i].id.Less(id) })
}

// find returns the index of the entry with ID id, or -1.
func (s *stream) find(id StreamID) int {
	i := s.search(id)
	if i < len(s.entries) && s.entries[i].id == id {
		return i
	}
	return -1
}

func (s *stream) length() int { return len(s.entries) }

// appendEntry adds an entry with an ID above every other.
// A node takes nodeMax entries (0: no limit).
func (s *stream) appendEntry(id StreamID, fv [][]byte, nodeMax int) {
	data := encodeFields(fv)
	lastNodeLive := len(s.nodes) > 0 && len(s.entries) > 0 && !s.entries[len(s.entries)-1].id.Less(s.nodes[len(s.nodes)-1])
	if !lastNodeLive || (nodeMax > 0 && s.tailAdded >= nodeMax) {
		if len(s.nodes) > 0 && !lastNodeLive {
			s.nodes = s.nodes[:len(s.nodes)-1]
		}
		s.nodes = append(s.nodes, id)
		s.tailAdded = 0
	}
	s.tailAdded++
	s.entries = append(s.entries, streamEntry{id: id, data: data})
	s.dataBytes += sizeClass(len(data))
	if len(s.entries) == 1 {
		s.firstID = id
	}
	s.lastID = id
	s.entriesAdded++
}

// removeAt deletes entries [i, j) and drops emptied nodes.
func (s *stream) removeAt(i, j int) {
	if i >= j {
		return
	}
	for k := i; k < j; k++ {
		s.dataBytes -= sizeClass(len(s.entries[k].data))
	}
	if i == 0 {
		clear(s.entries[:j])
		s.entries = s.entries[j:]
	} else {
		s.entries = append(s.entries[:i], s.entries[j:]...)
		clear(s.entries[len(s.entries) : len(s.entries)+j-i])
	}
	s.dropEmptyNodes()
}

// dropEmptyNodes removes nodes with no live entry.
func (s *stream) dropEmptyNodes() {
	out := s.nodes[:0]
	for n, start := range s.nodes {
		lo := s.search(start)
		hi := len(s.entries)
		if n+1 < len(s.nodes) {
			hi = s.search(s.nodes[n+1])
		}
		if hi > lo {
			out = append(out, start)
		} else if n == len(s.nodes)-1 {
			s.tailAdded = 1 << 30 // the next append starts a node
		}
	}
	s.nodes = out
}

// refreshFirst records the first live ID (0-0 when empty).
func (s *stream) refreshFirst() {
	s.firstID = StreamID{}
	if len(s.entries) > 0 {
		s.firstID = s.entries[0].id
	}
}

// Trim strategies.
const (
	TrimNone = iota
	TrimMaxLen
	TrimMinID
)

// TrimArgs is how XADD and XTRIM trim: MAXLEN or MINID, exact or
// approximate (~) with a LIMIT of entries removed (0: none).
type TrimArgs struct {
	Strategy int
	MaxLen   int64
	MinID    StreamID
	Approx   bool
	Limit    int64
}

// trim removes entries from the head as t says and returns how many.
// Approximate trimming removes whole nodes only, within t.Limit entries.
func (s *stream) trim(t TrimArgs) int64 {
	if t.Strategy == TrimNone {
		return 0
	}
	removed := 0
	for len(s.entries) > 0 {
		// the first node: entries [0, hi)
		hi := len(s.entries)
		if len(s.nodes) > 1 {
			hi = s.search(s.nodes[1])
		}
		if t.Limit > 0 && int64(removed+hi) > t.Limit {
			break
		}
		var whole bool
		if t.Strategy == TrimMaxLen {
			whole = int64(len(s.entries)-hi) >= t.MaxLen
		} else {
			whole = s.entries[hi-1].id.Less(t.MinID)
		}
		if whole {
			s.removeAt(0, hi)
			removed += hi
			continue
		}
		if t.Approx {
			break
		}
		n := 0
		for n < hi {
			if t.Strategy == TrimMaxLen && int64(len(s.entries)-n) <= t.MaxLen {
				break
			}
			if t.Strategy == TrimMinID && !s.entries[n].id.Less(t.MinID) {
				break
			}
			n++
		}
		if n > 0 {
			// Redis marks these deleted inside the node: the node stays.
			for k := 0; k < n; k++ {
				s.dataBytes -= sizeClass(len(s.entries[k].data))
			}
			clear(s.entries[:n])
			s.entries = s.entries[n:]
			removed += n
		}
		break
	}
	if removed > 0 {
		s.refreshFirst()
	}
	return int64(removed)
}

// del deletes the entry with ID id, reporting whether it existed.
func (s *stream) del(id StreamID) bool {
	i := s.find(id)
	if i < 0 {
		return false
	}
	s.removeAt(i, i+1)
	if s.maxDeleted.Less(id) {
		s.maxDeleted = id
	}
	if id == s.firstID {
		s.refreshFirst()
	}
	return true
}

// bytes estimates the stream's heap bytes besides the entry.
func (s *stream) bytes() int64 {
	n := int64(160) + sizeClass(cap(s.entries)*40) + s.dataBytes + sizeClass(cap(s.nodes)*16)
	for _, g := range s.groups {
		n += g.bytes()
	}
	return n
}

// rangeEntries returns the entries with IDs in [start, end], at most count
// (0: all), last first when rev.
func (s *stream) rangeEntries(start, end StreamID, count int, rev bool) []StreamEntry {
	if end.Less(start) {
		return nil
	}
	lo := s.search(start)
	hi := lo
	for hi < len(s.entries) && !end.Less(s.entries[hi].id) {
		if !rev && count > 0 && hi-lo >= count {
			break
		}
		hi++
	}
	if rev {
		var out []StreamEntry
		for i := hi - 1; i >= lo && (count <= 0 || len(out) < count); i-- {
			out = append(out, s.entries[i].export())
		}
		return out
	}
	out := make([]StreamEntry, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, s.entries[i].export())
	}
	return out
}

// StreamEntry is an entry as commands return it; Fields alternates field
// and value and must not be modified.
type StreamEntry struct {
	ID     StreamID
	Fields [][]byte
}

func (e streamEntry) export() StreamEntry { return StreamEntry{ID: e.id, Fields: decodeFields(e.data)} }

// lastValidID is the ID of the last live entry (0-0 when empty).
func (s *stream) lastValidID() StreamID {
	if len(s.entries) == 0 {
		return StreamID{}
	}
	return s.entries[len(s.entries)-1].id
}

// hasTombstones reports whether an entry was deleted in [start, end], as
// Redis tells from the largest deleted ID.
func (s *stream) hasTombstones(start StreamID) bool {
	if len(s.entries) == 0 || s.maxDeleted.IsZero() {
		return false
	}
	if s.maxDeleted.Less(s.firstID) {
		return false
	}
	return !s.maxDeleted.Less(start)
}

// estimateRead is Redis's estimate of the entries read up to id: -1 when
// unknown.
func (s *stream) estimateRead(id StreamID) int64 {
	if s.entriesAdded == 0 {
		return 0
	}
	if len(s.entries) == 0 && id.Cmp(s.lastID) < 1 {
		return int64(s.entriesAdded)
	}
	switch id.Cmp(s.lastID) {
	case 0:
		return int64(s.entriesAdded)
	case 1:
		return -1
	}
	if s.maxDeleted.IsZero() || s.maxDeleted.Less(s.firstID) {
		switch id.Cmp(s.firstID) {
		case -1:
			return int64(s.entriesAdded) - int64(len(s.entries))
		case 0:
			return int64(s.entriesAdded) - int64(len(s.entries)) + 1
		}
	}
	return -1
}
