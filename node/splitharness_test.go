package node

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/testutil"
)

// The split and merge tests share this harness: a client that keeps
// writing through the shard changes, and reads that wait out a change's
// pause.

// liveWrites SETs prefix:0, prefix:1, ... through a cluster client in the
// background while shards split or merge, remembering which writes were
// acknowledged.
type liveWrites struct {
	stop chan struct{}
	done chan struct{}
	// acked is the writer's until Stop returns.
	acked map[string]bool
}

// startLiveWrites writes prefix:i for i below n until Stop; each, when
// set, runs after every write with its i (a read alongside, say).
func startLiveWrites(ctx context.Context, cc redis.Cmdable, prefix string, n int, each func(i int)) *liveWrites {
	w := &liveWrites{stop: make(chan struct{}), done: make(chan struct{}), acked: map[string]bool{}}
	go func() {
		defer close(w.done)
		for i := 0; i < n; i++ {
			select {
			case <-w.stop:
				return
			default:
			}
			k := fmt.Sprintf("%s:%d", prefix, i)
			if cc.Set(ctx, k, i, 0).Err() == nil {
				w.acked[k] = true
			}
			if each != nil {
				each(i)
			}
		}
	}()
	return w
}

// Stop ends the writes and returns the keys whose SET was acknowledged.
func (w *liveWrites) Stop() map[string]bool {
	close(w.stop)
	<-w.done
	return w.acked
}

// getThroughChange reads k, waiting up to patience while the cluster is
// down or k's slot moves (gossip on a loaded machine may declare members
// suspect for a while): those are not losses. A missing key is nil.
func getThroughChange(ctx context.Context, cc redis.Cmdable, k string, patience time.Duration) (v string, err error) {
	testutil.Until(patience, func() error {
		v, err = cc.Get(ctx, k).Result()
		if err == nil || err == redis.Nil ||
			!(strings.HasPrefix(err.Error(), "CLUSTERDOWN") || strings.HasPrefix(err.Error(), "TRYAGAIN")) {
			return nil
		}
		return err
	})
	return v, err
}

// promoteCluster joins three nodes holding one 4 MB shard with replicas
// replicas that splits by promotion when half full (one split: the
// cooldown and merge window are an hour unless tune changes them), waits
// until every node has the first map and returns the nodes with a
// cluster client over them (closed when the test ends).
func promoteCluster(t *testing.T, replicas int, tune func(cc *cluster.Config)) ([]*testNode, *redis.ClusterClient) {
	t.Helper()
	nodes := joinNodes(t, 3, func(cc *cluster.Config) {
		cc.Replicas = replicas
		cc.InitialShards = 1
		cc.ShardMaxMemory = 4 << 20
		cc.ScaleWindow = 500 * time.Millisecond
		cc.Cooldown = time.Hour
		cc.MergeWindow = time.Hour
		cc.SplitMethod = cluster.SplitAuto
		// The split tests check the pair the flip leaves (each node the
		// other's replica); TestSplitSpreadsReplicas turns the spread on.
		cc.SpreadReplicas = false
		if tune != nil {
			tune(cc)
		}
	})
	waitFirstMaps(t, nodes)
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{nodes[0].addr, nodes[1].addr, nodes[2].addr},
		MaxRedirects: 16, MinRetryBackoff: 5 * time.Millisecond, MaxRetryBackoff: 100 * time.Millisecond})
	t.Cleanup(func() { cc.Close() })
	return nodes, cc
}

// nodesByID maps each node's cluster ID to it.
func nodesByID(nodes []*testNode) map[cluster.NodeID]*testNode {
	byID := map[cluster.NodeID]*testNode{}
	for _, tn := range nodes {
		byID[tn.Cluster().Self()] = tn
	}
	return byID
}

