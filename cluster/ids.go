package cluster

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strconv"
)

// NodeID names a cluster member. It is the memberlist node name, unique in
// the cluster, and stays the same when the process restarts.
type NodeID string

// RedisID returns the 40 hex digit node id Redis Cluster formats use
// (CLUSTER NODES, SLOTS, SHARDS, MYID): the SHA-1 of the name, so it is
// stable across restarts.
func (id NodeID) RedisID() string {
	sum := sha1.Sum([]byte(id))
	return hex.EncodeToString(sum[:])
}

// ShardID names a shard. IDs are never reused within a cluster's life.
type ShardID uint32

// String returns the decimal form of the id.
func (s ShardID) String() string { return strconv.FormatUint(uint64(s), 10) }

// RedisID returns a 40 hex digit id for the shard (CLUSTER MYSHARDID).
func (s ShardID) RedisID() string {
	sum := sha1.Sum([]byte("vcache-shard:" + s.String()))
	return hex.EncodeToString(sum[:])
}

// Role is what a member does in the cluster.
type Role uint8

// Roles of cluster members.
const (
	// RoleNode is a data node: it can own shards and report load.
	RoleNode Role = 1
	// RoleProxy is a proxy: it follows the map, owns nothing and is never
	// the coordinator.
	RoleProxy Role = 2
)

// String returns "node" or "proxy".
func (r Role) String() string {
	switch r {
	case RoleNode:
		return "node"
	case RoleProxy:
		return "proxy"
	}
	return fmt.Sprintf("role(%d)", uint8(r))
}

// Member is one member of the cluster as gossip describes it.
type Member struct {
	// ID is the member's unique name.
	ID NodeID
	// Role says whether the member is a data node or a proxy.
	Role Role
	// Addr is the RESP address (host:port) clients use to reach it.
	Addr string
	// Bus is the gossip address (host:port), shown as Redis's cluster bus
	// port.
	Bus string
	// Zone is the member's availability zone label, possibly empty.
	Zone string
	// Boot identifies one run of the member's process; it changes when
	// the process restarts, which tells the coordinator that the data the
	// member held is gone.
	Boot uint64
}
