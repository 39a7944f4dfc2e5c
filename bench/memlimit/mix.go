package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// The mix (-mix): every kind of key the node holds, interleaved, so that
// what maxmemory bounds is all of them at once: strings, hashes under an
// HNSW index and under a FLAT one, JSON documents under an index with
// TEXT, TAG, NUMERIC and VECTOR fields, lists, sets, sorted sets, streams
// and vector sets (large ones and small ones). Each kind is a key prefix;
// the kinds whose keys are collections add to the same key for a while
// (group writes each), so the keyspace holds keys of many sizes.

// mixKind is one kind of write of the mix.
type mixKind struct {
	name, prefix string
	group        int // writes that add to the same key; 1: a key each
	per          int // writes in a round of the mix (mixPattern)
}

var mixKinds = []mixKind{
	{"string", "s:", 1, 4},
	{"hash+HNSW", "h:", 1, 4},
	{"hash+FLAT", "f:", 1, 4},
	{"list", "l:", 32, 4},
	{"set", "t:", 32, 4},
	{"zset", "z:", 32, 4},
	{"stream", "x:", 32, 4},
	{"vset", "v:", 256, 4},
	{"small vset", "w:", 4, 1},
	{"json+index", "j:", 1, 1},
}

// mixPattern is the order of the kinds' writes in a round: the kinds of 4
// writes a round in turn four times, then those of one (a JSON document
// with a 128-d vector as a JSON array takes about ten times a hash's
// bytes, a vector set's graph starts at 64 nodes).
// Kinds whose prefix is in skip are left out.
func mixPattern(skip map[string]bool) []int {
	var p []int
	for r := 0; r < 4; r++ {
		for k, kind := range mixKinds {
			if kind.per == 4 && !skip[kind.prefix] {
				p = append(p, k)
			}
		}
	}
	for k, kind := range mixKinds {
		if kind.per == 1 && !skip[kind.prefix] {
			p = append(p, k)
		}
	}
	return p
}

// mixer makes the mix's commands.
type mixer struct {
	r     *rand.Rand
	dim   int
	ttl   time.Duration
	count []int // operations so far, per kind
	blob  []byte
	words []string
}

func newMixer(dim int, ttl time.Duration) *mixer {
	m := &mixer{r: rand.New(rand.NewPCG(1, 2)), dim: dim, ttl: ttl, count: make([]int, len(mixKinds)), blob: make([]byte, 4*dim)}
	for i := 0; i < 2000; i++ {
		m.words = append(m.words, fmt.Sprintf("w%d", i))
	}
	return m
}

// vec fills m.blob with a random vector and returns it as FLOAT32 bytes.
func (m *mixer) vec() []float32 {
	v := make([]float32, m.dim)
	for j := range v {
		v[j] = m.r.Float32()*2 - 1
		binary.LittleEndian.PutUint32(m.blob[4*j:], math.Float32bits(v[j]))
	}
	return v
}

// text returns n random bytes of letters.
func (m *mixer) text(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(m.r.IntN(26))
	}
	return string(b)
}

// next returns the key and the command of an operation of kind k.
func (m *mixer) next(k int) (string, []any) {
	c := m.count[k]
	m.count[k]++
	kind := mixKinds[k]
	key := kind.prefix + strconv.Itoa(c/kind.group)
	switch kind.prefix {
	case "s:":
		return key, []any{"SET", key, m.text(400)}
	case "h:", "f:":
		m.vec()
		return key, []any{"HSET", key, "genre", fmt.Sprintf("g%d", c%10), "emb", string(m.blob)}
	case "l:":
		args := []any{"RPUSH", key}
		for i := 0; i < 8; i++ {
			args = append(args, m.text(24))
		}
		return key, args
	case "t:":
		args := []any{"SADD", key}
		for i := 0; i < 8; i++ {
			args = append(args, fmt.Sprintf("member:%d:%d", c, i))
		}
		return key, args
	case "z:":
		args := []any{"ZADD", key}
		for i := 0; i < 8; i++ {
			args = append(args, m.r.Float64()*1000, fmt.Sprintf("member:%d:%d", c, i))
		}
		return key, args
	case "x:":
		return key, []any{"XADD", key, "*", "user", fmt.Sprintf("u%d", m.r.IntN(10000)), "event", m.text(32), "ts", c}
	case "v:", "w:":
		m.vec()
		return key, []any{"VADD", key, "FP32", string(m.blob), fmt.Sprintf("e%d", c)}
	}
	// "j:"
	v := m.vec()
	var b strings.Builder
	b.WriteString(`{"title":"`)
	for i := 0; i < 8; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(m.words[m.r.IntN(len(m.words))])
	}
	fmt.Fprintf(&b, `","tag":"t%d","price":%.2f,"emb":[`, c%16, m.r.Float64()*100)
	for i, x := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatFloat(float64(x), 'g', 6, 32))
	}
	b.WriteString("]}")
	return key, []any{"JSON.SET", key, "$", b.String()}
}

