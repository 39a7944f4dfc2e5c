package node

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/keyslot"
)

// The CLUSTER command: the arguments are parsed here, the answers come
// typed from the cluster package and are written as RESP by
// cluster_format.go.

// clusterSub is one CLUSTER subcommand: its arity over the whole command
// line (Redis's rule: n exactly, -n at least) and its handler.
type clusterSub struct {
	arity int
	run   func(cx *Ctx, cl *cluster.Cluster)
}

// clusterSubs is the table of CLUSTER subcommands, by upper-case name.
var clusterSubs = map[string]clusterSub{
	"HELP":            {-2, clusterHelp},
	"INFO":            {2, func(cx *Ctx, cl *cluster.Cluster) { cx.Verbatim(formatClusterInfo(cl.Info())) }},
	"MYID":            {2, func(cx *Ctx, cl *cluster.Cluster) { cx.BulkString(cl.Self().RedisID()) }},
	"MYSHARDID":       {2, func(cx *Ctx, cl *cluster.Cluster) { cx.BulkString(cl.MyShardID().RedisID()) }},
	"NODES":           {2, func(cx *Ctx, cl *cluster.Cluster) { cx.Verbatim(formatClusterNodes(cl.NodeRows(time.Now()))) }},
	"SLOTS":           {2, func(cx *Ctx, cl *cluster.Cluster) { writeClusterSlots(cx.w, cl.Slots()) }},
	"SHARDS":          {2, clusterShards},
	"KEYSLOT":         {3, func(cx *Ctx, _ *cluster.Cluster) { cx.Int(int64(keyslot.Of(cx.Args[2]))) }},
	"COUNTKEYSINSLOT": {3, clusterCountKeys},
	"GETKEYSINSLOT":   {4, clusterGetKeys},
	"AUTOSCALE":       {3, clusterAutoscale},
	"EVENTS":          {-2, clusterEvents},
}

// clusterManual are Redis Cluster's subcommands that place slots or
// nodes by hand; vcache places them itself.
var clusterManual = map[string]bool{
	"ADDSLOTS": true, "ADDSLOTSRANGE": true, "DELSLOTS": true, "DELSLOTSRANGE": true, "FLUSHSLOTS": true,
	"SETSLOT": true, "MEET": true, "FORGET": true, "REPLICATE": true, "FAILOVER": true, "RESET": true,
	"BUMPEPOCH": true, "SET-CONFIG-EPOCH": true, "SAVECONFIG": true, "COUNT-FAILURE-REPORTS": true,
}

// clusterHelpLines is the CLUSTER HELP text.
var clusterHelpLines = []string{
	"CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"COUNTKEYSINSLOT <slot>", "    Return the number of keys in <slot>.",
	"GETKEYSINSLOT <slot> <count>", "    Return key names stored by current node in a slot.",
	"INFO", "    Return information about the cluster.",
	"KEYSLOT <key>", "    Return the hash slot for <key>.",
	"MYID", "    Return the node id.",
	"MYSHARDID", "    Return the id of the first shard this node serves.",
	"NODES", "    Return cluster configuration seen by node, in CLUSTER NODES format.",
	"SHARDS", "    Return information about slot range mappings and the nodes of each shard.",
	"SLOTS", "    Return information about slot range mappings.",
	"AUTOSCALE PLAN", "    Dry run of the autoscaler: which shard, which resource, which slots go where.",
	"AUTOSCALE STATUS", "    Usage of every shard against its budgets.",
	"EVENTS [<count>]", "    Latest splits, merges and failovers, newest first (default 20).",
	"HELP", "    Print this help.",
}

func cmdCluster(cx *Ctx) {
	cl := cx.Node.Cluster()
	if cl == nil {
		cx.Error("ERR This instance has cluster support disabled")
		return
	}
	sub := strings.ToUpper(string(cx.Args[1]))
	e, ok := clusterSubs[sub]
	switch {
	case clusterManual[sub]:
		cx.Error("ERR CLUSTER " + sub + " is not supported: vcache places slots itself")
	case !ok:
		clusterUnknown(cx, string(cx.Args[1]))
	case e.arity >= 0 && len(cx.Args) != e.arity, e.arity < 0 && len(cx.Args) < -e.arity:
		clusterWrongArgs(cx, sub)
	default:
		e.run(cx, cl)
	}
}

func clusterUnknown(cx *Ctx, sub string) {
	cx.Error(fmt.Sprintf("ERR unknown subcommand '%.128s'. Try CLUSTER HELP.", sub))
}

