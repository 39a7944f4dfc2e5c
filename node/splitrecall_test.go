package node

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/proxy"
)

// TestSplitKeepsRecall loads clustered vectors into an HNSW index through
// a proxy over three nodes, then fills the shard past half its budget so
// that it splits (by promotion with a replica, by copy without one) while
// a client keeps querying through the proxy. recall@10 of a fixed query
// set against brute force, sampled before, all through and after the
// split, stays within 0.01 of the figure before it, and FT.INFO num_docs
// (the proxy's sum over the shards, each counting the slots the proxy
// routes to it) is the number of documents before, all through and after.
func TestSplitKeepsRecall(t *testing.T) {
	for _, tc := range []struct {
		replicas int
		method   string
	}{
		{1, "promote"},
		{0, "copy"},
	} {
		t.Run(tc.method, func(t *testing.T) { testSplitRecall(t, tc.replicas, tc.method) })
	}
}

// recallSet is a clustered vector data set with a fixed query set and
// each query's exact 10 nearest documents.
type recallSet struct {
	docs    [][]float32
	queries [][]float32
	truth   [][]string // doc keys, nearest first
}

// newRecallSet makes n vectors of dim around 20 centres (seeded, so every
// run has the same) and q queries near the same centres.
func newRecallSet(n, q, dim int) *recallSet {
	rng := rand.New(rand.NewPCG(20, 26))
	centres := make([][]float32, 20)
	for i := range centres {
		centres[i] = make([]float32, dim)
		for j := range centres[i] {
			centres[i][j] = float32(rng.Float64()*2 - 1)
		}
	}
	near := func() []float32 {
		c := centres[rng.IntN(len(centres))]
		v := make([]float32, dim)
		for j := range v {
			v[j] = c[j] + float32(rng.NormFloat64()*0.15)
		}
		return v
	}
	rs := &recallSet{}
	for range n {
		rs.docs = append(rs.docs, near())
	}
	for range q {
		qv := near()
		rs.queries = append(rs.queries, qv)
		type hit struct {
			i int
			d float64
		}
		hits := make([]hit, n)
		for i, d := range rs.docs {
			var s float64
			for j := range d {
				x := float64(d[j] - qv[j])
				s += x * x
			}
			hits[i] = hit{i, s}
		}
		sort.Slice(hits, func(a, b int) bool { return hits[a].d < hits[b].d })
		var top []string
		for _, h := range hits[:10] {
			top = append(top, fmt.Sprintf("doc:%d", h.i))
		}
		rs.truth = append(rs.truth, top)
	}
	return rs
}

// recallSample is one pass of the query set through the proxy.
type recallSample struct {
	recall  float64 // mean recall@10 over the queries answered
	numDocs int64   // FT.INFO num_docs, -1 when it failed
	errs    []string
	epoch   uint64 // the proxy's map epoch before the pass
	moving  bool   // the proxy's map listed a migration
	missed  []string
}

// sample runs every query and FT.INFO through c.
func (rs *recallSet) sample(ctx context.Context, c *redis.Client, m *cluster.Map) recallSample {
	s := recallSample{numDocs: -1}
	if m != nil {
		s.epoch, s.moving = m.Epoch(), len(m.Migrations()) > 0
	}
	hits, asked := 0, 0
	for qi, q := range rs.queries {
		res, err := c.Do(ctx, "FT.SEARCH", "idx", "*=>[KNN 10 @v $B AS score]", "PARAMS", "2", "B", vecBlob(q...),
			"SORTBY", "score", "RETURN", "1", "score", "LIMIT", "0", "10", "DIALECT", "2").Slice()
		if err != nil {
			s.errs = append(s.errs, err.Error())
			continue
		}
		asked++
		var got []string
		for i := 1; i < len(res); i += 2 {
			got = append(got, fmt.Sprint(res[i]))
			if slices.Contains(rs.truth[qi], fmt.Sprint(res[i])) {
				hits++
			}
		}
		for _, k := range rs.truth[qi] {
			if !slices.Contains(got, k) {
				s.missed = append(s.missed, k)
			}
		}
	}
	if asked > 0 {
		s.recall = float64(hits) / float64(10*asked)
	}
	info, err := c.Do(ctx, "FT.INFO", "idx").Slice()
	if err != nil {
		s.errs = append(s.errs, "FT.INFO: "+err.Error())
		return s
	}
	for i := 0; i+1 < len(info); i += 2 {
		if info[i] == "num_docs" {
			s.numDocs = infoNum(info[i+1])
		}
	}
	return s
}

