package node

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestEvictionWithIndexUnderEveryPolicy loads about three times what
// maxmemory holds into an HNSW index under allkeys-lru, allkeys-lfu and
// volatile-lru (every document with a TTL). What a user sees: every write
// succeeds; used_memory less mem_not_counted_for_evict stays within
// maxmemory (plus one pipeline's slack) and, since evicting a document
// frees its index memory too, does not collapse far below it; FT.INFO
// num_docs and FT.SEARCH's total equal the documents left, and a KNN
// returns only keys that exist.
func TestEvictionWithIndexUnderEveryPolicy(t *testing.T) {
	for _, policy := range []string{"allkeys-lru", "allkeys-lfu", "volatile-lru"} {
		t.Run(policy, func(t *testing.T) {
			const maxmem = 4 << 20
			tn := startNode(t, func(c *Config) {
				c.Cache.MaxMemory = maxmem
				c.Cache.Policy = mustPolicy(t, policy)
			})
			c := memClient(t, tn)
			c2 := redis.NewClient(&redis.Options{Addr: tn.addr, Protocol: 2, MaxRetries: -1, ReadTimeout: time.Minute})
			t.Cleanup(func() { c2.Close() })
			ctx := context.Background()
			ftCreateHNSW(t, c, "EF_CONSTRUCTION", 20)
			const n, batch, slack = 8000, 100, 256 << 10
			var slowest time.Duration
			for b := 0; b < n/batch; b++ {
				pipe := c.Pipeline()
				for i := b * batch; i < (b+1)*batch; i++ {
					hsetDoc(ctx, pipe, i)
					if policy == "volatile-lru" {
						pipe.Expire(ctx, fmt.Sprintf("doc:%d", i), time.Hour)
					}
				}
				t0 := time.Now()
				if _, err := pipe.Exec(ctx); err != nil {
					t.Fatalf("write under %s (batch %d): %v", policy, b, err)
				}
				slowest = max(slowest, time.Since(t0))
				if used := evictable(memInfo(t, c)); used > maxmem+slack {
					t.Fatalf("used_memory less mem_not_counted_for_evict %d > maxmemory %d + %d after %d documents", used, maxmem, slack, (b+1)*batch)
				}
			}
			m := memInfo(t, c)
			keys := c.DBSize(ctx).Val()
			docs, _ := ftDocsAndVectorBytes(t, c, "idx")
			evicted := infoInt(t, c, "evicted_keys")
			t.Logf("%s: %d written, %d left, %d evicted, used_memory (counted) %d of %d (vector %d), slowest pipeline %v",
				policy, n, keys, evicted, evictable(m), maxmem, m["used_memory_vector"], slowest)
			if evicted == 0 || keys+evicted != n {
				t.Fatalf("keys %d + evicted %d != %d written", keys, evicted, n)
			}
			if docs != keys {
				t.Fatalf("FT.INFO num_docs %d, but %d documents exist", docs, keys)
			}
			// Each eviction gave back the document's index memory, so the
			// node kept about as many documents as fit.
			if evictable(m) < maxmem*7/10 {
				t.Fatalf("used_memory (counted) %d after eviction, below 70%% of maxmemory %d: evictions freed less than they were counted for", evictable(m), maxmem)
			}
			all, err := c2.Do(ctx, "FT.SEARCH", "idx", "*", "LIMIT", 0, 0).Slice()
			if err != nil {
				t.Fatal(err)
			}
			if total, _ := all[0].(int64); total != keys {
				t.Fatalf("FT.SEARCH idx * counts %d documents, %d exist", total, keys)
			}
			for q := 0; q < 5; q++ {
				res, err := c2.Do(ctx, "FT.SEARCH", "idx", "*=>[KNN 20 @emb $B AS d]", "PARAMS", 2, "B", memVec(n+q),
					"RETURN", 1, "d", "LIMIT", 0, 20, "DIALECT", 2).Slice()
				if err != nil {
					t.Fatal(err)
				}
				if len(res) != 1+2*20 {
					t.Fatalf("KNN 20 gave %d entries: %v", len(res), res)
				}
				for i := 1; i < len(res); i += 2 {
					key := res[i].(string)
					if c.Exists(ctx, key).Val() != 1 {
						t.Fatalf("FT.SEARCH returned %s, which does not exist", key)
					}
				}
			}
		})
	}
}
