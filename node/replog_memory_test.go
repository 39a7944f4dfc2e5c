package node

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
)

// TestReplicationBacklogCountsTowardMaxmemory: a primary's backlog is a
// ring of repl-backlog-size that stays that size however much is written
// through it, is reported in INFO memory and counts toward maxmemory (a
// limit that the dataset alone stays under, but the dataset and the
// backlog do not, refuses writes under noeviction), and the replica
// keeps up while the ring wraps.
func TestReplicationBacklogCountsTowardMaxmemory(t *testing.T) {
	const size = 1 << 20
	nodes := joinNodesWith(t, 3, func(c *cluster.Config) { c.Replicas = 1 }, func(c *Config) { c.ReplBacklogSize = size })
	waitReplicated(t, nodes)
	ctx := context.Background()
	owner, _ := nodes[0].Cluster().Map().Owner(keyslot.OfString("{b}"))
	var p *testNode
	for _, tn := range nodes {
		if tn.Cluster().Self() == owner.Primary {
			p = tn
		}
	}
	c := p.client(t)
	waitFor(t, 10*time.Second, "the primary to take a write", func() bool { return c.Set(ctx, "{b}:first", "x", 0).Err() == nil })
	val := strings.Repeat("v", 2000)
	for i := 0; i < 1500; i++ { // 3 MB through a 1 MB ring
		// A starved test machine can leave the node briefly out of touch
		// with its peers (CLUSTERDOWN): retry, bounded.
		k := fmt.Sprintf("{b}:%d", i)
		waitFor(t, 10*time.Second, "SET "+k, func() bool { return c.Set(ctx, k, val, 0).Err() == nil })
	}
	if n, err := c.Wait(ctx, 1, 5000).Result(); err != nil || n != 1 {
		t.Fatalf("WAIT 1 after the ring wrapped: %d, %v", n, err)
	}
	if got := infoInt(t, c, "mem_replication_backlog"); got != size {
		t.Fatalf("mem_replication_backlog %d, want %d", got, size)
	}
	if first, hist := infoInt(t, c, "repl_backlog_first_byte_offset"), infoInt(t, c, "repl_backlog_histlen"); first == 0 || hist > size || hist < size-4096 {
		t.Fatalf("repl_backlog_first_byte_offset %d, repl_backlog_histlen %d (size %d)", first, hist, size)
	}
	used, dataset := infoInt(t, c, "used_memory"), infoInt(t, c, "used_memory_dataset")
	if used-dataset < size {
		t.Fatalf("used_memory %d - used_memory_dataset %d leaves less than the backlog (%d)", used, dataset, size)
	}
	if err := c.ConfigSet(ctx, "maxmemory-policy", "noeviction").Err(); err != nil {
		t.Fatal(err)
	}
	counted := used - infoInt(t, c, "mem_not_counted_for_evict")
	if err := c.ConfigSet(ctx, "maxmemory", fmt.Sprint(counted-size/2)).Err(); err != nil {
		t.Fatal(err)
	}
	err := c.Set(ctx, "{b}:more", "x", 0).Err()
	if err == nil || !strings.HasPrefix(err.Error(), "OOM ") {
		t.Fatalf("SET with the dataset under maxmemory but dataset + backlog over it: %v, want OOM", err)
	}
	if err := c.ConfigSet(ctx, "maxmemory", "0").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, "{b}:more", "x", 0).Err(); err != nil {
		t.Fatalf("SET without a limit: %v", err)
	}
}
