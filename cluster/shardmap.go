package cluster

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/vcache/vcache/internal/keyslot"
)

// Shard is a set of slot ranges served by one primary, with replicas on
// other nodes. Values returned by a Map share its slices: never modify them.
type Shard struct {
	ID       ShardID
	Slots    []SlotRange
	Primary  NodeID
	Replicas []NodeID
}

// hosts reports whether n is the primary or a replica of s.
func (s Shard) hosts(n NodeID) bool {
	return s.Primary == n || slices.Contains(s.Replicas, n)
}

// MoveKind says why slots move between shards.
type MoveKind uint8

// Kinds of migration.
const (
	MoveSplit MoveKind = 1 // part of a hot shard moves to a new shard
	MoveMerge MoveKind = 2 // all of a cold shard moves into a neighbour
)

// String returns "split" or "merge".
func (k MoveKind) String() string {
	switch k {
	case MoveSplit:
		return "split"
	case MoveMerge:
		return "merge"
	}
	return fmt.Sprintf("move(%d)", uint8(k))
}

// Migration is slots moving from one shard to another. While it lasts the
// slots still belong to From; the source node answers -ASK for keys it no
// longer has, and the target serves clients that sent ASKING. When the data
// has moved the coordinator gives the slots to To with a new epoch.
type Migration struct {
	ID      uint64
	Kind    MoveKind
	From    ShardID
	To      ShardID
	Slots   []SlotRange
	Started time.Time
	// Method is how a split moves the data (a merge always copies).
	Method SplitMethod
}

// Map is an immutable shard map: which shard owns each slot, which nodes
// serve each shard, and the epoch that orders maps. A Map from
// Cluster.Map also carries the member's view of the cluster (Members,
// Self, Down), which is local and not gossiped. All methods are safe for
// concurrent use; returned slices must not be modified.
type Map struct {
	epoch      uint64
	coord      NodeID
	nodes      []Member    // data nodes named by shards, sorted by ID
	shards     []Shard     // sorted by ID
	migrations []Migration // sorted by ID
	nextShard  ShardID     // the id the next new shard gets
	owner      []uint16    // per slot: index into shards + 1, 0 = none
	moving     []uint16    // per slot: index into migrations + 1; nil if none
	addrs      []string    // per shard index: the primary's RESP address
	serving    []string    // addresses of primaries that own slots, sorted, once each
	encoded    []byte      // the msgMap encoding, made once

	// The local view.
	self     NodeID
	selfBoot uint64
	members  []Member // alive members, sorted by ID
	down     bool
	stale    bool // the map's record of self is about an earlier run
}

// errBadMap is wrapped by every reason a map is refused.
var errBadMap = errors.New("cluster: invalid shard map")

