package node

import (
	"context"
	"errors"
	"runtime"
	"strconv"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/keyslot"
)

// startCluster joins the gossip cluster: the member advertises the node's
// RESP address, reports its load and moves slots for it. The caller runs
// watchMap for the returned member.
func (n *Node) startCluster(ctx context.Context, cfg cluster.Config, addr string) (*cluster.Cluster, error) {
	if cfg.Addr == "" {
		cfg.Addr = addr
	}
	cfg.Role = cluster.RoleNode
	if cfg.Restore == nil {
		cfg.Restore = n.smap.restored
	}
	cfg.Load = n
	cfg.Migrator = n
	cl, err := cluster.New(cfg, n.log)
	if err != nil {
		return nil, err
	}
	if err := cl.Start(ctx); err != nil {
		return nil, err
	}
	n.cl.Store(cl)
	return cl, nil
}

// stopCluster leaves the cluster (so the others fail over at once) and
// stops gossip.
func (n *Node) stopCluster(ctx context.Context) {
	cl := n.cl.Load()
	if cl == nil {
		return
	}
	n.smap.final.Store(cl.Map())
	if err := cl.Leave(ctx); err != nil {
		n.log.Warn("leaving the cluster", "err", err)
	}
	if err := cl.Shutdown(ctx); err != nil {
		n.log.Warn("cluster shutdown", "err", err)
	}
}

// Cluster returns the node's cluster member, or nil when standalone.
func (n *Node) Cluster() *cluster.Cluster { return n.cl.Load() }

// routeOK checks, in a cluster, that every key of the command is in one
// slot that this node serves; otherwise it answers CROSSSLOT, MOVED, ASK,
// TRYAGAIN or CLUSTERDOWN and returns false.
//
// The caller holds the slot's in-flight write count (see run) while it
// checks and executes, so a migration can wait for writes already past
// the pause check.
func (n *Node) routeOK(c *client, spec *command.Spec, args [][]byte, slot int) bool {
	cl := n.cl.Load()
	if cl == nil || slot < 0 {
		return true
	}
	first, last, step := spec.KeyRange(len(args))
	if first == 0 && !spec.Movable() {
		return true
	}
	for i := first + step; i <= last; i += step {
		if keyslot.Of(args[i]) != slot {
			c.cx.w.WriteError("CROSSSLOT Keys in request don't hash to the same slot")
			return false
		}
	}
	if spec.Movable() { // ZUNION's numkeys keys, XREAD's after STREAMS, SORT's STORE key
		for _, i := range spec.KeyPositions(args, nil) {
			if keyslot.Of(args[i]) != slot {
				c.cx.w.WriteError("CROSSSLOT Keys in request don't hash to the same slot")
				return false
			}
		}
	}
	if spec.Has(command.Write) && n.mig.paused[slot].Load() {
		c.cx.w.WriteError("TRYAGAIN Slot is migrating, try again")
		return false
	}
	m := cl.Map()
	if m == nil {
		c.cx.w.WriteError("CLUSTERDOWN The cluster is down")
		return false
	}
	serve, redirect := m.Route(slot, cl.Self())
	// A member in a minority (or that has not yet adopted the newer map a
	// majority announces) serves nothing: neither as a migration's target
	// nor as a READONLY replica, as Redis Cluster refuses reads while its
	// state is fail.
	down := m.Down()
	if !serve && !down && n.importing(m, slot, cl.Self()) {
		// Our map still shows the slot moving here, but a client found us,
		// so the source has handed it over (it redirects only after the
		// copy and the flip): serve instead of bouncing it back.
		serve = true
	}
	if serve && cl.Fenced(spec.Has(command.Write)) {
		// No majority has acked this node's lease within the fence time:
		// the others may be about to give its slots away. Writes stop at
		// once, reads a little later (the cluster package's fence.go).
		c.cx.w.WriteError("CLUSTERDOWN The cluster is down")
		return false
	}
	if !serve && !down && c.readonly && spec.Has(command.Readonly) && m.IsReplica(slot, cl.Self()) && n.replicaUpToDate(slot) {
		// READONLY, as in Redis Cluster: a replica serves reads of its
		// shard (what it has received so far).
		serve = true
	}
	if !serve {
		c.cx.w.WriteError(routeErrorText(redirect))
		return false
	}
	return true
}

