package cluster

import (
	"net"
	"slices"
)

// ReplyWriter is the part of the node's RESP writer that CLUSTER replies
// use; redcon.Conn has these methods.
type ReplyWriter interface {
	WriteArray(n int)
	WriteBulkString(s string)
	WriteInt64(n int64)
	WriteString(s string)
}

// SlotNode is one node of a CLUSTER SLOTS entry.
type SlotNode struct {
	IP   string
	Port int
	ID   string // 40 hex digits
}

// SlotsEntry is one entry of CLUSTER SLOTS: a slot range, its primary
// first, then its alive replicas.
type SlotsEntry struct {
	Start, End int
	Nodes      []SlotNode
}

// SlotsReply returns the CLUSTER SLOTS data of m, sorted by slot.
func (m *Map) SlotsReply() []SlotsEntry {
	var out []SlotsEntry
	node := func(id NodeID) SlotNode {
		host, port := splitAddr(m.Addr(id))
		return SlotNode{IP: host, Port: port, ID: id.RedisID()}
	}
	for _, s := range m.shards {
		for _, r := range s.Slots {
			e := SlotsEntry{Start: r.Start, End: r.End, Nodes: []SlotNode{node(s.Primary)}}
			for _, rep := range s.Replicas {
				if m.Alive(rep) {
					e.Nodes = append(e.Nodes, node(rep))
				}
			}
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b SlotsEntry) int { return a.Start - b.Start })
	return out
}

// WriteSlots writes CLUSTER SLOTS: for each entry [start, end, [ip, port,
// id], ...].
func WriteSlots(w ReplyWriter, es []SlotsEntry) {
	w.WriteArray(len(es))
	for _, e := range es {
		w.WriteArray(2 + len(e.Nodes))
		w.WriteInt64(int64(e.Start))
		w.WriteInt64(int64(e.End))
		for _, n := range e.Nodes {
			w.WriteArray(3)
			w.WriteBulkString(n.IP)
			w.WriteInt64(int64(n.Port))
			w.WriteBulkString(n.ID)
		}
	}
}

// ShardNode is one node of a CLUSTER SHARDS entry.
type ShardNode struct {
	ID       string // 40 hex digits
	Port     int
	IP       string
	Endpoint string
	// Hostname is set when the node's address is a name, not an IP.
	Hostname          string
	Role              string // "master" or "replica"
	ReplicationOffset int64
	Health            string // "online" or "failed"
}

// ShardEntry is one shard of CLUSTER SHARDS.
type ShardEntry struct {
	Slots []SlotRange
	Nodes []ShardNode // the primary first
}

// ShardsReply returns the CLUSTER SHARDS data of m.
func (m *Map) ShardsReply() []ShardEntry {
	var out []ShardEntry
	node := func(id NodeID, role string) ShardNode {
		host, port := splitAddr(m.Addr(id))
		n := ShardNode{ID: id.RedisID(), Port: port, IP: host, Endpoint: host, Role: role, Health: "online"}
		if net.ParseIP(host) == nil {
			n.Hostname = host
		}
		if !m.Alive(id) {
			n.Health = "failed"
		}
		return n
	}
	for _, s := range m.shards {
		e := ShardEntry{Slots: s.Slots, Nodes: []ShardNode{node(s.Primary, "master")}}
		for _, r := range s.Replicas {
			e.Nodes = append(e.Nodes, node(r, "replica"))
		}
		out = append(out, e)
	}
	return out
}

// WriteShards writes CLUSTER SHARDS as Redis 7 does in RESP2: per shard a
// flat map {"slots": [start, end, ...], "nodes": [{"id", "port", "ip",
// "endpoint", ["hostname",] "role", "replication-offset", "health"}, ...]}.
func WriteShards(w ReplyWriter, ss []ShardEntry) {
	w.WriteArray(len(ss))
	for _, s := range ss {
		w.WriteArray(4)
		w.WriteBulkString("slots")
		w.WriteArray(2 * len(s.Slots))
		for _, r := range s.Slots {
			w.WriteInt64(int64(r.Start))
			w.WriteInt64(int64(r.End))
		}
		w.WriteBulkString("nodes")
		w.WriteArray(len(s.Nodes))
		for _, n := range s.Nodes {
			fields := 14
			if n.Hostname != "" {
				fields += 2
			}
			w.WriteArray(fields)
			w.WriteBulkString("id")
			w.WriteBulkString(n.ID)
			w.WriteBulkString("port")
			w.WriteInt64(int64(n.Port))
			w.WriteBulkString("ip")
			w.WriteBulkString(n.IP)
			w.WriteBulkString("endpoint")
			w.WriteBulkString(n.Endpoint)
			if n.Hostname != "" {
				w.WriteBulkString("hostname")
				w.WriteBulkString(n.Hostname)
			}
			w.WriteBulkString("role")
			w.WriteBulkString(n.Role)
			w.WriteBulkString("replication-offset")
			w.WriteInt64(n.ReplicationOffset)
			w.WriteBulkString("health")
			w.WriteBulkString(n.Health)
		}
	}
}

// WriteEvents writes CLUSTER EVENTS: per event a flat map {"id", "time"
// (unix ms), "kind", "shard", "duration-ms", "detail"}.
func WriteEvents(w ReplyWriter, evs []Event) {
	w.WriteArray(len(evs))
	for _, e := range evs {
		w.WriteArray(12)
		w.WriteBulkString("id")
		w.WriteBulkString(e.ID)
		w.WriteBulkString("time")
		w.WriteInt64(e.Time.UnixMilli())
		w.WriteBulkString("kind")
		w.WriteBulkString(string(e.Kind))
		w.WriteBulkString("shard")
		w.WriteInt64(int64(e.Shard))
		w.WriteBulkString("duration-ms")
		w.WriteInt64(e.Duration.Milliseconds())
		w.WriteBulkString("detail")
		w.WriteBulkString(e.Detail)
	}
}