// expire returns the EXPIRE that gives key a TTL between m.ttl and twice
// that (so volatile-ttl has an order to follow), or nil without -ttl.
func (m *mixer) expire(key string) []any {
	if m.ttl <= 0 {
		return nil
	}
	s := int64(m.ttl/time.Second) + m.r.Int64N(int64(m.ttl/time.Second)+1)
	return []any{"EXPIRE", key, s}
}

// mixIndexes are the FT indexes over the mix's hashes and JSON documents.
func mixIndexes(dim int) [][]any {
	vec := func(alg, metric string) []any {
		return []any{"VECTOR", alg, 6, "TYPE", "FLOAT32", "DIM", dim, "DISTANCE_METRIC", metric}
	}
	return [][]any{
		append([]any{"FT.CREATE", "hidx", "ON", "HASH", "PREFIX", 1, "h:", "SCHEMA", "genre", "TAG", "emb"}, vec("HNSW", "L2")...),
		append([]any{"FT.CREATE", "fidx", "ON", "HASH", "PREFIX", 1, "f:", "SCHEMA", "genre", "TAG", "emb"}, vec("FLAT", "L2")...),
		append([]any{"FT.CREATE", "jidx", "ON", "JSON", "PREFIX", 1, "j:", "SCHEMA",
			"$.title", "AS", "title", "TEXT", "$.tag", "AS", "tag", "TAG", "$.price", "AS", "price", "NUMERIC",
			"$.emb", "AS", "emb"}, vec("HNSW", "COSINE")...),
	}
}