// clusterProxy starts a proxy that learns the nodes' map by gossip, as
// `vcache proxy --join` does, and returns its address and its member.
func clusterProxy(t *testing.T, nodes []*testNode) (string, *cluster.Cluster) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cc := clusterConfig("proxy-1", []string{nodes[0].Cluster().GossipAddr()})
	cc.Role = cluster.RoleProxy
	starvationProof(cc)
	member, err := cluster.New(*cc, log)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := member.Start(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := proxy.New(proxy.DefaultConfig(), member.Router(), log)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Serve(ctx, ln) }()
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		p.Shutdown(sctx)
		cancel()
		<-done
		member.Shutdown(sctx)
	})
	waitFor(t, 20*time.Second, "the proxy to learn the map", func() bool {
		m := member.Map()
		return m != nil && m.SlotsAssigned() == keyslot.Count
	})
	return ln.Addr().String(), member
}

// mapStates describes each node's map, for a failure's message.
func mapStates(nodes []*testNode) string {
	var b strings.Builder
	for _, tn := range nodes {
		m := tn.Cluster().Map()
		if m == nil {
			fmt.Fprintf(&b, "%s: no map; ", tn.Cluster().Self())
			continue
		}
		fmt.Fprintf(&b, "%s: epoch %d, %d shards, %d migrations, %d members, down %v; ", tn.Cluster().Self(), m.Epoch(), len(m.Shards()), len(m.Migrations()), len(m.Members()), m.Down())
	}
	return b.String()
}

// starvationProof makes cc's member ride out a starved CPU: the default
// failure detector (probes every 500 ms, suspicion x3) instead of the
// tests' shrunk one, and no step-down without a majority. This test
// injects no failure and no partition; on a loaded machine a race run
// starved the nodes so that one heard no load report for seconds and
// stepped down (CLUSTERDOWN to writes for longer than the proxy retries).
func starvationProof(cc *cluster.Config) {
	d := cluster.DefaultConfig()
	cc.ProbeInterval, cc.ProbeTimeout, cc.SuspicionMult = d.ProbeInterval, d.ProbeTimeout, d.SuspicionMult
	cc.RequireMajority = false
}

