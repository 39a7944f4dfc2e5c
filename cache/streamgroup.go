package cache

import (
	"sort"
)

// streamGroup is a consumer group: the last ID delivered, the entries
// read counter (-1: unknown), the pending entries list (PEL) and the
// consumers (by name), each with its own PEL.
type streamGroup struct {
	name        string
	lastID      StreamID
	entriesRead int64
	pel         map[StreamID]*pendingEntry
	pelIDs      idList
	consumers   []*consumer
}

// pendingEntry is an entry delivered to a consumer and not acknowledged.
type pendingEntry struct {
	consumer  *consumer
	delivered int64 // unix ms of the last delivery
	count     uint64
}

// consumer is a group's consumer.
type consumer struct {
	name string
	seen int64 // unix ms of its last read or claim
	pel  idList
}

// idList is a sorted list of IDs. Removing the first is cheap, so
// acknowledging in delivery order stays linear.
type idList []StreamID

func (l idList) search(id StreamID) int {
	return sort.Search(len(l), func(i int) bool { return !l[i].Less(id) })
}

func (l *idList) insert(id StreamID) {
	s := *l
	if len(s) == 0 || s[len(s)-1].Less(id) {
		*l = append(s, id)
		return
	}
	i := s.search(id)
	if i < len(s) && s[i] == id {
		return
	}
	s = append(s, StreamID{})
	copy(s[i+1:], s[i:])
	s[i] = id
	*l = s
}

func (l *idList) remove(id StreamID) {
	s := *l
	i := s.search(id)
	if i == len(s) || s[i] != id {
		return
	}
	if i == 0 {
		*l = s[1:]
		return
	}
	*l = append(s[:i], s[i+1:]...)
}

func newGroup(name string, last StreamID, entriesRead int64) *streamGroup {
	return &streamGroup{name: name, lastID: last, entriesRead: entriesRead, pel: map[StreamID]*pendingEntry{}}
}

// group returns the group named name, or nil (also when s is nil: no
// stream).
func (s *stream) group(name string) *streamGroup {
	if s == nil {
		return nil
	}
	i := sort.Search(len(s.groups), func(i int) bool { return s.groups[i].name >= name })
	if i < len(s.groups) && s.groups[i].name == name {
		return s.groups[i]
	}
	return nil
}

// addGroup adds g unless a group of its name exists.
func (s *stream) addGroup(g *streamGroup) bool {
	i := sort.Search(len(s.groups), func(i int) bool { return s.groups[i].name >= g.name })
	if i < len(s.groups) && s.groups[i].name == g.name {
		return false
	}
	s.groups = append(s.groups, nil)
	copy(s.groups[i+1:], s.groups[i:])
	s.groups[i] = g
	return true
}

func (s *stream) delGroup(name string) bool {
	i := sort.Search(len(s.groups), func(i int) bool { return s.groups[i].name >= name })
	if i < len(s.groups) && s.groups[i].name == name {
		s.groups = append(s.groups[:i], s.groups[i+1:]...)
		return true
	}
	return false
}

func (g *streamGroup) consumerIndex(name string) int {
	return sort.Search(len(g.consumers), func(i int) bool { return g.consumers[i].name >= name })
}

// consumer returns the consumer named name, or nil.
func (g *streamGroup) consumer(name string) *consumer {
	i := g.consumerIndex(name)
	if i < len(g.consumers) && g.consumers[i].name == name {
		return g.consumers[i]
	}
	return nil
}

// ensureConsumer returns the consumer named name, creating it (seen now)
// if needed; created says whether it did.
func (g *streamGroup) ensureConsumer(name string, now int64) (c *consumer, created bool) {
	i := g.consumerIndex(name)
	if i < len(g.consumers) && g.consumers[i].name == name {
		return g.consumers[i], false
	}
	c = &consumer{name: name, seen: now}
	g.consumers = append(g.consumers, nil)
	copy(g.consumers[i+1:], g.consumers[i:])
	g.consumers[i] = c
	return c, true
}

// delConsumer removes a consumer and its pending entries; it returns how
// many it had.
func (g *streamGroup) delConsumer(name string) int {
	i := g.consumerIndex(name)
	if i == len(g.consumers) || g.consumers[i].name != name {
		return 0
	}
	c := g.consumers[i]
	for _, id := range c.pel {
		delete(g.pel, id)
		g.pelIDs.remove(id)
	}
	g.consumers = append(g.consumers[:i], g.consumers[i+1:]...)
	return len(c.pel)
}

// ack removes id from the PEL, reporting whether it was pending.
func (g *streamGroup) ack(id StreamID) bool {
	p := g.pel[id]
	if p == nil {
		return false
	}
	delete(g.pel, id)
	g.pelIDs.remove(id)
	p.consumer.pel.remove(id)
	return true
}

// assign makes c own the pending entry id (creating it), delivered now.
func (g *streamGroup) assign(id StreamID, c *consumer, now int64) *pendingEntry {
	p := g.pel[id]
	if p == nil {
		p = &pendingEntry{consumer: c, delivered: now, count: 1}
		g.pel[id] = p
		g.pelIDs.insert(id)
		c.pel.insert(id)
		return p
	}
	if p.consumer != c {
		p.consumer.pel.remove(id)
		c.pel.insert(id)
		p.consumer = c
	}
	return p
}

// pendingBytes is the accounted size of one pending entry (map slot,
// record, and its place in the two ordered lists).
const pendingBytes = 48 + 32 + 16 + 16

func (g *streamGroup) bytes() int64 {
	n := int64(128) + sizeClass(len(g.name)) + int64(len(g.pel))*pendingBytes
	for _, c := range g.consumers {
		n += 64 + sizeClass(len(c.name))
	}
	return n
}
