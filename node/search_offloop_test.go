package node

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/internal/testutil"
)

// loadTagDocs creates idx over d:* and writes n documents through c in
// pipelined batches: tag t<i%16>, num i%1000, body of two words, and
// seq i.
func loadTagDocs(t *testing.T, c *redis.Client, n int) {
	t.Helper()
	ctx := context.Background()
	if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA",
		"tag", "TAG", "num", "NUMERIC", "SORTABLE", "body", "TEXT", "seq", "NUMERIC").Err(); err != nil {
		t.Fatal(err)
	}
	for start := 0; start < n; start += 1000 {
		pipe := c.Pipeline()
		for i := start; i < min(start+1000, n); i++ {
			pipe.HSet(ctx, "d:"+strconv.Itoa(i), "tag", "t"+strconv.Itoa(i%16), "num", i%1000,
				"body", fmt.Sprintf("w%d w%d", i%64, i%7), "seq", i)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSearchOffLoopPingAnswers: with one event loop, a client pipelines
// about three seconds of FT.AGGREGATE (FT.SEARCH sorting by a field that
// is not sortable, FT.PROFILE) over an index of 20,000 documents; another
// client's PINGs, on the same loop, are answered meanwhile, each within a
// second (on a quiet machine, within a few ms). Run on the loop, the
// searches kept the PINGs waiting for the whole pipeline.
func TestSearchOffLoopPingAnswers(t *testing.T) {
	tn := startNode(t, func(c *Config) { c.Serving, c.IOThreads = serving.NewGroup(serving.Loops, false), 1 })
	const n = 20000
	loadTagDocs(t, tn.client2(t), n)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"aggregate", []string{"FT.AGGREGATE", "idx", "*", "GROUPBY", "1", "@tag", "REDUCE", "COUNT", "0", "AS", "n", "REDUCE", "AVG", "1", "@num", "AS", "a"}},
		{"search", []string{"FT.SEARCH", "idx", "*", "SORTBY", "body", "LIMIT", "0", "1"}},
		{"profile", []string{"FT.PROFILE", "idx", "AGGREGATE", "QUERY", "*", "GROUPBY", "1", "@tag", "REDUCE", "COUNT", "0", "AS", "n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			// Two go-redis clients of one connection each, waiting as long
			// as it takes (the loop is the node's only one: both on it).
			a := redis.NewClient(&redis.Options{Addr: tn.addr, Protocol: 2, MaxRetries: -1, PoolSize: 1, ReadTimeout: time.Minute})
			b := redis.NewClient(&redis.Options{Addr: tn.addr, Protocol: 2, MaxRetries: -1, PoolSize: 1, ReadTimeout: time.Minute})
			t.Cleanup(func() { a.Close(); b.Close() })
			if err := b.Ping(ctx).Err(); err != nil {
				t.Fatal(err)
			}
			args := make([]any, len(tc.args))
			for i, x := range tc.args {
				args[i] = x
			}
			t0 := time.Now()
			if err := a.Do(ctx, args...).Err(); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			k := min(max(int(3*time.Second/time.Since(t0))+1, 3), 200)
			done := make(chan error, 1)
			go func() {
				pipe := a.Pipeline()
				for range k {
					pipe.Do(ctx, args...)
				}
				_, err := pipe.Exec(ctx)
				done <- err
			}()
			var worst time.Duration
			pings := 0
			for {
				p0 := time.Now()
				if err := b.Ping(ctx).Err(); err != nil {
					t.Fatal(err)
				}
				took := time.Since(p0)
				select {
				case err := <-done:
					if err != nil {
						t.Fatal(err)
					}
					if worst = max(worst, took); pings < 3 || worst > time.Second {
						t.Fatalf("%d %s pipelined: %d PINGs answered meanwhile, the slowest in %v", k, tc.name, pings, worst)
					}
					return
				default:
				}
				pings++
				worst = max(worst, took)
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
}

// TestSearchOffLoopSeesWritesWhole: a client rewrites every document of
// an index of 12,000, pass after pass, each pass in its own random order,
// numbering its writes (seq) and naming the pass in tag; another, on
// another event loop, aggregates meanwhile. Every aggregate must see the
// writes as of one moment: of the pass under way exactly its first
// writes (a count one more than the highest seq), besides the documents
// still as the pass before left them, and no others. (Reading each row
// whenever it came, as before, saw later writes without earlier ones.)
func TestSearchOffLoopSeesWritesWhole(t *testing.T) {
	tn := startNode(t, func(c *Config) { c.Serving, c.IOThreads = serving.NewGroup(serving.Loops, false), 2 })
	const n = 12000
	ctx := context.Background()
	loadTagDocs(t, tn.client2(t), n)
	c := tn.client2(t)
	if err := c.Do(ctx, "FT.ALTER", "idx", "SCHEMA", "ADD", "pass", "TAG").Err(); err != nil {
		t.Fatal(err)
	}
	w, a := testutil.Dial(t, tn.addr), testutil.Dial(t, tn.addr) // on the two loops
	stop := make(chan struct{})
	wrote := make(chan error, 1)
	go func() {
		r := rand.New(rand.NewPCG(3, 4))
		for pass := 1; ; pass++ {
			order := r.Perm(n)
			for start := 0; start < n; start += 200 {
				for seq := start; seq < start+200; seq++ {
					w.Send("HSET", "d:"+strconv.Itoa(order[seq]), "pass", "p"+strconv.Itoa(pass), "seq", strconv.Itoa(seq))
				}
				for range 200 {
					if _, err := w.ReadRaw(); err != nil {
						wrote <- err
						return
					}
				}
				select {
				case <-stop:
					wrote <- nil
					return
				default:
				}
			}
		}
	}()
	defer func() {
		close(stop)
		if err := <-wrote; err != nil {
			t.Fatal(err)
		}
	}()
	during := 0
	deadline := time.Now().Add(20 * time.Second)
	for during < 8 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d aggregates met a pass half done in 20 s", during)
		}
		a.Send("FT.AGGREGATE", "idx", "*", "GROUPBY", "1", "@pass", "REDUCE", "COUNT", "0", "AS", "c", "REDUCE", "MAX", "1", "@seq", "AS", "hi")
		v, err := a.ReadValue()
		if err != nil {
			t.Fatal(err)
		}
		groups := aggGroups(t, v)
		if len(groups) == 2 {
			during++
		}
		if err := checkPasses(groups, n); err != nil {
			t.Fatalf("aggregate %d: %v: %v", during, err, groups)
		}
	}
}

// passGroup is one group of TestSearchOffLoopSeesWritesWhole's aggregate.
type passGroup struct {
	pass   int // -1: documents no pass has written yet
	count  int
	maxSeq int
}

// aggGroups reads [total, [pass, p, c, n, hi, s], ...] by pass.
func aggGroups(t *testing.T, v resp.Value) []passGroup {
	t.Helper()
	if v.Kind != resp.Array || len(v.Elems) == 0 {
		t.Fatalf("FT.AGGREGATE: %s", testutil.CLI(v))
	}
	var out []passGroup
	for _, row := range v.Elems[1:] {
		f := map[string]string{}
		for i := 0; i+1 < len(row.Elems); i += 2 {
			f[string(row.Elems[i].Str)] = string(row.Elems[i+1].Str)
		}
		g := passGroup{pass: -1}
		if p, ok := strings.CutPrefix(f["pass"], "p"); ok {
			g.pass, _ = strconv.Atoi(p)
		}
		g.count, _ = strconv.Atoi(f["c"])
		g.maxSeq, _ = strconv.Atoi(f["hi"])
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pass < out[j].pass })
	return out
}

// checkPasses says what is wrong with groups as the state of n documents
// at one moment of the passes.
func checkPasses(groups []passGroup, n int) error {
	total := 0
	for _, g := range groups {
		total += g.count
	}
	top := groups[len(groups)-1]
	switch {
	case total != n:
		return fmt.Errorf("%d documents, want %d", total, n)
	case len(groups) > 2:
		return fmt.Errorf("%d passes at once", len(groups))
	case len(groups) == 2 && groups[0].pass != top.pass-1 && !(groups[0].pass == -1 && top.pass == 1):
		return fmt.Errorf("passes %d and %d at once", groups[0].pass, top.pass)
	case top.pass > 0 && top.count != top.maxSeq+1:
		return fmt.Errorf("pass %d: %d writes seen, the last seq %d", top.pass, top.count, top.maxSeq)
	}
	return nil
}

// TestSearchOverLargeIndexInsideMultiAndScript: inside MULTI and a script
// a search over a large index runs where they run, as in Redis: it sees
// the transaction's write before it, and answers as it does alone.
func TestSearchOverLargeIndexInsideMultiAndScript(t *testing.T) {
	tn := startNode(t, func(c *Config) { c.Serving, c.IOThreads = serving.NewGroup(serving.Loops, false), 1 })
	loadTagDocs(t, tn.client2(t), 12000)
	agg := []string{"FT.AGGREGATE", "idx", "@tag:{t3|new}", "GROUPBY", "1", "@tag", "REDUCE", "COUNT", "0", "AS", "n"}
	c := testutil.Dial(t, tn.addr)
	alone := c.Do(agg...)
	c.Send("MULTI")
	c.Send("HSET", "d:new", "tag", "new")
	c.Send(agg...)
	c.Send("EXEC")
	for _, want := range []string{"+OK\r\n", "+QUEUED\r\n", "+QUEUED\r\n"} {
		if got := c.Recv(); got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	exec := c.Recv()
	want := "*2\r\n:1\r\n" + strings.Replace(alone, "*2\r\n:1\r\n", "*3\r\n:2\r\n", 1) + "*4\r\n$3\r\ntag\r\n$3\r\nnew\r\n$1\r\nn\r\n$1\r\n1\r\n"
	if exec != want {
		t.Fatalf("EXEC: %q\nwant %q", exec, want)
	}
	c.Do("DEL", "d:new")
	script := "return redis.call('" + strings.Join(agg, "', '") + "')"
	if got := c.Do("EVAL", script, "0"); got != alone {
		t.Fatalf("EVAL: %q, alone %q", got, alone)
	}
}

// BenchmarkSearchOffLoopKNN: a KNN FT.SEARCH over 20,000 documents (its
// cost does not grow with them), one client at a time, served on the
// event loop (SearchOffLoopDocs -1) and off it (the default): what going
// off the loop and back costs a cheap search. cpu-ns/op is the process's
// CPU per search.
//
//	go test ./node -run '^$' -bench SearchOffLoopKNN
func BenchmarkSearchOffLoopKNN(b *testing.B) {
	for _, tc := range []struct {
		name string
		docs int
	}{{"on-loop", -1}, {"off-loop", 0}} {
		b.Run(tc.name, func(b *testing.B) {
			tn := startNode(b, func(c *Config) {
				c.Serving, c.IOThreads, c.SearchOffLoopDocs = serving.NewGroup(serving.Loops, false), 1, tc.docs
			})
			c := tn.client2(b)
			ctx := context.Background()
			if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "v:", "SCHEMA",
				"v", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", "4", "DISTANCE_METRIC", "L2").Err(); err != nil {
				b.Fatal(err)
			}
			r := rand.New(rand.NewPCG(5, 6))
			vec := func() string {
				var buf [16]byte
				for i := 0; i < 16; i += 4 {
					binary.LittleEndian.PutUint32(buf[i:], math.Float32bits(r.Float32()))
				}
				return string(buf[:])
			}
			for start := 0; start < 20000; start += 1000 {
				pipe := c.Pipeline()
				for i := start; i < start+1000; i++ {
					pipe.HSet(ctx, "v:"+strconv.Itoa(i), "v", vec())
				}
				if _, err := pipe.Exec(ctx); err != nil {
					b.Fatal(err)
				}
			}
			q := vec()
			b.ReportAllocs()
			c0 := cpuNanos()
			for b.Loop() {
				if err := c.Do(ctx, "FT.SEARCH", "idx", "*=>[KNN 10 @v $q]", "PARAMS", "2", "q", q, "NOCONTENT", "DIALECT", "2").Err(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuNanos()-c0)/float64(b.N), "cpu-ns/op")
		})
	}
}
