package chaos

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// The workload: each writer owns its keys (kv:W:I strings, vdoc:W:I
// hashes with a FLOAT32 vector under the index's prefix and, with
// Config.Types, lists, sets, sorted sets, hashes, streams and JSON
// documents: types.go), so what a key
// should hold at the end follows from that writer's log alone. Every write
// is followed by WAIT 1; a write is acknowledged when the write succeeded
// and WAIT answered at least 1.

const (
	indexName = "chaosidx"
	docPrefix = "vdoc:"
	deleted   = "\x00deleted" // a DEL in a key's pending list
)

// keyLog is what one writer did to one key.
type keyLog struct {
	hasAck  bool      // some write or DEL of the key was acknowledged
	acked   string    // the last acknowledged value (deleted for a DEL)
	ackedAt time.Time // when it was acknowledged
	pending []string  // writes tried since then, not acknowledged: they may or may not have happened
}

// ledger is one writer's record.
type ledger struct {
	keys map[string]*keyLog
}

func (l *ledger) log(k string) *keyLog {
	kl := l.keys[k]
	if kl == nil {
		kl = &keyLog{}
		l.keys[k] = kl
	}
	return kl
}

// counters are the workload's totals, updated by every writer.
type counters struct {
	writes, acked, writeErrs, waitShort atomic.Int64
	reads, readErrs, staleReads         atomic.Int64
	queries, queryErrs, queryDups       atomic.Int64
	burstOps                            atomic.Int64
}

// ackClock records acknowledged writes over time, to measure how long
// writes stalled after each fault.
type ackClock struct {
	mu   sync.Mutex // guards last and gaps
	last time.Time
	gaps []gap // pauses between acknowledged writes longer than minGap
}

type gap struct{ from, to time.Time }

const minGap = 250 * time.Millisecond

func (a *ackClock) tick(now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.last.IsZero() && now.Sub(a.last) > minGap {
		a.gaps = append(a.gaps, gap{a.last, now})
	}
	if now.After(a.last) {
		a.last = now
	}
}

// stallAfter is how long after t writes stayed stopped: the longest pause
// between acknowledged writes that overlaps [t, end), counted from t.
func (a *ackClock) stallAfter(t, end time.Time) time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	var worst time.Duration
	gaps := a.gaps
	if a.last.Before(end) {
		// A pause still open at the end of the window.
		gaps = append(gaps[:len(gaps):len(gaps)], gap{a.last, end})
	}
	for _, g := range gaps {
		if g.to.Before(t) || !g.from.Before(end) {
			continue
		}
		from := g.from
		if from.Before(t) {
			from = t
		}
		to := g.to
		if to.After(end) {
			to = end
		}
		worst = max(worst, to.Sub(from))
	}
	return worst
}

// vec is the vector a writer stores for a document value: the value is
// the FLOAT32 blob itself.
func randVec(r *rand.Rand, dim int) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

func blob(v []float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return string(b)
}

func unblob(s string) []float32 {
	v := make([]float32, len(s)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32([]byte(s[4*i:])))
	}
	return v
}

// writer runs one client's loop until stop is closed.
type writer struct {
	id      int
	cfg     Config
	c       *redis.Client
	r       *rand.Rand
	led     ledger
	seq     int
	cnt     *counters
	clock   *ackClock
	limiter *time.Ticker
	stale   func(string) // reports a stale read
}

func newWriter(id int, cfg Config, addr string, cnt *counters, clock *ackClock, stale func(string)) *writer {
	return &writer{
		id: id, cfg: cfg, cnt: cnt, clock: clock, stale: stale,
		c: redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, MaxRetries: -1, PoolSize: 2, DialTimeout: 2 * time.Second,
			ReadTimeout: 15 * time.Second, WriteTimeout: 5 * time.Second}),
		r:   rand.New(rand.NewPCG(cfg.Seed, uint64(id)+1)),
		led: ledger{keys: map[string]*keyLog{}},
	}
}

// run does operations at most cfg.OpsPerWriter per second until stop.
func (w *writer) run(ctx context.Context, stop <-chan struct{}) {
	defer w.c.Close()
	tick := time.NewTicker(time.Second / time.Duration(max(1, w.cfg.OpsPerWriter)))
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		w.step(ctx)
	}
}

