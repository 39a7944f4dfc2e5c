package node

import (
	"context"
	"slices"
	"testing"
)

// TestGraphGrowthStaysUnderMaxMemory: an HNSW graph grows its arrays by a
// chunk of nodes at once (double while small, then an eighth), and
// used_memory counts the capacity. The write that makes it grow is judged
// with that growth: under noeviction it is refused with Redis's OOM error
// when the growth would pass maxmemory, under allkeys-lru documents are
// evicted first. Sampled after every reply, used_memory (less what
// maxmemory does not count) never passes maxmemory by more than one
// document. (At 5 MB the graph's growth from 2048 to 4096 nodes, 1.6 MB,
// comes due below maxmemory: the write that causes it lands 1 MB past
// the limit when judged without it.)
func TestGraphGrowthStaysUnderMaxMemory(t *testing.T) {
	const maxmem = 5 << 20
	for _, policy := range []string{"noeviction", "allkeys-lru"} {
		t.Run(policy, func(t *testing.T) {
			tn := startNode(t, func(c *Config) {
				c.Cache.MaxMemory = maxmem
				c.Cache.Policy = mustPolicy(t, policy)
			})
			c := memClient(t, tn)
			ctx := context.Background()
			ftCreateHNSW(t, c, "EF_CONSTRUCTION", 20)
			prev := evictable(memInfo(t, c))
			var steps, over []int64
			var err error
			n := 0
			for ; n < 6000; n++ {
				err = hsetDoc(ctx, c, n).Err()
				cur := evictable(memInfo(t, c))
				if err != nil {
					break
				}
				steps = append(steps, cur-prev)
				if cur > maxmem {
					over = append(over, cur-maxmem)
				}
				prev = cur
			}
			if policy == "noeviction" && (err == nil || err.Error() != "OOM command not allowed when used memory > 'maxmemory'.") {
				t.Fatalf("after %d documents: %v", n, err)
			}
			if policy == "noeviction" && maxmem-prev < 100<<10 {
				t.Fatalf("OOM at %d of maxmemory %d: the limit no longer falls within a growth of the graph", prev, maxmem)
			}
			if policy != "noeviction" && err != nil {
				t.Fatalf("HSET doc:%d: %v", n, err)
			}
			// One document's cost: the median rise of an accepted HSET
			// (most land in room the graph already has).
			doc := slices.DeleteFunc(slices.Clone(steps), func(d int64) bool { return d <= 0 })
			slices.Sort(doc)
			one := doc[len(doc)/2]
			worst := int64(0)
			if len(over) > 0 {
				worst = slices.Max(over)
			}
			t.Logf("%d documents accepted; one costs %d B; used_memory passed maxmemory after %d replies, by at most %d B; largest step %d B",
				n, one, len(over), worst, doc[len(doc)-1])
			if worst > one+one/2 {
				t.Fatalf("used_memory passed maxmemory by %d B, one document is %d B", worst, one)
			}
		})
	}
}