// ackedWrites SETs w:<i mod keys> to v<i> for i below 50,000, each
// followed by WAIT 1, on the primary the observer's map names, until
// Stop. A write counts as acknowledged when WAIT says one replica has it;
// writes to the key since may or may not have landed.
type ackedWrites struct {
	stop     chan struct{}
	stopOnce sync.Once
	done     chan struct{}
	// count is the number of acknowledged writes.
	count atomic.Int64
	// mu guards writes while the writer runs.
	mu     sync.Mutex
	writes map[string]*ackedWrite
}

// ackedWrite is one key's last acknowledged value and the values written
// to it after that, not acknowledged.
type ackedWrite struct {
	acked string
	since []string
}

// startAckedWrites starts the writer over keys keys, with a client of
// one connection per node (closed, and the writer stopped, when the test
// ends).
func startAckedWrites(t *testing.T, ctx context.Context, nodes []*testNode, observer *testNode, keys int) *ackedWrites {
	t.Helper()
	byID := nodesByID(nodes)
	clients := map[*testNode]*redis.Client{}
	for _, tn := range nodes {
		c := redis.NewClient(&redis.Options{Addr: tn.addr, MaxRetries: -1, PoolSize: 1,
			DialTimeout: time.Second, ReadTimeout: 2 * time.Second})
		clients[tn] = c
		t.Cleanup(func() { c.Close() })
	}
	w := &ackedWrites{stop: make(chan struct{}), done: make(chan struct{}), writes: map[string]*ackedWrite{}}
	go func() {
		defer close(w.done)
		for i := 0; i < 50000; i++ {
			select {
			case <-w.stop:
				return
			default:
			}
			k, v := fmt.Sprintf("w:%d", i%keys), fmt.Sprintf("v%d", i)
			owner, ok := observer.Cluster().Map().Owner(keyslot.OfString(k))
			tn := byID[owner.Primary]
			if !ok || tn == nil {
				continue
			}
			var set *redis.StatusCmd
			var wait *redis.Cmd
			clients[tn].Pipelined(ctx, func(p redis.Pipeliner) error {
				set = p.Set(ctx, k, v, 0)
				wait = p.Do(ctx, "WAIT", "1", "200")
				return nil
			})
			n, err := wait.Int64()
			w.mu.Lock()
			switch kw := w.writes[k]; {
			case set.Err() == nil && err == nil && n >= 1:
				w.writes[k] = &ackedWrite{acked: v}
				w.count.Add(1)
			case kw != nil:
				kw.since = append(kw.since, v)
			}
			w.mu.Unlock()
		}
	}()
	t.Cleanup(func() { w.Stop() })
	return w
}

// Acked returns how many writes have been acknowledged so far.
func (w *ackedWrites) Acked() int64 { return w.count.Load() }

// Keys returns how many keys have an acknowledged write so far.
func (w *ackedWrites) Keys() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.writes)
}

// Stop ends the writes (once; later calls wait for the same end) and
// returns each key's acknowledged write.
func (w *ackedWrites) Stop() map[string]*ackedWrite {
	w.stopOnce.Do(func() { close(w.stop) })
	<-w.done
	return w.writes
}

// lostAcked reads every acknowledged key through cc, waiting out a shard
// change for up to 10s each, and describes those that hold neither the
// acknowledged value nor one written since.
func lostAcked(ctx context.Context, cc redis.Cmdable, writes map[string]*ackedWrite) []string {
	var lost []string
	for k, w := range writes {
		got, err := getThroughChange(ctx, cc, k, 10*time.Second)
		if err != nil || (got != w.acked && !slices.Contains(w.since, got)) {
			lost = append(lost, fmt.Sprintf("%s=%q, acknowledged %q (%v)", k, got, w.acked, err))
		}
	}
	return lost
}

