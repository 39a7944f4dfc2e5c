package cluster

import (
	"net"
	"slices"
	"strconv"
	"time"

	"github.com/vcache/vcache/internal/keyslot"
)

// splitAddr splits "host:port" into its parts; a bad address gives the
// whole string and port 0.
func splitAddr(addr string) (string, int) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, 0
	}
	port, _ := strconv.Atoi(p)
	return host, port
}

// nodeList returns the data nodes CLUSTER NODES lists: those of the map and
// alive data nodes that own nothing (warm spares), sorted by name.
func (m *Map) nodeList() []Member {
	out := slices.Clone(m.nodes)
	for _, a := range m.members {
		if a.Role == RoleNode && !m.hasNode(a.ID) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b Member) int { return cmpString(a.ID, b.ID) })
	return out
}

// NodeRow is one line of CLUSTER NODES, in Redis's field order:
//
//	<id> <ip:port@cport> <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot> ...
type NodeRow struct {
	ID      string // 40 hex digits
	Addr    string // the RESP address, host:port
	BusPort int    // the gossip port
	// Flags are "myself" (the member asked), then "master" or "slave",
	// then "fail" when the node is dead.
	Flags []string
	// Master is the Redis id of the primary a slave replicates, or "-".
	Master      string
	PingSent    int64 // always 0: gossip pings are memberlist's
	PongRecv    int64 // unix ms; 0 for myself and dead nodes
	ConfigEpoch uint64
	LinkState   string      // "connected" or "disconnected"
	Slots       []SlotRange // normalized, of the shards the node leads
	// Moves lists, on the myself row only, the slots migrating out of
	// ([slot->-id]) or into ([slot-<-id]) shards the node leads.
	Moves []SlotMove
}

// SlotMove is a slot in migration, as CLUSTER NODES shows it on the
// myself line.
type SlotMove struct {
	Slot int
	// Importing is true when the slot comes to the node (from Node), false
	// when it leaves (to Node).
	Importing bool
	Node      string // Redis id of the other primary
}

// NodeRows returns the CLUSTER NODES rows of m as member self sees it at
// now: the map's nodes and the warm spares, sorted by name.
//
// A node that is primary of some shard is a master listing all their
// slots; a node that only holds replicas is a slave of the primary of its
// first one (Redis Cluster has no node with both roles). The bus port is
// the gossip port.
func (m *Map) NodeRows(self NodeID, now time.Time) []NodeRow {
	var rows []NodeRow
	for _, n := range m.nodeList() {
		prim, repl := m.ShardsOf(n.ID)
		alive := n.ID == self || m.Alive(n.ID)
		_, bus := splitAddr(n.Bus)
		r := NodeRow{ID: n.ID.RedisID(), Addr: n.Addr, BusPort: bus, Master: "-", ConfigEpoch: m.epoch, LinkState: "connected"}
		if n.ID == self {
			r.Flags = append(r.Flags, "myself")
		}
		if len(prim) == 0 && len(repl) > 0 {
			r.Flags = append(r.Flags, "slave")
			r.Master = repl[0].Primary.RedisID()
		} else {
			r.Flags = append(r.Flags, "master")
		}
		if !alive {
			r.Flags = append(r.Flags, "fail")
			r.LinkState = "disconnected"
		}
		if n.ID != self && alive {
			r.PongRecv = now.UnixMilli()
		}
		var ranges []SlotRange
		for _, s := range prim {
			ranges = append(ranges, s.Slots...)
		}
		r.Slots = normalizeRanges(ranges)
		if n.ID == self {
			for _, g := range m.migrations {
				from, _ := m.Shard(g.From)
				to, _ := m.Shard(g.To)
				for _, slot := range SlotsIn(g.Slots) {
					if from.Primary == self {
						r.Moves = append(r.Moves, SlotMove{Slot: slot, Node: to.Primary.RedisID()})
					}
					if to.Primary == self {
						r.Moves = append(r.Moves, SlotMove{Slot: slot, Importing: true, Node: from.Primary.RedisID()})
					}
				}
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// Info is the data of CLUSTER INFO.
type Info struct {
	State         string // "ok" or "fail"
	SlotsAssigned int
	SlotsOK       int
	SlotsPFail    int
	SlotsFail     int
	KnownNodes    int
	Size          int // primaries serving at least one slot
	CurrentEpoch  uint64
	MyEpoch       uint64
	MessagesSent  uint64
	MessagesRecv  uint64
	Shards        int
	Coordinator   NodeID
	Migrations    int
}

// Info returns the CLUSTER INFO data of m as seen by self, with the gossip
// message counters sent and received. The state is ok when every slot is
// served by an alive primary and self is not in a minority partition.
func (m *Map) Info(self NodeID, sent, received uint64) Info {
	in := Info{CurrentEpoch: m.epoch, MyEpoch: m.epoch, MessagesSent: sent, MessagesRecv: received,
		Shards: len(m.shards), Coordinator: m.coord, Migrations: len(m.migrations), KnownNodes: len(m.nodeList())}
	primaries := map[NodeID]bool{}
	for _, s := range m.shards {
		n := CountSlots(s.Slots)
		in.SlotsAssigned += n
		if n > 0 {
			primaries[s.Primary] = true
		}
		if s.Primary == self || m.Alive(s.Primary) {
			in.SlotsOK += n
		} else {
			in.SlotsFail += n
		}
	}
	in.Size = len(primaries)
	in.State = "fail"
	if in.SlotsOK == keyslot.Count && !(self == m.self && m.down) {
		in.State = "ok"
	}
	return in
}
