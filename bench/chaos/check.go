package chaos

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Checks is what the checker found once the cluster settled.
type Checks struct {
	Acked       int      // keys whose last acknowledged operation was a write
	AckedDels   int      // keys whose last acknowledged operation was a DEL
	Lost        []string // acknowledged writes not readable at the end (key: what was found)
	Resurrected []string // keys deleted with an acknowledged DEL that hold an older value
	Duplicated  []string // keys SCAN through the proxy returned more than once
	Docs        int      // documents under the index's prefix (SCAN)
	NumDocs     int      // FT.INFO num_docs through the proxy
	Recall      float64  // KNN recall@10 of the fixed query set against brute force
	SlotErr     error    // slot ownership: not every slot one owner on which all nodes agree
	Settle      time.Duration
	Errs        []string       // the checker could not check something
	Families    map[string]int // keys checked (with an acknowledged write or DEL) by key prefix
}

// Failed reports whether a check failed, with the reasons.
func (c *Checks) Failed(floor float64) []string {
	var why []string
	if len(c.Lost) > 0 {
		why = append(why, fmt.Sprintf("%d acknowledged writes lost", len(c.Lost)))
	}
	if len(c.Resurrected) > 0 {
		why = append(why, fmt.Sprintf("%d keys resurrected after an acknowledged DEL", len(c.Resurrected)))
	}
	if len(c.Duplicated) > 0 {
		why = append(why, fmt.Sprintf("%d keys returned twice by SCAN", len(c.Duplicated)))
	}
	if c.NumDocs != c.Docs {
		why = append(why, fmt.Sprintf("FT.INFO num_docs %d but %d documents under %s", c.NumDocs, c.Docs, docPrefix))
	}
	if c.Recall < floor {
		why = append(why, fmt.Sprintf("recall@10 %.3f below %.2f", c.Recall, floor))
	}
	if c.SlotErr != nil {
		why = append(why, "slot ownership: "+c.SlotErr.Error())
	}
	return append(why, c.Errs...)
}

