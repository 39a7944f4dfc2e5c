package proxy

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/resp"
)

// Toward clients the proxy is a Redis Cluster of one node that owns every
// slot, as ElastiCache Serverless's endpoint is: cluster-mode clients
// (go-redis ClusterClient, redis-py RedisCluster, redis-cli -c) read
// CLUSTER SLOTS, find the proxy alone, and send it everything. That node
// is the proxy: the address a client reached it at (the connection's
// local address), an id of its own, no replicas. The shards behind it
// are the proxy's business; only COUNTKEYSINSLOT and GETKEYSINSLOT, which
// are about the data, go to the node serving the slot.

// newNodeID returns a random 40-hex-digit node id, as Redis makes one.
func newNodeID() string {
	var b [20]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// clusterSub is one CLUSTER subcommand the proxy answers: its arity over
// the whole command line (Redis's rule: n exactly, -n at least) and what
// carries it out.
type clusterSub struct {
	arity int
	run   func(s *session, cmd resp.Command) (merger, string)
}

// clusterSubs are the CLUSTER subcommands served through the proxy, by
// lower-case name.
var clusterSubs = map[string]clusterSub{
	"help":            {2, localCluster(clusterHelp)},
	"info":            {2, localCluster(clusterInfo)},
	"myid":            {2, localCluster(func(s *session, _ [][]byte) { s.BulkString(s.p.nodeID) })},
	"nodes":           {2, localCluster(clusterNodes)},
	"slots":           {2, localCluster(clusterSlots)},
	"shards":          {2, localCluster(clusterShards)},
	"links":           {2, localCluster(func(s *session, _ [][]byte) { s.Array(0) })},
	"replicas":        {3, localCluster(clusterReplicas)},
	"slaves":          {3, localCluster(clusterReplicas)},
	"keyslot":         {3, localCluster(func(s *session, args [][]byte) { s.Int(int64(keyslot.Of(args[2]))) })},
	"countkeysinslot": {3, clusterCountKeys},
	"getkeysinslot":   {4, clusterGetKeys},
}

// clusterHelpLines is the CLUSTER HELP text.
var clusterHelpLines = []string{
	"CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"COUNTKEYSINSLOT <slot>", "    Return the number of keys in <slot>.",
	"GETKEYSINSLOT <slot> <count>", "    Return key names stored by current node in a slot.",
	"INFO", "    Return information about the cluster.",
	"KEYSLOT <key>", "    Return the hash slot for <key>.",
	"LINKS", "    Return information about all network links between this node and its peers.",
	"MYID", "    Return the node id.",
	"NODES", "    Return cluster configuration seen by node, in CLUSTER NODES format.",
	"REPLICAS <node-id>", "    Return <node-id> replicas.",
	"SHARDS", "    Return information about slot range mappings and the nodes of each shard.",
	"SLOTS", "    Return information about slot range mappings.",
	"HELP", "    Print this help.",
}

// clusterManual are Redis Cluster's subcommands that change the cluster
// by hand; the endpoint does not let clients reshape what is behind it.
var clusterManual = map[string]bool{
	"addslots": true, "addslotsrange": true, "delslots": true, "delslotsrange": true, "flushslots": true,
	"setslot": true, "meet": true, "forget": true, "replicate": true, "failover": true, "reset": true,
	"bumpepoch": true, "set-config-epoch": true, "saveconfig": true, "count-failure-reports": true,
}

// proxyCluster carries out CLUSTER: most subcommands are answered by the
// proxy, as its one node; the data ones are forwarded by slot.
func proxyCluster(s *session, cmd resp.Command) (merger, string) {
	sub := strings.ToLower(string(cmd.Args[1]))
	e, ok := clusterSubs[sub]
	switch {
	case clusterManual[sub]:
		return nil, "ERR CLUSTER " + strings.ToUpper(sub) + " is not available through the proxy; it is a single endpoint"
	case !ok:
		return nil, fmt.Sprintf("ERR unknown subcommand '%.128s'. Try CLUSTER HELP.", cmd.Args[1])
	case e.arity >= 0 && len(cmd.Args) != e.arity, e.arity < 0 && len(cmd.Args) < -e.arity:
		return nil, arityError("cluster|" + sub)
	}
	return e.run(s, cmd)
}

// localReply is a reply the proxy wrote itself, in s.local.
type localReply struct{ lo, hi int }

func (m localReply) merge(s *session, dst []byte) []byte { return append(dst, s.local[m.lo:m.hi]...) }

// localCluster makes a subcommand that writes its reply with the
// session's reply methods.
func localCluster(write func(s *session, args [][]byte)) func(*session, resp.Command) (merger, string) {
	return func(s *session, cmd resp.Command) (merger, string) {
		lo := len(s.local)
		write(s, cmd.Args)
		return localReply{lo, len(s.local)}, ""
	}
}

// self is the one node as a client of this session sees it.
type self struct {
	id   string
	ip   string
	port int
}

func (s *session) self() self {
	host, port, err := net.SplitHostPort(s.laddr)
	if err != nil {
		host, port = s.laddr, "0"
	}
	n, _ := strconv.Atoi(port)
	return self{id: s.p.nodeID, ip: host, port: n}
}

// served counts the slots some node serves now.
func (p *Proxy) servedSlots() int {
	n := 0
	for _, b := range p.routes.Load().slots {
		if b != 0 {
			n++
		}
	}
	return n
}

// clusterInfo writes CLUSTER INFO with Redis's fields: one node owning
// every slot; slots no node serves at the moment count as failed, and the
// state is ok only when there are none.
func clusterInfo(s *session, _ [][]byte) {
	served := s.p.servedSlots()
	state := "ok"
	if served < keyslot.Count {
		state = "fail"
	}
	var b strings.Builder
	line := func(k string, v any) { fmt.Fprintf(&b, "%s:%v\r\n", k, v) }
	line("cluster_state", state)
	line("cluster_slots_assigned", keyslot.Count)
	line("cluster_slots_ok", served)
	line("cluster_slots_pfail", 0)
	line("cluster_slots_fail", keyslot.Count-served)
	line("cluster_known_nodes", 1)
	line("cluster_size", 1)
	line("cluster_current_epoch", 0)
	line("cluster_my_epoch", 0)
	line("cluster_stats_messages_sent", 0)
	line("cluster_stats_messages_received", 0)
	line("total_cluster_links_buffer_limit_exceeded", 0)
	s.Verbatim(b.String())
}

// clusterNodes writes CLUSTER NODES: the one line of the myself node,
// "<id> <ip:port@cport> myself,master - 0 0 0 connected 0-16383". The
// proxy has no cluster bus: its bus port is 0.
func clusterNodes(s *session, _ [][]byte) {
	me := s.self()
	s.Verbatim(fmt.Sprintf("%s %s@0 myself,master - 0 0 0 connected 0-%d\n",
		me.id, net.JoinHostPort(me.ip, strconv.Itoa(me.port)), keyslot.Count-1))
}

// clusterSlots writes CLUSTER SLOTS as Redis 7.0 does: one range,
// [0, 16383, [ip, port, id, []]].
func clusterSlots(s *session, _ [][]byte) {
	me := s.self()
	s.Array(1)
	s.Array(3)
	s.Int(0)
	s.Int(keyslot.Count - 1)
	s.Array(4)
	s.BulkString(me.ip)
	s.Int(int64(me.port))
	s.BulkString(me.id)
	s.Array(0)
}

// clusterShards writes CLUSTER SHARDS as Redis 7.0 does in RESP2: one
// shard, a flat map {"slots": [0, 16383], "nodes": [{"id", "port", "ip",
// "endpoint", "role", "replication-offset", "health"}]}.
func clusterShards(s *session, _ [][]byte) {
	me := s.self()
	s.Array(1)
	s.Array(4)
	s.BulkString("slots")
	s.Array(2)
	s.Int(0)
	s.Int(keyslot.Count - 1)
	s.BulkString("nodes")
	s.Array(1)
	s.Array(14)
	s.BulkString("id")
	s.BulkString(me.id)
	s.BulkString("port")
	s.Int(int64(me.port))
	s.BulkString("ip")
	s.BulkString(me.ip)
	s.BulkString("endpoint")
	s.BulkString(me.ip)
	s.BulkString("role")
	s.BulkString("master")
	s.BulkString("replication-offset")
	s.Int(0)
	s.BulkString("health")
	s.BulkString("online")
}

// clusterReplicas writes CLUSTER REPLICAS <id>: the one node has none.
func clusterReplicas(s *session, args [][]byte) {
	if string(args[2]) != s.p.nodeID {
		s.Error("ERR Unknown node " + string(args[2]))
		return
	}
	s.Array(0)
}

func clusterHelp(s *session, _ [][]byte) {
	s.Array(len(clusterHelpLines))
	for _, l := range clusterHelpLines {
		s.Simple(l)
	}
}

// clusterCountKeys forwards CLUSTER COUNTKEYSINSLOT to the node serving
// the slot, once the slot is known to be one.
func clusterCountKeys(s *session, cmd resp.Command) (merger, string) {
	slot, err := strconv.ParseInt(string(cmd.Args[2]), 10, 64)
	switch {
	case err != nil:
		return nil, command.MsgNotInt
	case slot < 0 || slot >= keyslot.Count:
		return nil, "ERR Invalid slot"
	}
	return s.toSlot(cmd, int(slot)), ""
}

// clusterGetKeys forwards CLUSTER GETKEYSINSLOT to the node serving the
// slot, once its arguments are checked as Redis checks them.
func clusterGetKeys(s *session, cmd resp.Command) (merger, string) {
	slot, err := strconv.ParseInt(string(cmd.Args[2]), 10, 64)
	if err != nil {
		return nil, command.MsgNotInt
	}
	count, err := strconv.ParseInt(string(cmd.Args[3]), 10, 64)
	switch {
	case err != nil:
		return nil, command.MsgNotInt
	case slot < 0 || slot >= keyslot.Count || count < 0:
		return nil, "ERR Invalid slot or number of keys"
	}
	return s.toSlot(cmd, int(slot)), ""
}

// toSlot forwards cmd to the node serving slot (retried there as a keyed
// command is, when the map moves).
func (s *session) toSlot(cmd resp.Command, slot int) merger {
	c := s.newCall(cmd.Raw)
	s.target(c, slot)
	return passthrough{c}
}
