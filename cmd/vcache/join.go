package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/node"
)

// clusterFlags are the flags that make a process a cluster member.
type clusterFlags struct {
	join, name, gossip, clusterName, maxMem, scaleOut, announce, gossipKey, zone string
	expect, replicas                                                             int
	maxOps                                                                       float64
}

func (f *clusterFlags) register(fs *flag.FlagSet, dataNode bool) {
	fs.StringVar(&f.join, "join", "", "gossip addresses (host:port,...) of cluster members to join; empty: standalone")
	fs.StringVar(&f.name, "node-name", "", "unique member name (default: host name and port)")
	fs.StringVar(&f.gossip, "gossip", "127.0.0.1:7946", "address for gossip (UDP and TCP)")
	fs.StringVar(&f.clusterName, "cluster-name", "vcache", "cluster label; members of other clusters are ignored")
	fs.StringVar(&f.gossipKey, "gossip-key", "", "encrypt gossip with this AES key (16, 24 or 32 bytes, hex or base64); every member needs the same")
	zoneUse := "replicas are placed in another zone than their primary when one has room"
	if !dataNode {
		zoneUse = "with --read-from-replicas, reads go to a replica in this zone when there is one"
	}
	fs.StringVar(&f.zone, "zone", "", "availability zone label of this member: "+zoneUse)
	budgetNote := ""
	if !dataNode {
		budgetNote = "; a proxy uses it only to show usage on its status page: give it the nodes' value"
	}
	fs.Float64Var(&f.maxOps, "shard-max-ops", 100_000, "ops/s budget of one shard (splits at 50%; 0: not watched)"+budgetNote)
	fs.StringVar(&f.maxMem, "shard-max-memory", "1gb", "memory budget of one shard (splits at 50%; 0: not watched)"+budgetNote)
	if dataNode {
		fs.IntVar(&f.expect, "bootstrap-expect", 3, "data nodes to wait for before the first shard map")
		fs.IntVar(&f.replicas, "replicas", 1, "replicas per shard, each on another node (full sync, then the primary's write stream)")
		fs.StringVar(&f.announce, "announce", "", "RESP address (host:port) the proxy and other nodes use to reach this node; default: the listen address (set it when --bind is 0.0.0.0, in a container or behind NAT)")
		fs.StringVar(&f.scaleOut, "scale-out-command", "", "shell command the coordinator runs when a split needs a new node (sees VCACHE_SCALE_SHARD, VCACHE_SCALE_RESOURCE, VCACHE_SCALE_USAGE, VCACHE_DATA_NODES)")
	}
}

// enabled reports whether the process should join a cluster. A first node
// starts the cluster with --join pointing at itself.
func (f *clusterFlags) enabled() bool { return f.join != "" }

// config builds the member configuration; respAddr is the node's RESP
// address (empty for a proxy).
func (f *clusterFlags) config(role cluster.Role, respPort string) (cluster.Config, error) {
	c := cluster.DefaultConfig()
	host, port, err := net.SplitHostPort(f.gossip)
	if err != nil {
		return c, fmt.Errorf("--gossip: %w", err)
	}
	c.Zone = f.zone
	c.BindAddr = host
	if c.BindPort, err = strconv.Atoi(port); err != nil {
		return c, fmt.Errorf("--gossip: %w", err)
	}
	c.Role = role
	c.ClusterName = f.clusterName
	if c.SecretKey, err = parseGossipKey(f.gossipKey); err != nil {
		return c, err
	}
	for _, s := range strings.Split(f.join, ",") {
		if s = strings.TrimSpace(s); s != "" && s != f.gossip {
			c.Seeds = append(c.Seeds, s)
		}
	}
	c.Name = f.name
	if c.Name == "" {
		h, _ := os.Hostname()
		c.Name = fmt.Sprintf("%s-%s-%s", role, h, respPort)
	}
	c.ShardMaxOps = f.maxOps
	mm, err := node.ParseMemory(f.maxMem)
	if err != nil {
		return c, fmt.Errorf("--shard-max-memory: %w", err)
	}
	c.ShardMaxMemory = uint64(mm)
	if role == cluster.RoleNode {
		c.BootstrapExpect = f.expect
		c.Replicas = f.replicas
		if f.scaleOut != "" {
			c.ScaleOut = cluster.ExecScaleOut(f.scaleOut)
		}
	}
	return c, nil
}