// runMix loads the mix until the node refuses a write with OOM or n
// operations are done (or timeout passes), and reports RSS against
// maxmemory, with what each kind holds at the end.
func runMix(addr string, dim, n, batch int, timeout, ttl time.Duration, pid int, skip map[string]bool) error {
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, MaxRetries: -1, ReadTimeout: time.Minute})
	defer c.Close()
	m0, err := info(ctx, c)
	if err != nil {
		return err
	}
	floor := m0["used_memory_rss"]
	load0 := loadAvg()
	for _, args := range mixIndexes(dim) {
		if err := c.Do(ctx, args...).Err(); err != nil {
			return fmt.Errorf("%v: %w", args[:2], err)
		}
	}
	mx := newMixer(dim, ttl)
	pattern := mixPattern(skip)
	accepted := make([]int, len(mixKinds))
	deadline := time.Now().Add(timeout)
	var peakRSS int64
	var peakInfo map[string]int64 // INFO at the highest RSS sampled
	done, oom, batches, peakAt := 0, false, 0, 0
	for done < n && !oom && time.Now().Before(deadline) {
		pipe := c.Pipeline()
		type op struct {
			kind int
			cmd  *redis.Cmd
		}
		ops := make([]op, 0, batch)
		var expires []*redis.Cmd
		for i := 0; i < batch && done+i < n; i++ {
			k := pattern[(done+i)%len(pattern)]
			key, args := mx.next(k)
			ops = append(ops, op{k, pipe.Do(ctx, args...)})
			if e := mx.expire(key); e != nil {
				expires = append(expires, pipe.Do(ctx, e...))
			}
		}
		pipe.Exec(ctx)
		for _, o := range ops {
			switch err := o.cmd.Err(); {
			case err == nil:
				accepted[o.kind]++
			case strings.HasPrefix(err.Error(), "OOM "):
				oom = true
			default:
				return fmt.Errorf("%s: %w", mixKinds[o.kind].name, err)
			}
		}
		for _, e := range expires {
			if err := e.Err(); err != nil {
				return fmt.Errorf("EXPIRE: %w", err)
			}
		}
		done += len(ops)
		if batches++; batches%10 == 0 || oom {
			mi, err := info(ctx, c)
			if err != nil {
				return err
			}
			if rss := mi["used_memory_rss"]; rss > peakRSS {
				peakRSS, peakAt, peakInfo = rss, done, mi
			}
		}
	}
	m, err := info(ctx, c)
	if err != nil {
		return err
	}
	if m["used_memory_rss"] > peakRSS {
		peakRSS, peakAt, peakInfo = m["used_memory_rss"], done, m
	}
	sampled := peakRSS
	if hwm := vmHWM(pid); hwm > 0 {
		peakRSS = hwm // the true peak, where the samples above only see some
	}
	policy, err := c.ConfigGet(ctx, "maxmemory-policy").Result()
	if err != nil {
		return err
	}
	mb := func(b int64) float64 { return float64(b) / (1 << 20) }
	maxmem := m["maxmemory"]
	total := 0
	for _, a := range accepted {
		total += a
	}
	fmt.Printf("mix, policy %s, maxmemory %.1f MB, %d-d vectors: %d writes accepted, OOM: %v, evicted %d, expired %d; load average %s → %s\n",
		policy["maxmemory-policy"], mb(maxmem), dim, total, oom, m["evicted_keys"], m["expired_keys"], load0, loadAvg())
	kept, err := mixKept(ctx, c)
	if err != nil {
		return err
	}
	for k, kind := range mixKinds {
		fmt.Printf("  %-10s %7d writes accepted, %6d keys kept, MEMORY USAGE %6.2f MB\n", kind.name, accepted[k], kept[k].keys, mb(kept[k].bytes))
	}
	for _, ix := range []string{"hidx", "fidx", "jidx"} {
		docs, vecMB, err := ftInfoOf(ctx, c, ix)
		if err != nil {
			fmt.Printf("  %v\n", err)
			continue
		}
		fmt.Printf("  FT.INFO %s: num_docs %d, vector_index_sz_mb %.2f\n", ix, docs, vecMB)
	}
	fmt.Printf("  used_memory %.2f MB = dataset %.2f MB + vector %.2f MB + the rest; Go heap %.1f MB in use, Go memory limit %.1f MB\n",
		mb(m["used_memory"]), mb(m["used_memory_dataset"]), mb(m["used_memory_vector"]), mb(m["go_heap_alloc"]), mb(m["go_memory_limit"]))
	fmt.Printf("  highest RSS sampled %.1f MB after %d writes: used_memory %.2f MB, Go heap %.1f MB in use, %.1f MB unused in spans (%.1f MB of it counted for eviction), %.1f MB free pages, Go memory limit %.1f MB, evicted %d\n",
		mb(sampled), peakAt, mb(peakInfo["used_memory"]), mb(peakInfo["go_heap_alloc"]), mb(peakInfo["go_heap_unused"]), mb(peakInfo["go_heap_unused_for_evict"]), mb(peakInfo["go_heap_free"]), mb(peakInfo["go_memory_limit"]), peakInfo["evicted_keys"])
	within := peakRSS <= maxmem*13/10+floor
	fmt.Printf("  peak RSS %.1f MB = %.2fx maxmemory; peak - 1.3x maxmemory = %.1f MB against the empty process's %.1f MB: within 1.3x maxmemory + the empty process: %v\n",
		mb(peakRSS), float64(peakRSS)/float64(max(maxmem, 1)), mb(peakRSS-maxmem*13/10), mb(floor), within)
	return nil
}

// kindKept is what the keys of a kind hold at the end of a run.
type kindKept struct {
	keys  int
	bytes int64
}

// mixKept scans the keyspace and sums MEMORY USAGE per kind.
func mixKept(ctx context.Context, c *redis.Client) ([]kindKept, error) {
	out := make([]kindKept, len(mixKinds))
	var cursor uint64
	for {
		keys, next, err := c.Scan(ctx, cursor, "", 1000).Result()
		if err != nil {
			return nil, err
		}
		pipe := c.Pipeline()
		cmds := make([]*redis.IntCmd, len(keys))
		for i, k := range keys {
			cmds[i] = pipe.MemoryUsage(ctx, k, 0)
		}
		pipe.Exec(ctx)
		for i, k := range keys {
			for j, kind := range mixKinds {
				if strings.HasPrefix(k, kind.prefix) {
					out[j].keys++
					out[j].bytes += cmds[i].Val()
				}
			}
		}
		if cursor = next; cursor == 0 {
			return out, nil
		}
	}
}

// vmHWM returns process pid's peak RSS (VmHWM) in bytes; 0 when unknown.
func vmHWM(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// loadAvg returns the machine's one-minute load average.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}
