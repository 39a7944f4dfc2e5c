package cluster

import (
	"net"
	"slices"
	"strconv"
	"strings"
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

// FormatNodes returns the CLUSTER NODES text of m as member self sees it at
// now, in Redis's line format:
//
//	<id> <ip:port@cport> <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot> ...
//
// A node that is primary of some shard is a master listing all their
// slots; a node that only holds replicas is a slave of the primary of its
// first one (Redis Cluster has no node with both roles). The myself line
// also lists migrating ([slot->-id]) and importing ([slot-<-id]) slots.
// The bus port is the gossip port.
func FormatNodes(m *Map, self NodeID, now time.Time) string {
	var b strings.Builder
	for _, n := range m.nodeList() {
		prim, repl := m.ShardsOf(n.ID)
		alive := n.ID == self || m.Alive(n.ID)
		_, bus := splitAddr(n.Bus)
		b.WriteString(n.ID.RedisID())
		b.WriteByte(' ')
		b.WriteString(n.Addr)
		b.WriteString("@" + strconv.Itoa(bus))
		var flags []string
		if n.ID == self {
			flags = append(flags, "myself")
		}
		master := "-"
		if len(prim) == 0 && len(repl) > 0 {
			flags = append(flags, "slave")
			master = repl[0].Primary.RedisID()
		} else {
			flags = append(flags, "master")
		}
		if !alive {
			flags = append(flags, "fail")
		}
		pong, link := "0", "connected"
		if n.ID != self && alive {
			pong = strconv.FormatInt(now.UnixMilli(), 10)
		}
		if !alive {
			link = "disconnected"
		}
		b.WriteString(" " + strings.Join(flags, ",") + " " + master + " 0 " + pong + " " +
			strconv.FormatUint(m.epoch, 10) + " " + link)
		var ranges []SlotRange
		for _, s := range prim {
			ranges = append(ranges, s.Slots...)
		}
		for _, r := range normalizeRanges(ranges) {
			b.WriteString(" " + r.String())
		}
		if n.ID == self {
			for _, g := range m.migrations {
				from, _ := m.Shard(g.From)
				to, _ := m.Shard(g.To)
				for _, slot := range SlotsIn(g.Slots) {
					if from.Primary == self {
						b.WriteString(" [" + strconv.Itoa(slot) + "->-" + to.Primary.RedisID() + "]")
					}
					if to.Primary == self {
						b.WriteString(" [" + strconv.Itoa(slot) + "-<-" + from.Primary.RedisID() + "]")
					}
				}
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
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

// FormatInfo returns the CLUSTER INFO text: Redis's fields in Redis's
// order, then vcache's own (cluster_shards, cluster_coordinator,
// cluster_migrations), each line ending in CRLF.
func FormatInfo(in Info) string {
	var b strings.Builder
	line := func(k, v string) { b.WriteString(k + ":" + v + "\r\n") }
	num := func(k string, v int) { line(k, strconv.Itoa(v)) }
	u64 := func(k string, v uint64) { line(k, strconv.FormatUint(v, 10)) }
	line("cluster_state", in.State)
	num("cluster_slots_assigned", in.SlotsAssigned)
	num("cluster_slots_ok", in.SlotsOK)
	num("cluster_slots_pfail", in.SlotsPFail)
	num("cluster_slots_fail", in.SlotsFail)
	num("cluster_known_nodes", in.KnownNodes)
	num("cluster_size", in.Size)
	u64("cluster_current_epoch", in.CurrentEpoch)
	u64("cluster_my_epoch", in.MyEpoch)
	u64("cluster_stats_messages_sent", in.MessagesSent)
	u64("cluster_stats_messages_received", in.MessagesRecv)
	num("total_cluster_links_buffer_limit_exceeded", 0)
	num("cluster_shards", in.Shards)
	line("cluster_coordinator", string(in.Coordinator))
	num("cluster_migrations", in.Migrations)
	return b.String()
}