// buildMap checks the parts of a map and indexes them. It takes ownership
// of the slices.
func buildMap(epoch uint64, coord NodeID, next ShardID, nodes []Member, shards []Shard, migs []Migration) (*Map, error) {
	m := &Map{epoch: epoch, coord: coord, nextShard: next, nodes: nodes, shards: shards, migrations: migs}
	slices.SortFunc(m.nodes, func(a, b Member) int { return cmpString(a.ID, b.ID) })
	slices.SortFunc(m.shards, func(a, b Shard) int { return cmpUint(a.ID, b.ID) })
	slices.SortFunc(m.migrations, func(a, b Migration) int { return cmpUint(a.ID, b.ID) })
	for i := 1; i < len(m.nodes); i++ {
		if m.nodes[i].ID == m.nodes[i-1].ID {
			return nil, fmt.Errorf("%w: node %s listed twice", errBadMap, m.nodes[i].ID)
		}
	}
	m.owner = make([]uint16, keyslot.Count)
	if len(m.shards) >= 1<<16-1 {
		return nil, fmt.Errorf("%w: too many shards", errBadMap)
	}
	for i, s := range m.shards {
		if i > 0 && s.ID == m.shards[i-1].ID {
			return nil, fmt.Errorf("%w: shard %d listed twice", errBadMap, s.ID)
		}
		if s.ID >= m.nextShard {
			return nil, fmt.Errorf("%w: shard %d not below the next id %d", errBadMap, s.ID, m.nextShard)
		}
		if s.Primary == "" || !m.hasNode(s.Primary) {
			return nil, fmt.Errorf("%w: shard %d has no known primary", errBadMap, s.ID)
		}
		for j, r := range s.Replicas {
			if r == s.Primary || slices.Contains(s.Replicas[:j], r) || !m.hasNode(r) {
				return nil, fmt.Errorf("%w: shard %d has a bad replica %s", errBadMap, s.ID, r)
			}
		}
		for _, r := range s.Slots {
			if !validSlot(r.Start) || !validSlot(r.End) || r.Start > r.End {
				return nil, fmt.Errorf("%w: shard %d has range %d-%d", errBadMap, s.ID, r.Start, r.End)
			}
			for slot := r.Start; slot <= r.End; slot++ {
				if m.owner[slot] != 0 {
					return nil, fmt.Errorf("%w: slot %d has two owners", errBadMap, slot)
				}
				m.owner[slot] = uint16(i + 1)
			}
		}
	}
	m.addrs = make([]string, len(m.shards))
	for i, s := range m.shards {
		m.addrs[i] = m.Addr(s.Primary)
		if len(s.Slots) > 0 && m.addrs[i] != "" {
			m.serving = append(m.serving, m.addrs[i])
		}
	}
	slices.Sort(m.serving)
	m.serving = slices.Compact(m.serving)
	if len(m.migrations) > 0 {
		m.moving = make([]uint16, keyslot.Count)
	}
	for i, g := range m.migrations {
		from, ok1 := m.shardIndex(g.From)
		_, ok2 := m.shardIndex(g.To)
		if !ok1 || !ok2 || g.From == g.To || (i > 0 && g.ID == m.migrations[i-1].ID) {
			return nil, fmt.Errorf("%w: migration %d between unknown shards", errBadMap, g.ID)
		}
		for _, r := range g.Slots {
			if !validSlot(r.Start) || !validSlot(r.End) || r.Start > r.End {
				return nil, fmt.Errorf("%w: migration %d has range %d-%d", errBadMap, g.ID, r.Start, r.End)
			}
			for slot := r.Start; slot <= r.End; slot++ {
				if int(m.owner[slot]) != from+1 || m.moving[slot] != 0 {
					return nil, fmt.Errorf("%w: migration %d moves slot %d it cannot", errBadMap, g.ID, slot)
				}
				m.moving[slot] = uint16(i + 1)
			}
		}
	}
	m.encoded = encodeMapMsg(m)
	return m, nil
}

// emptyMap is the map of a member that has not received one: epoch 0, no
// slot served.
func emptyMap() *Map {
	m, _ := buildMap(0, "", 1, nil, nil, nil)
	return m
}

// withView returns a copy of m carrying a member's local view.
func (m *Map) withView(self NodeID, boot uint64, members []Member, down bool) *Map {
	c := *m
	c.self, c.selfBoot, c.members, c.down = self, boot, members, down
	n, ok := c.Node(self)
	c.stale = ok && n.Boot != 0 && boot != 0 && n.Boot != boot
	return &c
}

// newer reports whether a map (e1, c1) takes precedence over (e2, c2): a
// higher epoch wins; on equal epochs the coordinator that sorts first does.
func newer(e1 uint64, c1 NodeID, e2 uint64, c2 NodeID) bool {
	if e1 != e2 {
		return e1 > e2
	}
	return c1 != "" && (c2 == "" || c1 < c2)
}

// NewerThan reports whether m takes precedence over o.
func (m *Map) NewerThan(o *Map) bool { return newer(m.epoch, m.coord, o.epoch, o.coord) }

// Epoch returns the map's epoch; 0 means no map yet.
func (m *Map) Epoch() uint64 { return m.epoch }

// Coordinator returns the member that made this map.
func (m *Map) Coordinator() NodeID { return m.coord }

// Shards returns the shards, sorted by ID.
func (m *Map) Shards() []Shard { return m.shards }

// Nodes returns the data nodes that serve a shard, sorted by ID.
func (m *Map) Nodes() []Member { return m.nodes }

// Migrations returns the migrations in progress, sorted by ID.
func (m *Map) Migrations() []Migration { return m.migrations }