func clusterWrongArgs(cx *Ctx, sub string) {
	cx.Error("ERR wrong number of arguments for 'cluster|" + strings.ToLower(sub) + "' command")
}

func clusterHelp(cx *Ctx, _ *cluster.Cluster) {
	cx.w.WriteArray(len(clusterHelpLines))
	for _, l := range clusterHelpLines {
		cx.w.WriteString(l)
	}
}

// clusterSlotArg parses a slot number; it answers the error itself and
// returns false when the argument is not one.
func clusterSlotArg(cx *Ctx, b []byte, invalid string) (int, bool) {
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		cx.Error(command.MsgNotInt)
		return 0, false
	}
	if n < 0 || n >= keyslot.Count {
		cx.Error(invalid)
		return 0, false
	}
	return int(n), true
}

func clusterCountKeys(cx *Ctx, _ *cluster.Cluster) {
	slot, ok := clusterSlotArg(cx, cx.Args[2], "ERR Invalid slot")
	if !ok {
		return
	}
	cx.Int(int64(cx.Node.ks.CountKeysInSlot(slot)))
}

func clusterGetKeys(cx *Ctx, _ *cluster.Cluster) {
	const invalid = "ERR Invalid slot or number of keys"
	slot, err1 := strconv.ParseInt(string(cx.Args[2]), 10, 64)
	count, err2 := strconv.ParseInt(string(cx.Args[3]), 10, 64)
	switch {
	case err1 != nil || err2 != nil:
		cx.Error(command.MsgNotInt)
		return
	case slot < 0 || slot >= keyslot.Count || count < 0:
		cx.Error(invalid)
		return
	}
	var ks []string
	if count > 0 {
		ks = cx.Node.ks.KeysInSlot(int(slot), int(min(count, 1<<20)))
	}
	cx.Array(len(ks))
	for _, k := range ks {
		cx.BulkString(k)
	}
}

func clusterAutoscale(cx *Ctx, cl *cluster.Cluster) {
	switch strings.ToUpper(string(cx.Args[2])) {
	case "PLAN":
		cx.BulkString(formatAutoscalePlans(cl.Status().Plans))
	case "STATUS":
		cx.BulkString(formatAutoscaleStatus(cl.Status()))
	default:
		clusterUnknown(cx, "AUTOSCALE "+string(cx.Args[2]))
	}
}

func clusterEvents(cx *Ctx, cl *cluster.Cluster) {
	n := int64(20)
	switch len(cx.Args) {
	case 2:
	case 3:
		var err error
		if n, err = strconv.ParseInt(string(cx.Args[2]), 10, 64); err != nil || n < 0 {
			cx.Error(command.MsgNotInt)
			return
		}
	default:
		clusterWrongArgs(cx, "EVENTS")
		return
	}
	writeClusterEvents(cx.w, cl.Events(int(min(n, 1<<16))))
}

// clusterShards answers CLUSTER SHARDS: the offsets of other nodes are
// the ones they last reported, this node's own are read now.
func clusterShards(cx *Ctx, cl *cluster.Cluster) {
	shards := cl.Shards()
	own := map[cluster.ShardID]uint64{}
	for _, o := range cx.Node.replOffsets(cl.Map(), cl.Self()) {
		own[o.Shard] = o.Offset
	}
	for i := range shards {
		for j := range shards[i].Nodes {
			if n := &shards[i].Nodes[j]; n.Node == cl.Self() {
				n.ReplicationOffset = own[shards[i].Shard]
			}
		}
	}
	writeClusterShards(cx.w, shards)
}

// replOffsets returns this node's replication offset in each shard it
// holds: as the primary, the end of its replication backlog
// (master_repl_offset, what it has logged for its replicas); as a replica,
// how much of its primary's stream it has applied (0 before the first
// sync). The two are in the same offset space, the primary's.
func (n *Node) replOffsets(m *cluster.Map, self cluster.NodeID) []cluster.ShardOffset {
	if m == nil {
		return nil
	}
	primary, replica := m.ShardsOf(self)
	out := make([]cluster.ShardOffset, 0, len(primary)+len(replica))
	end := n.repl.log.end.Load()
	cl := n.cl.Load()
	n.pruneFences(primary) // spreadfence.go
	for _, s := range primary {
		o := cluster.ShardOffset{Shard: s.ID, Offset: end}
		if cl != nil {
			o.Released = n.released(cl, m, s)
		}
		out = append(out, o)
	}
	return append(out, n.copyOffsets(replica)...)
}
