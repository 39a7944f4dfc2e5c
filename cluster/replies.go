package cluster

import (
	"net"
	"slices"
)

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

// ShardNode is one node of a CLUSTER SHARDS entry.
type ShardNode struct {
	// Node is the member's name; ID is its Redis id (40 hex digits).
	Node     NodeID
	ID       string
	Port     int
	IP       string
	Endpoint string
	// Hostname is set when the node's address is a name, not an IP.
	Hostname string
	Role     string // "master" or "replica"
	// ReplicationOffset is how far the node is in the shard's replication
	// stream: a primary's offset is everything it has logged, a replica's
	// what it has applied of its primary's stream (the same offset space).
	ReplicationOffset uint64
	Health            string // "online" or "failed"
}

// ShardEntry is one shard of CLUSTER SHARDS.
type ShardEntry struct {
	Shard ShardID
	Slots []SlotRange
	Nodes []ShardNode // the primary first
}

// ShardsReply returns the CLUSTER SHARDS data of m, with every
// replication offset 0 (Cluster.Shards fills them in).
func (m *Map) ShardsReply() []ShardEntry {
	var out []ShardEntry
	node := func(id NodeID, role string) ShardNode {
		host, port := splitAddr(m.Addr(id))
		n := ShardNode{Node: id, ID: id.RedisID(), Port: port, IP: host, Endpoint: host, Role: role, Health: "online"}
		if net.ParseIP(host) == nil {
			n.Hostname = host
		}
		if !m.Alive(id) {
			n.Health = "failed"
		}
		return n
	}
	for _, s := range m.shards {
		e := ShardEntry{Shard: s.ID, Slots: s.Slots, Nodes: []ShardNode{node(s.Primary, "master")}}
		for _, r := range s.Replicas {
			e.Nodes = append(e.Nodes, node(r, "replica"))
		}
		out = append(out, e)
	}
	return out
}
