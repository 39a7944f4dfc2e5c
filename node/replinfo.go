package node

import (
	"net"
	"sort"
	"strconv"
	"time"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/command"
)

// writeReplicationInfo writes INFO's replication section in Redis's field
// names. A vcache node can be the primary of some shards and a replica of
// others: role is "slave" only when it leads no shard but replicates one,
// the master_* fields describe its first primary link, and vcache_link<i>
// lines list every link.
func (n *Node) writeReplicationInfo(kv func(string, any)) {
	replicas := n.repl.replicaList()
	sort.Slice(replicas, func(i, j int) bool { return replicas[i].addr < replicas[j].addr })
	n.repl.mu.Lock()
	links := make([]*primaryLink, 0, len(n.repl.links))
	for _, l := range n.repl.links {
		links = append(links, l)
	}
	n.repl.mu.Unlock()
	sort.Slice(links, func(i, j int) bool { return links[i].key < links[j].key })

	role := "master"
	if len(links) > 0 && !n.leadsShard() {
		role = "slave"
	}
	kv("role", role)
	now := time.Now()
	if len(links) > 0 {
		l := links[0]
		host, port, _ := net.SplitHostPort(l.addr)
		kv("master_host", host)
		kv("master_port", port)
		kv("master_link_status", upDown(l.up.Load()))
		kv("master_last_io_seconds_ago", secondsSince(now, l.lastIO.Load()))
		kv("master_sync_in_progress", b2i(l.syncing.Load()))
		kv("slave_read_repl_offset", l.offset.Load())
		kv("slave_repl_offset", l.offset.Load())
		kv("slave_priority", 100)
		kv("slave_read_only", 1)
		kv("replica_announced", 1)
	}
	kv("connected_slaves", len(replicas))
	end := n.repl.log.end.Load()
	for i, r := range replicas {
		host, port, _ := net.SplitHostPort(r.addr)
		state := "wait_bgsave"
		if r.online.Load() {
			state = "online"
		}
		kv("slave"+strconv.Itoa(i), "ip="+host+",port="+port+",state="+state+
			",offset="+strconv.FormatUint(r.ack.Load(), 10)+",lag="+strconv.FormatInt(secondsSince(now, r.lastAck.Load()), 10))
	}
	kv("master_failover_state", "no-failover")
	kv("master_replid", n.repl.log.id)
	kv("master_replid2", "0000000000000000000000000000000000000000")
	kv("master_repl_offset", end)
	kv("second_repl_offset", -1)
	first, hist := n.repl.log.span()
	kv("repl_backlog_active", b2i(n.repl.log.on.Load()))
	kv("repl_backlog_size", n.repl.log.size())
	kv("repl_backlog_first_byte_offset", first)
	kv("repl_backlog_histlen", hist)
	for i, l := range links {
		kv("vcache_link"+strconv.Itoa(i), "shard="+l.shard.String()+",primary="+l.addr+",slots="+formatRanges(l.ranges)+
			",status="+upDown(l.up.Load())+",offset="+strconv.FormatUint(l.offset.Load(), 10)+
			",last_io="+strconv.FormatInt(secondsSince(now, l.lastIO.Load()), 10))
	}
}

// isReplicaOnly reports whether the node replicates a shard and leads
// none (INFO's role:slave, HELLO's role replica).
func (n *Node) isReplicaOnly() bool {
	n.repl.mu.Lock()
	links := len(n.repl.links)
	n.repl.mu.Unlock()
	return links > 0 && !n.leadsShard()
}

// led returns the node's cluster, its current map and the shards this
// node leads in that map, read afresh on every call (a caller that polls
// sees the map change). cl is nil standalone; m is nil standalone and
// before the first map.
func (n *Node) led() (cl *cluster.Cluster, m *cluster.Map, primary []cluster.Shard) {
	cl = n.cl.Load()
	if cl == nil {
		return nil, nil, nil
	}
	m = cl.Map()
	if m == nil {
		return cl, nil, nil
	}
	primary, _ = m.ShardsOf(cl.Self())
	return cl, m, primary
}

// ledShards returns the shards this node leads in its map, as replicas
// name them (nil standalone).
func (n *Node) ledShards() []string {
	_, m, primary := n.led()
	if m == nil {
		return nil
	}
	out := make([]string, 0, len(primary))
	for _, s := range primary {
		out = append(out, s.ID.String())
	}
	return out
}

// leadsShard reports whether this node is the primary of a shard (always
// true standalone).
func (n *Node) leadsShard() bool {
	cl, _, primary := n.led()
	return cl == nil || len(primary) > 0
}

func upDown(up bool) string {
	if up {
		return "up"
	}
	return "down"
}

// secondsSince returns whole seconds from unix nanoseconds t to now (-1
// when t is unset).
func secondsSince(now time.Time, t int64) int64 {
	if t == 0 {
		return -1
	}
	return int64(now.Sub(time.Unix(0, t)).Seconds())
}

// cmdWait implements WAIT numreplicas timeout: it returns how many
// replicas acknowledged every write this node had made when WAIT began,
// as soon as numreplicas have, or when timeout milliseconds (0: no limit)
// have passed.
func cmdWait(cx *Ctx) {
	want, err := strconv.ParseInt(string(cx.Args[1]), 10, 64)
	if err != nil {
		cx.Error(command.MsgNotInt)
		return
	}
	ms, err := strconv.ParseInt(string(cx.Args[2]), 10, 64)
	if err != nil || ms < 0 {
		cx.Error("ERR timeout is not an integer or out of range")
		return
	}
	n := cx.Node
	target := n.repl.log.end.Load()
	var deadline <-chan time.Time
	if ms > 0 {
		t := time.NewTimer(time.Duration(ms) * time.Millisecond)
		defer t.Stop()
		deadline = t.C
	}
	var done <-chan struct{}
	n.mu.RLock()
	if n.bgCtx != nil {
		done = n.bgCtx.Done()
	}
	n.mu.RUnlock()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	led := n.ledShards()
	for {
		got := n.repl.ackedCounted(target, led, n.waitCounts())
		if int64(got) >= want {
			cx.Int(int64(got))
			return
		}
		select {
		case <-deadline:
			cx.Int(int64(n.repl.ackedCounted(target, led, n.waitCounts())))
			return
		case <-done:
			cx.Int(int64(got))
			return
		case <-tick.C:
		}
	}
}