// check waits for the cluster to settle and then verifies the writers'
// ledgers against what the proxy serves.
func check(ctx context.Context, cfg Config, cl *cluster, leds []ledger) *Checks {
	res := &Checks{Families: map[string]int{}}
	t0 := time.Now()
	if err := cl.waitHealthy(ctx, cfg.HealTimeout); err != nil {
		res.Errs = append(res.Errs, "the cluster did not settle: "+err.Error())
	}
	res.Settle = time.Since(t0)
	c := redis.NewClient(&redis.Options{Addr: cl.proxy.addr, Protocol: 2, MaxRetries: -1, ReadTimeout: 30 * time.Second, PoolSize: 4})
	defer c.Close()

	// Slot owners: every node's CLUSTER SHARDS, once they agree.
	res.SlotErr = until(ctx, 30*time.Second, func() error {
		views, err := cl.shardViews(ctx)
		if err != nil {
			return err
		}
		return agree(views, false)
	})

	// Every key of every ledger.
	type want struct {
		key string
		kl  *keyLog
	}
	var all []want
	for _, l := range leds {
		for k, kl := range l.keys {
			all = append(all, want{k, kl})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].key < all[j].key })
	final := map[string]string{} // the documents' vectors found
	for i := 0; i < len(all); i += 200 {
		batch := all[i:min(i+200, len(all))]
		var got []string
		err := until(ctx, 30*time.Second, func() error {
			var err error
			keys := make([]string, len(batch))
			for j, w := range batch {
				keys[j] = w.key
			}
			got, err = readBatch(ctx, c, keys)
			return err
		})
		if err != nil {
			res.Errs = append(res.Errs, "reading keys: "+err.Error())
			break
		}
		for j, w := range batch {
			v := got[j]
			if strings.HasPrefix(w.key, docPrefix) && v != deleted {
				final[w.key] = v
			}
			if !w.kl.hasAck {
				continue
			}
			family, _, _ := strings.Cut(w.key, ":")
			res.Families[family]++
			ok := v == w.kl.acked
			for _, p := range w.kl.pending {
				ok = ok || v == p
			}
			switch {
			case w.kl.acked == deleted:
				res.AckedDels++
				if !ok {
					slot, _ := c.ClusterKeySlot(ctx, w.key).Result()
					res.Resurrected = append(res.Resurrected, fmt.Sprintf("%s (slot %d): DEL acknowledged at %s, found %s", w.key, slot,
						w.kl.ackedAt.Format("15:04:05.000"), show(v)))
				}
			default:
				res.Acked++
				if !ok {
					slot, _ := c.ClusterKeySlot(ctx, w.key).Result()
					res.Lost = append(res.Lost, fmt.Sprintf("%s (slot %d): %s acknowledged at %s, found %s (%d later writes unacknowledged)", w.key, slot,
						show(w.kl.acked), w.kl.ackedAt.Format("15:04:05.000"), show(v), len(w.kl.pending)))
				}
			}
		}
	}

	// SCAN through the proxy: no key twice; the documents under the prefix.
	seen := map[string]int{}
	var cursor uint64
	for scans := 0; scans < 1_000_000; scans++ {
		ks, next, err := c.Scan(ctx, cursor, "*", 1000).Result()
		if err != nil {
			res.Errs = append(res.Errs, "SCAN: "+err.Error())
			break
		}
		for _, k := range ks {
			seen[k]++
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	for k, n := range seen {
		if n > 1 {
			res.Duplicated = append(res.Duplicated, fmt.Sprintf("%s ×%d", k, n))
		}
		if strings.HasPrefix(k, docPrefix) {
			res.Docs++
		}
	}
	sort.Strings(res.Duplicated)
	if n, err := numDocs(ctx, c); err != nil {
		res.Errs = append(res.Errs, "FT.INFO: "+err.Error())
	} else {
		res.NumDocs = n
	}
	res.Recall = recall(ctx, cfg, c, final, &res.Errs)
	return res
}

// readBatch reads keys in one pipeline: GET for kv:, HGET emb for
// documents, the type's reader for the other families (types.go); a
// missing key reads as deleted.
func readBatch(ctx context.Context, c *redis.Client, keys []string) ([]string, error) {
	pipe := c.Pipeline()
	results := make([]func() (string, error), len(keys))
	for i, k := range keys {
		switch dt := typeOf(k); {
		case dt != nil:
			results[i] = dt.read(ctx, pipe, k)
		case strings.HasPrefix(k, docPrefix):
			cmd := pipe.HGet(ctx, k, "emb")
			results[i] = func() (string, error) { return orDeleted(cmd.Result()) }
		default:
			cmd := pipe.Get(ctx, k)
			results[i] = func() (string, error) { return orDeleted(cmd.Result()) }
		}
	}
	_, _ = pipe.Exec(ctx)
	out := make([]string, len(keys))
	for i, r := range results {
		v, err := r()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", keys[i], err)
		}
		out[i] = v
	}
	return out, nil
}

// numDocs reads num_docs from FT.INFO.
func numDocs(ctx context.Context, c *redis.Client) (int, error) {
	res, err := c.Do(ctx, "FT.INFO", indexName).Slice()
	if err != nil {
		return 0, err
	}
	for i := 0; i+1 < len(res); i += 2 {
		if k, _ := res[i].(string); k == "num_docs" {
			switch v := res[i+1].(type) {
			case int64:
				return int(v), nil
			case string:
				return strconv.Atoi(v)
			}
			return 0, fmt.Errorf("num_docs is %T", res[i+1])
		}
	}
	return 0, fmt.Errorf("no num_docs in %v", res)
}

// recall runs the fixed query set (from the seed) through the proxy and
// compares each answer with brute force over the documents found at the
// end.
func recall(ctx context.Context, cfg Config, c *redis.Client, docs map[string]string, errs *[]string) float64 {
	if len(docs) == 0 {
		*errs = append(*errs, "no documents to query")
		return 0
	}
	type doc struct {
		key string
		v   []float32
	}
	var ds []doc
	for k, b := range docs {
		ds = append(ds, doc{k, unblob(b)})
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0xc4a05))
	const k = 10
	hit, total := 0, 0
	for q := 0; q < cfg.Queries; q++ {
		qv := randVec(r, cfg.Dim)
		sort.Slice(ds, func(i, j int) bool { return l2(ds[i].v, qv) < l2(ds[j].v, qv) })
		truth := map[string]bool{}
		for _, d := range ds[:min(k, len(ds))] {
			truth[d.key] = true
		}
		ids, err := knn(ctx, c, qv, k)
		if err != nil {
			*errs = append(*errs, "FT.SEARCH: "+err.Error())
			return 0
		}
		for _, id := range ids {
			if truth[id] {
				hit++
			}
		}
		total += len(truth)
	}
	return float64(hit) / float64(total)
}

func l2(a, b []float32) float32 {
	var s float32
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s
}