// routeErrors are the RESP texts of the cluster's routing sentinels
// (Redis Cluster's, and vcache's own for a restarted node).
var routeErrors = []struct {
	err  error
	text string
}{
	{cluster.ErrDown, "CLUSTERDOWN The cluster is down"},
	{cluster.ErrNotServed, "CLUSTERDOWN Hash slot not served"},
	{cluster.ErrTryAgain, "TRYAGAIN Multiple keys request during rehashing of slot"},
	{cluster.ErrRestarted, "TRYAGAIN Node restarted, waiting for the shard map to move its shards"},
}

// routeErrorText returns the RESP error (without the '-') for an error of
// cluster.Map.Route or RouteKeys: "MOVED <slot> <addr>", "ASK <slot>
// <addr>", or a CLUSTERDOWN or TRYAGAIN line.
func routeErrorText(err error) string {
	var r *cluster.Redirect
	if errors.As(err, &r) {
		code := "MOVED "
		if errors.Is(r.Err, cluster.ErrAsk) {
			code = "ASK "
		}
		return code + strconv.Itoa(r.Slot) + " " + r.Addr
	}
	for _, e := range routeErrors {
		if errors.Is(err, e.err) {
			return e.text
		}
	}
	return errText(err)
}

// replicaUpToDate reports whether a link that has completed its full sync
// streams slot to this node.
func (n *Node) replicaUpToDate(slot int) bool {
	n.repl.mu.Lock()
	defer n.repl.mu.Unlock()
	for _, l := range n.repl.links {
		if !l.synced.Load() || !l.up.Load() {
			continue
		}
		for _, r := range l.ranges {
			if r.Contains(slot) {
				return true
			}
		}
	}
	return false
}

// importing reports whether m shows slot migrating to a shard self leads.
func (n *Node) importing(m *cluster.Map, slot int, self cluster.NodeID) bool {
	g, ok := m.MigrationOf(slot)
	if !ok {
		return false
	}
	to, ok := m.Shard(g.To)
	return ok && to.Primary == self
}

// Load reports the node's load to the cluster: memory per shard it is
// primary of (from the keyspace's per-slot accounting), and the node's
// ops/s, CPU (cores, from getrusage) and client bytes/s, shared out by key
// count.
func (n *Node) Load() cluster.NodeLoad {
	cl := n.cl.Load()
	l := cluster.NodeLoad{MemoryUsed: uint64(n.ks.UsedMemory()), MemoryLimit: uint64(n.ks.MaxMemory()),
		CPUCores: float64(runtime.NumCPU())}
	if cl == nil {
		return l
	}
	m := cl.Map()
	if m == nil {
		return l
	}
	primary, _ := m.ShardsOf(cl.Self())
	l.Offsets, l.Copies = n.replOffsets(m, cl.Self()), true
	ops := float64(n.stats.opsPerS.Load())
	total := float64(max(n.ks.Len(), 1))
	// FT indexes are per node (one catalog over every shard's documents);
	// their memory (all of it: engines, documents, postings; the same
	// bytes used_memory counts) and documents are shared out by each
	// shard's share of the keys.
	_, ftDocs := n.search.Usage()
	ftBytes := n.search.MemoryBytes()
	for _, s := range primary {
		sl := cluster.ShardLoad{Shard: s.ID, Conns: uint64(n.clients.count.Load())}
		var keys int
		for _, slot := range cluster.SlotsIn(s.Slots) {
			sl.Memory += uint64(max(n.ks.SlotMemory(slot), 0))
			keys += n.ks.CountKeysInSlot(slot)
		}
		share := float64(keys) / total
		sl.Ops = ops * share
		sl.CPU = float64(n.stats.cpuMilli.Load()) / 1000 * share
		sl.Network = float64(n.stats.netPerS.Load()) * share
		sl.Memory += uint64(float64(ftBytes) * share)
		sl.Vectors = uint64(float64(ftDocs) * share)
		l.Shards = append(l.Shards, sl)
	}
	return l
}

// SlotStats reports the slots in ranges that hold keys.
func (n *Node) SlotStats(ranges []cluster.SlotRange) []cluster.SlotStat {
	var out []cluster.SlotStat
	for _, slot := range cluster.SlotsIn(ranges) {
		if k := n.ks.CountKeysInSlot(slot); k > 0 {
			out = append(out, cluster.SlotStat{Slot: slot, Keys: uint64(k), Bytes: uint64(max(n.ks.SlotMemory(slot), 0))})
		}
	}
	return out
}