// closeAndReadAcked closes dead, waits (for what) until the observer's
// map has every slot led by another node, stops the writes and reads
// every acknowledged key through the nodes left: it returns the
// acknowledged writes (failing the test if there are none) and the lost
// ones (lostAcked).
func closeAndReadAcked(t *testing.T, ctx context.Context, nodes []*testNode, observer, dead *testNode,
	writes *ackedWrites, what string) (map[string]*ackedWrite, []string) {
	t.Helper()
	dead.stop()
	waitFor(t, 30*time.Second, what, func() bool {
		m := observer.Cluster().Map()
		if m == nil || len(m.Migrations()) > 0 || m.SlotsAssigned() != keyslot.Count {
			return false
		}
		for _, s := range m.Shards() {
			if s.Primary == dead.Cluster().Self() {
				return false
			}
		}
		return true
	})
	acked := writes.Stop()
	var left []string
	for _, tn := range nodes {
		if tn != dead {
			left = append(left, tn.addr)
		}
	}
	rc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: left, MaxRedirects: 16,
		MinRetryBackoff: 5 * time.Millisecond, MaxRetryBackoff: 100 * time.Millisecond})
	defer rc.Close()
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged by WAIT 1")
	}
	return acked, lostAcked(ctx, rc, acked)
}

// ackLog records, for a cluster client, which node acknowledged each SET
// (the client follows MOVED and retries, so the node it first asked says
// nothing): a lost write is then looked for where it landed.
type ackLog struct {
	mu sync.Mutex
	by map[string]ack // key -> the node that answered OK, and when
}

type ack struct {
	addr string
	at   time.Time
}

// newAckLog returns an empty log and the ClusterOptions.NewClient that
// makes a cluster client's node clients record into it.
func newAckLog() (*ackLog, func(*redis.Options) *redis.Client) {
	a := &ackLog{by: map[string]ack{}}
	return a, func(o *redis.Options) *redis.Client {
		rdb := redis.NewClient(o)
		rdb.AddHook(ackHook{log: a, addr: o.Addr})
		return rdb
	}
}

// node describes the node that acknowledged k's SET, and when.
func (a *ackLog) node(k string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	w, ok := a.by[k]
	if !ok {
		return "no node"
	}
	return w.addr + " at " + w.at.Format("15:04:05.000")
}

type ackHook struct {
	log  *ackLog
	addr string
}

func (h ackHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h ackHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if args := cmd.Args(); err == nil && cmd.Err() == nil && strings.EqualFold(cmd.Name(), "set") && len(args) > 1 {
			h.log.mu.Lock()
			h.log.by[fmt.Sprint(args[1])] = ack{addr: h.addr, at: time.Now()}
			h.log.mu.Unlock()
		}
		return err
	}
}

