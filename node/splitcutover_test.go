package node

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/cluster"
)

// TestCopySplitCutoverWrites splits a shard by copy while several clients
// write new keys as fast as they can, so that writes are in flight at every
// step of the cutover (snapshot, copy, pause, replay, flip, drop): every
// write acknowledged must read back after the split, from wherever the
// cluster now serves it. VCACHE_SPLIT_ROUNDS repeats it (a new cluster each
// round) to look for a rare interleaving.
func TestCopySplitCutoverWrites(t *testing.T) {
	rounds := 1
	if s := os.Getenv("VCACHE_SPLIT_ROUNDS"); s != "" {
		rounds, _ = strconv.Atoi(s)
	}
	for r := 0; r < rounds; r++ {
		t.Run(fmt.Sprint("round-", r), func(t *testing.T) { untilValid(t, testCopySplitCutoverWrites) })
	}
}

func testCopySplitCutoverWrites(t *testing.T) {
	nodes := startCopySplitCluster(t)
	ctx := context.Background()
	cc, acks := ackedClusterClient(nodes)
	defer cc.Close()
	const writers = 6
	var lives []*liveWrites
	for w := 0; w < writers; w++ {
		lives = append(lives, startLiveWrites(ctx, cc, fmt.Sprintf("w%d", w), 50000, nil))
	}
	loadUntilSplit(t, ctx, nodes, cc)
	// Writes go on through the flip and the drop of the moved keys.
	time.Sleep(500 * time.Millisecond)
	acked := map[string]bool{}
	var mu sync.Mutex
	for _, l := range lives {
		for k := range l.Stop() {
			mu.Lock()
			acked[k] = true
			mu.Unlock()
		}
	}
	if len(acked) == 0 {
		t.Fatal("no write acknowledged")
	}
	lost := 0
	for k := range acked {
		v, err := getThroughChange(ctx, cc, k, 30*time.Second)
		_, i, _ := strings.Cut(k, ":")
		if err != nil || v != i {
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged write %s reads %q, %v: %s", k, v, err, whereIs(nodes, k, acks))
			}
		}
	}
	if lost > 0 {
		skipIfFailedOverEmpty(t, nodes)
		t.Fatalf("%d of %d acknowledged writes lost", lost, len(acked))
	}
	t.Logf("%d acknowledged writes read back", len(acked))
}

// TestCopySplitStaleMapKeepsPause has the source's map watcher take a map
// from before the split and act on it only once the split's cutover has
// paused writes to the moving slots, as a watcher starved of processor
// time on a loaded machine may. That map shows no migration, so it must
// not end the pause: writes let through then would land on the source
// after the log it replays on the target was taken, and be dropped with
// the moved slots (or left behind) at the flip. Every write acknowledged
// through the split must read back.
func TestCopySplitStaleMapKeepsPause(t *testing.T) {
	untilValid(t, testCopySplitStaleMapKeepsPause)
}

func testCopySplitStaleMapKeepsPause(t *testing.T) {
	nodes := startCopySplitCluster(t)
	var src *testNode
	for _, tn := range nodes {
		if tn.Cluster().Self() == nodes[0].Cluster().Map().Shards()[0].Primary {
			src = tn
		}
	}
	// The first map the source's watcher takes from now on predates the
	// split: it is held until the cutover pauses writes.
	var held atomic.Bool
	paused := func() bool {
		for s := range src.mig.paused {
			if src.mig.paused[s].Load() {
				return true
			}
		}
		return false
	}
	// The next map the watcher takes after the held one is the one
	// that shows the split (or its end): until the watcher has acted on
	// that one, the cutover's pause must hold.
	var after atomic.Int32 // 1: the held map was acted on; 2: the next map came, paused; 3: not paused
	hook := func(m *cluster.Map) {
		if after.Load() == 1 {
			if paused() {
				after.Store(2)
			} else {
				after.Store(3)
			}
		}
		if len(m.Migrations()) > 0 || len(m.Shards()) != 1 || held.Swap(true) {
			return
		}
		deadline := time.Now().Add(60 * time.Second)
		for !paused() && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		after.Store(1)
	}
	src.watchHook.Store(&hook)
	signal := copySignal(func() (bool, string) { return false, "" })
	src.copySignalHook.Store(&signal)
	// A member joining gives every node's watcher the current map again,
	// with the member in its view: the map the source's watcher holds.
	pc := clusterConfig("proxy-1", []string{src.Cluster().GossipAddr()})
	pc.Role = cluster.RoleProxy
	member, err := cluster.New(*pc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := member.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		member.Shutdown(sctx)
	})
	waitFor(t, 20*time.Second, "the source's watcher to take a map from before the split", held.Load)
	ctx := context.Background()
	cc, acks := ackedClusterClient(nodes)
	defer cc.Close()
	var lives []*liveWrites
	for w := 0; w < 4; w++ {
		lives = append(lives, startLiveWrites(ctx, cc, fmt.Sprintf("w%d", w), 50000, nil))
	}
	loadUntilSplit(t, ctx, nodes, cc)
	time.Sleep(500 * time.Millisecond)
	acked := map[string]bool{}
	for _, l := range lives {
		for k := range l.Stop() {
			acked[k] = true
		}
	}
	switch after.Load() {
	case 1:
		t.Fatal("the source's watcher took no map after the one held")
	case 3:
		// (A failover of the source cancels its cutover, which ends the
		// pause as it should.)
		skipIfFailedOverEmpty(t, nodes)
		t.Errorf("the cutover's write pause ended before the map that ends the split")
	}
	lost := 0
	for k := range acked {
		v, err := getThroughChange(ctx, cc, k, 30*time.Second)
		if _, i, _ := strings.Cut(k, ":"); err != nil || v != i {
			lost++
			if lost <= 3 {
				t.Errorf("acknowledged write %s reads %q, %v: %s", k, v, err, whereIs(nodes, k, acks))
			}
		}
	}
	if lost > 0 {
		skipIfFailedOverEmpty(t, nodes)
		t.Fatalf("%d of %d acknowledged writes lost", lost, len(acked))
	}
	t.Logf("%d acknowledged writes read back", len(acked))
}

// loadUntilSplit writes 200-byte keys key:0, key:1... through cc until the
// one shard splits in two (at most 5000), then waits for the split to end.
func loadUntilSplit(t *testing.T, ctx context.Context, nodes []*testNode, cc *redis.ClusterClient) {
	t.Helper()
	val := strings.Repeat("v", 200)
	for i := 0; ; i++ {
		if m := nodes[0].Cluster().Map(); m != nil && len(m.Shards()) == 2 {
			break
		}
		if i == 5000 {
			t.Fatal("no split after 5000 keys")
		}
		if err := setPatiently(ctx, cc, fmt.Sprintf("key:%d", i), val); err != nil {
			t.Fatalf("load: %v", err)
		}
	}
	waitFor(t, 60*time.Second, "the split to finish", func() bool {
		m := nodes[0].Cluster().Map()
		return m != nil && len(m.Shards()) == 2 && len(m.Migrations()) == 0
	})
}