func (w *writer) step(ctx context.Context) {
	key := fmt.Sprintf("kv:%d:%d", w.id, w.r.IntN(w.cfg.Keys))
	set := func(ctx context.Context, c cmdable, k, v string) error { return c.Set(ctx, k, v, 0).Err() }
	if w.cfg.Types && w.r.IntN(2) == 0 {
		// Half the key operations go to the other types, one at random.
		dt := &dataTypes[w.r.IntN(len(dataTypes))]
		key, set = fmt.Sprintf("%s%d:%d", dt.prefix, w.id, w.r.IntN(max(1, w.cfg.Keys/4))), dt.write
	}
	doc := fmt.Sprintf("%s%d:%d", docPrefix, w.id, w.r.IntN(w.cfg.Docs))
	switch p := w.r.IntN(100); {
	case p < 40:
		w.seq++
		v := fmt.Sprintf("%d:%d", w.id, w.seq)
		w.write(ctx, key, v, func() error { return set(ctx, w.c, key, v) })
	case p < 45:
		w.write(ctx, key, deleted, func() error { return w.c.Del(ctx, key).Err() })
	case p < 65:
		w.read(ctx, key)
	case p < 88:
		v := blob(randVec(w.r, w.cfg.Dim))
		w.write(ctx, doc, v, func() error { return w.c.HSet(ctx, doc, "emb", v).Err() })
	case p < 91:
		w.write(ctx, doc, deleted, func() error { return w.c.Del(ctx, doc).Err() })
	default:
		w.query(ctx)
	}
}

// write runs op (a write of v to k, or a DEL) and WAIT 1, and records it.
func (w *writer) write(ctx context.Context, k, v string, op func() error) {
	kl := w.led.log(k)
	kl.pending = append(kl.pending, v)
	w.cnt.writes.Add(1)
	if err := op(); err != nil {
		w.cnt.writeErrs.Add(1)
		return
	}
	n, err := w.c.Wait(ctx, 1, w.cfg.WaitTimeout).Result()
	if err != nil || n < 1 {
		w.cnt.waitShort.Add(1)
		return
	}
	now := time.Now()
	kl.hasAck, kl.acked, kl.ackedAt, kl.pending = true, v, now, kl.pending[:0]
	w.cnt.acked.Add(1)
	w.clock.tick(now)
}

// read GETs k; when nothing about k is in doubt, the answer must be the
// acknowledged value.
func (w *writer) read(ctx context.Context, k string) {
	w.cnt.reads.Add(1)
	var got string
	var err error
	if dt := typeOf(k); dt != nil {
		got, err = dt.read(ctx, w.c, k)()
	} else {
		got, err = orDeleted(w.c.Get(ctx, k).Result())
	}
	if err != nil {
		w.cnt.readErrs.Add(1)
		return
	}
	kl := w.led.keys[k]
	if kl == nil || !kl.hasAck || len(kl.pending) > 0 {
		return
	}
	if got != kl.acked {
		w.cnt.staleReads.Add(1)
		w.stale(fmt.Sprintf("%s read %q at %s, acknowledged %q at %s", k, show(got), time.Now().Format("15:04:05.000"),
			show(kl.acked), kl.ackedAt.Format("15:04:05.000")))
	}
}

// query runs a KNN 10 through the proxy; a document must not come twice.
func (w *writer) query(ctx context.Context) {
	w.cnt.queries.Add(1)
	ids, err := knn(ctx, w.c, randVec(w.r, w.cfg.Dim), 10)
	if err != nil {
		w.cnt.queryErrs.Add(1)
		return
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			w.cnt.queryDups.Add(1)
		}
		seen[id] = true
	}
}

// knn returns the ids FT.SEARCH's KNN k answers, nearest first.
func knn(ctx context.Context, c *redis.Client, q []float32, k int) ([]string, error) {
	res, err := c.Do(ctx, "FT.SEARCH", indexName, fmt.Sprintf("*=>[KNN %d @emb $B AS dist]", k), "PARAMS", "2", "B", blob(q),
		"SORTBY", "dist", "RETURN", "1", "dist", "LIMIT", "0", fmt.Sprint(k), "DIALECT", "2").Slice()
	if err != nil {
		return nil, err
	}
	var ids []string
	for i := 1; i < len(res); i += 2 {
		id, ok := res[i].(string)
		if !ok {
			return nil, fmt.Errorf("FT.SEARCH: unexpected reply %v", res)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func show(v string) string {
	if v == deleted {
		return "(nil)"
	}
	if len(v) > 24 {
		return fmt.Sprintf("<%d bytes>", len(v))
	}
	return v
}