func (h ackHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// whereIs describes, for a key that reads back missing, what every node
// holds and thinks of its slot: whether the key is in its keyspace, the
// map's epoch, owner and migration of the slot, and the slot's migration
// flags; and the split's events on the first node.
func whereIs(nodes []*testNode, k string, acks *ackLog) string {
	slot := keyslot.OfString(k)
	var b strings.Builder
	fmt.Fprintf(&b, "%s (slot %d) acknowledged by %s", k, slot, acks.node(k))
	for _, tn := range nodes {
		cl := tn.Cluster()
		if cl == nil {
			continue
		}
		has := slices.Contains(tn.ks.KeysInSlot(slot, 1<<20), k)
		fmt.Fprintf(&b, "\n  %s %s: holds it %v, paused %v, logging %v", cl.Self(), tn.addr, has,
			tn.mig.paused[slot].Load(), tn.mig.logging[slot].Load())
		if m := cl.Map(); m != nil {
			owner, _ := m.Owner(slot)
			g, moving := m.MigrationOf(slot)
			fmt.Fprintf(&b, "; map epoch %d by %s, down %v, owner shard %d on %s, moving %v %+v",
				m.Epoch(), m.Coordinator(), m.Down(), owner.ID, owner.Primary, moving, g)
		}
	}
	if cl := nodes[0].Cluster(); cl != nil {
		for _, e := range cl.Events(20) {
			fmt.Fprintf(&b, "\n  event %s %s shard %d: %s (%s)", e.Time.Format("15:04:05.000"), e.Kind, e.Shard, e.Detail, e.Duration)
		}
	}
	return b.String()
}

// failedOverEmpty returns the events in which a shard's primary was
// declared failed with no replica to promote, so that another node
// served its slots empty: every write that primary had taken is gone
// with it, whatever the split did. A primary starved of processor time
// on a loaded machine can be declared failed while it still serves.
func failedOverEmpty(nodes []*testNode) []string {
	var out []string
	seen := map[string]bool{}
	for _, tn := range nodes {
		cl := tn.Cluster()
		if cl == nil {
			continue
		}
		for _, e := range cl.Events(50) {
			if e.Kind == cluster.EventFailover && strings.Contains(e.Detail, "serves the slots empty") && !seen[e.ID] {
				seen[e.ID] = true
				out = append(out, e.Time.Format("15:04:05.000")+" "+e.Detail)
			}
		}
	}
	return out
}

// lossCause adds to a lost write's report the failovers that served a
// shard empty during the test, which lose every write of that shard.
func lossCause(nodes []*testNode) string {
	fo := failedOverEmpty(nodes)
	if len(fo) == 0 {
		return ""
	}
	return "\nduring the test a primary was declared failed and its shard served empty (no replica): " + strings.Join(fo, "; ")
}

// skipIfFailedOverEmpty ends an attempt of untilValid as invalid when,
// during it, a primary was declared failed and its shard served empty
// (these clusters have no replicas): a node starved on a loaded machine
// can be, and what it acknowledged is then lost by design, so the
// attempt says nothing of what the test checks.
func skipIfFailedOverEmpty(t *testing.T, nodes []*testNode) {
	t.Helper()
	if fo := failedOverEmpty(nodes); len(fo) > 0 {
		t.Skip("a primary was declared failed and its shard served empty (no replica): " + strings.Join(fo, "; "))
	}
}

// untilValid runs f as up to three attempts, each a subtest with a cluster
// of its own, until one ends without being skipped as invalid
// (skipIfFailedOverEmpty); the test fails when none does. A failing
// attempt fails the test at once.
func untilValid(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	for a := 1; a <= 3; a++ {
		valid := false
		if !t.Run(fmt.Sprint("attempt-", a), func(t *testing.T) { f(t); valid = true }) {
			return
		}
		if valid {
			return
		}
	}
	t.Fatal("every attempt was invalidated by a primary declared failed under load")
}

// waitFirstMaps waits until every node has a map assigning every slot.
func waitFirstMaps(t *testing.T, nodes []*testNode) {
	t.Helper()
	waitFor(t, 20*time.Second, "the first map on every node", func() bool {
		for _, tn := range nodes {
			if m := tn.Cluster().Map(); m == nil || m.SlotsAssigned() != keyslot.Count {
				return false
			}
		}
		return true
	})
}

// ackedClusterClient is a cluster client over the first three nodes whose
// acknowledged writes the returned log records.
func ackedClusterClient(nodes []*testNode) (*redis.ClusterClient, *ackLog) {
	acks, newClient := newAckLog()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{nodes[0].addr, nodes[1].addr, nodes[2].addr},
		MaxRedirects: 16, MinRetryBackoff: 5 * time.Millisecond, MaxRetryBackoff: 100 * time.Millisecond,
		NewClient: newClient})
	return cc, acks
}

// startCopySplitCluster starts three nodes, no replicas, one shard that
// splits by copy once it holds 128 KiB (and never merges or splits
// again for an hour), and waits for their first map.
func startCopySplitCluster(t *testing.T) []*testNode {
	t.Helper()
	nodes := joinNodesWith(t, 3, func(cc *cluster.Config) {
		cc.Replicas = 0
		cc.InitialShards = 1
		cc.ShardMaxMemory = 256 << 10
		cc.ScaleWindow = 200 * time.Millisecond
		cc.Cooldown = time.Hour
		cc.MergeWindow = time.Hour
		cc.SplitMethod = cluster.SplitCopy
		starvationProof(cc)
	}, nil)
	waitFirstMaps(t, nodes)
	return nodes
}