// Members returns the alive members (data nodes and proxies) this member
// sees, sorted by ID. It is empty for a map that did not come from a Cluster.
func (m *Map) Members() []Member { return m.members }

// Self returns the member whose view this is ("" outside a Cluster).
func (m *Map) Self() NodeID { return m.self }

// Down reports whether this member sees too few data nodes to serve (it is
// in a minority partition); Route then returns ErrDown.
func (m *Map) Down() bool { return m.down }

// Shard returns the shard with the given id.
func (m *Map) Shard(id ShardID) (Shard, bool) {
	if i, ok := m.shardIndex(id); ok {
		return m.shards[i], true
	}
	return Shard{}, false
}

func (m *Map) shardIndex(id ShardID) (int, bool) {
	return slices.BinarySearchFunc(m.shards, id, func(s Shard, id ShardID) int { return cmpUint(s.ID, id) })
}

// Node returns the map's record of a data node.
func (m *Map) Node(id NodeID) (Member, bool) {
	i, ok := slices.BinarySearchFunc(m.nodes, id, func(n Member, id NodeID) int { return cmpString(n.ID, id) })
	if !ok {
		return Member{}, false
	}
	return m.nodes[i], true
}

func (m *Map) hasNode(id NodeID) bool { _, ok := m.Node(id); return ok }

// Member returns an alive member of this view.
func (m *Map) Member(id NodeID) (Member, bool) {
	i, ok := slices.BinarySearchFunc(m.members, id, func(n Member, id NodeID) int { return cmpString(n.ID, id) })
	if !ok {
		return Member{}, false
	}
	return m.members[i], true
}

// Alive reports whether id is an alive member in this view. Outside a
// Cluster view (no members at all) every node counts as alive.
func (m *Map) Alive(id NodeID) bool {
	if m.members == nil {
		return true
	}
	_, ok := m.Member(id)
	return ok
}

// Owner returns the shard that owns slot.
func (m *Map) Owner(slot int) (Shard, bool) {
	if !validSlot(slot) || m.owner[slot] == 0 {
		return Shard{}, false
	}
	return m.shards[m.owner[slot]-1], true
}

// MigrationOf returns the migration that moves slot, if any.
func (m *Map) MigrationOf(slot int) (Migration, bool) {
	if m.moving == nil || !validSlot(slot) || m.moving[slot] == 0 {
		return Migration{}, false
	}
	return m.migrations[m.moving[slot]-1], true
}

// Addr returns the RESP address of a data node of the map.
func (m *Map) Addr(id NodeID) string {
	n, _ := m.Node(id)
	return n.Addr
}

// AddrOfSlot returns the RESP address of the primary that serves slot; ok
// is false when the slot is not served.
func (m *Map) AddrOfSlot(slot int) (addr string, ok bool) {
	if !validSlot(slot) || m.owner[slot] == 0 {
		return "", false
	}
	addr = m.addrs[m.owner[slot]-1]
	return addr, addr != ""
}

// PrimaryAddrs returns the RESP addresses of the primaries that own slots,
// sorted, each once (where fan-out commands go).
func (m *Map) PrimaryAddrs() []string { return m.serving }

// SlotsAssigned returns how many slots have an owner.
func (m *Map) SlotsAssigned() int {
	n := 0
	for _, s := range m.shards {
		n += CountSlots(s.Slots)
	}
	return n
}

// IsReplica reports whether node id holds a replica of the shard that owns
// slot (it may then serve reads from clients that sent READONLY).
func (m *Map) IsReplica(slot int, id NodeID) bool {
	s, ok := m.Owner(slot)
	return ok && slices.Contains(s.Replicas, id)
}

// ShardsOf returns the shards node id is primary of and those it is a
// replica of.
func (m *Map) ShardsOf(id NodeID) (primary, replica []Shard) {
	for _, s := range m.shards {
		if s.Primary == id {
			primary = append(primary, s)
		} else if slices.Contains(s.Replicas, id) {
			replica = append(replica, s)
		}
	}
	return primary, replica
}

func cmpString[T ~string](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpUint[T ~uint32 | ~uint64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