func testSplitRecall(t *testing.T, replicas int, method string) {
	// 8 MB shards: the documents and their index stay under half of it
	// until the strings below are loaded.
	nodes, _ := promoteCluster(t, replicas, func(cc *cluster.Config) {
		cc.ShardMaxMemory = 8 << 20
		starvationProof(cc)
	})
	addr, member := clusterProxy(t, nodes)
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, MaxRetries: -1, ReadTimeout: 30 * time.Second})
	defer c.Close()
	const dim, docs = 16, 3000
	if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA",
		"v", "VECTOR", "HNSW", "12", "TYPE", "FLOAT32", "DIM", dim, "DISTANCE_METRIC", "L2",
		"M", "32", "EF_CONSTRUCTION", "400", "EF_RUNTIME", "1000").Err(); err != nil {
		t.Fatalf("FT.CREATE: %v", err)
	}
	rs := newRecallSet(docs, 30, dim)
	for lo := 0; lo < docs; lo += 50 {
		// A proxy whose node is slow to answer (a loaded machine) says
		// TRYAGAIN, as a client is told to: the HSETs are sent again.
		deadline := time.Now().Add(time.Minute)
		for {
			_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
				for i := lo; i < min(lo+50, docs); i++ {
					p.HSet(ctx, fmt.Sprintf("doc:%d", i), "v", vecBlob(rs.docs[i]...))
				}
				return nil
			})
			if err == nil {
				break
			}
			if !strings.HasPrefix(err.Error(), "TRYAGAIN") || time.Now().After(deadline) {
				t.Fatalf("HSET docs: %v; maps: %s", err, mapStates(nodes))
			}
		}
	}
	var before recallSample
	waitFor(t, time.Minute, "FT.INFO num_docs to count every document", func() bool {
		before = rs.sample(ctx, c, member.Map())
		return before.numDocs == docs && len(before.errs) == 0
	})
	if before.recall < 0.95 {
		t.Fatalf("recall@10 before the split %.3f: the index itself is off", before.recall)
	}
	if replicas > 0 {
		waitReplicasMatch(t, nodes)
	}

	// Query all through the split: a bounded loop, stopped a little after
	// the split is done on every node.
	var mu sync.Mutex
	var during []recallSample
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for range 3000 {
			select {
			case <-stop:
				return
			default:
			}
			s := rs.sample(ctx, c, member.Map())
			mu.Lock()
			during = append(during, s)
			mu.Unlock()
		}
	}()
	// ~5.5 MB of strings: past 50% of the 8 MB budget.
	val := strings.Repeat("v", 600)
	for lo := 0; lo < 8000; lo += 100 {
		if _, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := lo; i < lo+100; i++ {
				p.Set(ctx, fmt.Sprintf("key:%d", i), val, 0)
			}
			return nil
		}); err != nil {
			t.Fatalf("load of key:%d-%d: %v; maps: %s; events: %s", lo, lo+99, err, mapStates(nodes), nodes[0].client2(t).Do(ctx, "CLUSTER", "EVENTS").String())
		}
	}
	splitDone := func() bool {
		for _, tn := range append([]*testNode{}, nodes...) {
			m := tn.Cluster().Map()
			if m == nil || len(m.Shards()) != 2 || len(m.Migrations()) > 0 {
				return false
			}
		}
		m := member.Map()
		return m != nil && len(m.Shards()) == 2 && len(m.Migrations()) == 0
	}
	waitFor(t, 60*time.Second, "the shard to split on every node and the proxy", splitDone)
	// A few more passes after it, then stop.
	mu.Lock()
	n := len(during)
	mu.Unlock()
	waitFor(t, 2*time.Minute, "passes after the split", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(during) >= n+3
	})
	close(stop)
	<-sampled

	evs := nodes[0].client2(t).Do(ctx, "CLUSTER", "EVENTS").String()
	if !strings.Contains(evs, "to shard 2 by "+method) {
		t.Fatalf("the split was not by %s: %s", method, evs)
	}
	var after recallSample
	waitFor(t, time.Minute, "a whole pass after the split", func() bool {
		after = rs.sample(ctx, c, member.Map())
		return len(after.errs) == 0
	})

	mu.Lock()
	defer mu.Unlock()
	lowest, moving, errs, epochs := math.Inf(1), 0, 0, map[uint64]bool{}
	var bad []string
	docsOff := 0
	for i, s := range during {
		epochs[s.epoch] = true
		if s.moving {
			moving++
		}
		errs += len(s.errs)
		if len(s.errs) > 0 {
			bad = append(bad, fmt.Sprintf("pass %d (epoch %d): errors %v", i, s.epoch, s.errs[:min(3, len(s.errs))]))
		}
		if s.recall < lowest {
			lowest = s.recall
		}
		if s.recall < before.recall-0.01 {
			var sl []int
			for _, k := range s.missed {
				sl = append(sl, keyslot.OfString(k))
			}
			bad = append(bad, fmt.Sprintf("pass %d (epoch %d, migrating %v): recall@10 %.3f missed slots %v", i, s.epoch, s.moving, s.recall, sl))
		}
		if len(s.errs) == 0 && s.numDocs != docs {
			// Each node counts the slots the proxy's map routes to it,
			// so the sum is every document once, at the flip too.
			docsOff++
			bad = append(bad, fmt.Sprintf("pass %d (epoch %d, migrating %v): num_docs %d", i, s.epoch, s.moving, s.numDocs))
		}
	}
	t.Logf("split by %s: recall@10 before %.3f, during %d passes of %d queries (%d while the proxy's map listed the migration, %d map epochs) lowest %.3f, %d errors, after %.3f; num_docs before %d, off in %d passes, after %d",
		method, before.recall, len(during), len(rs.queries), moving, len(epochs), lowest, errs, after.recall, before.numDocs, docsOff, after.numDocs)
	if len(epochs) < 2 {
		t.Errorf("every pass saw map epoch %v: none was taken while the shard split", epochs)
	}
	if len(bad) > 0 {
		t.Errorf("%d passes off during the split, e.g.:\n%s", len(bad), strings.Join(bad[:min(10, len(bad))], "\n"))
	}
	if math.Abs(after.recall-before.recall) > 0.01 || after.numDocs != docs {
		t.Errorf("after the split: recall@10 %.3f (before %.3f), num_docs %d of %d", after.recall, before.recall, after.numDocs, docs)
	}
}
