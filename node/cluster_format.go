package node

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vcache/vcache/cluster"
)

// The replies of the CLUSTER command, made from the cluster package's typed
// answers in Redis Cluster's formats (vcache's own for AUTOSCALE and
// EVENTS).

// formatClusterNodes returns the CLUSTER NODES text: one line per row,
//
//	<id> <ip:port@cport> <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot> ...
//
// then, on the myself line, [slot->-id] and [slot-<-id] for slots in
// migration.
func formatClusterNodes(rows []cluster.NodeRow) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r.ID + " " + r.Addr + "@" + strconv.Itoa(r.BusPort) + " " + strings.Join(r.Flags, ",") + " " + r.Master +
			" " + strconv.FormatInt(r.PingSent, 10) + " " + strconv.FormatInt(r.PongRecv, 10) +
			" " + strconv.FormatUint(r.ConfigEpoch, 10) + " " + r.LinkState)
		for _, s := range r.Slots {
			b.WriteString(" " + s.String())
		}
		for _, mv := range r.Moves {
			arrow := "->-"
			if mv.Importing {
				arrow = "-<-"
			}
			b.WriteString(" [" + strconv.Itoa(mv.Slot) + arrow + mv.Node + "]")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// formatClusterInfo returns the CLUSTER INFO text: Redis's fields in
// Redis's order, then vcache's own (cluster_shards, cluster_coordinator,
// cluster_migrations), each line ending in CRLF.
func formatClusterInfo(in cluster.Info) string {
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

// writeClusterSlots writes CLUSTER SLOTS: for each entry [start, end, [ip,
// port, id], ...].
func writeClusterSlots(w replyWriter, es []cluster.SlotsEntry) {
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

// writeClusterShards writes CLUSTER SHARDS as Redis 7 does in RESP2: per
// shard a flat map {"slots": [start, end, ...], "nodes": [{"id", "port",
// "ip", "endpoint", ["hostname",] "role", "replication-offset", "health"},
// ...]}.
func writeClusterShards(w replyWriter, ss []cluster.ShardEntry) {
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
			w.WriteInt64(int64(n.ReplicationOffset))
			w.WriteBulkString("health")
			w.WriteBulkString(n.Health)
		}
	}
}

// writeClusterEvents writes CLUSTER EVENTS: per event a flat map {"id",
// "time" (unix ms), "kind", "shard", "duration-ms", "detail"}.
func writeClusterEvents(w replyWriter, evs []cluster.Event) {
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

// formatAutoscaleStatus renders s as CLUSTER AUTOSCALE STATUS shows it: a
// header and one line per shard with the usage of each resource.
func formatAutoscaleStatus(s cluster.Status) string {
	var b strings.Builder
	fmt.Fprintf(&b, "epoch:%d coordinator:%s scale_at:%.0f%%\r\n", s.Epoch, s.Coordinator, 100*s.ScaleAt)
	for _, sh := range s.Shards {
		fmt.Fprintf(&b, "shard:%d primary:%s slots:%d state:%s", sh.Shard, sh.Primary, sh.Slots, sh.State)
		if sh.For > 0 {
			fmt.Fprintf(&b, " for:%s", sh.For.Round(time.Millisecond))
		}
		for r, u := range sh.Usage {
			fmt.Fprintf(&b, " %s:%.1f%%", cluster.Resource(r), 100*u)
		}
		b.WriteString("\r\n")
	}
	return b.String()
}

// formatAutoscalePlans renders a dry run as CLUSTER AUTOSCALE PLAN shows
// it: one line per plan, or a line saying there is nothing to do.
func formatAutoscalePlans(plans []cluster.Plan) string {
	if len(plans) == 0 {
		return "no action: every shard is between the low-water mark and the scale line\r\n"
	}
	var b strings.Builder
	for _, p := range plans {
		state := "waiting"
		if p.Due {
			state = "due"
		}
		fmt.Fprintf(&b, "%s %s shard:%d resource:%s usage:%.1f%% slots:%s share:%.1f%% target:%s",
			state, p.Kind, p.Shard, p.Resource, 100*p.Usage, cluster.FormatRanges(p.MovingSlots), 100*p.MovingShare, p.Target.Kind)
		if p.Target.Shard != 0 {
			fmt.Fprintf(&b, " target_shard:%d", p.Target.Shard)
		}
		if p.Target.Primary != "" {
			fmt.Fprintf(&b, " target_primary:%s", p.Target.Primary)
		}
		if p.Target.Replica != "" {
			fmt.Fprintf(&b, " target_replica:%s", p.Target.Replica)
		}
		if p.Kind == cluster.MoveSplit && p.MethodReason != "" {
			fmt.Fprintf(&b, " method:%s method_reason:%q", p.Method, p.MethodReason)
		}
		fmt.Fprintf(&b, " reason:%q\r\n", p.Reason)
	}
	return b.String()
}
