package node

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
)

func TestVectorSetSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	tn := startNode(t, func(c *Config) { c.Dir = dir })
	c := tn.client(t)
	ctx := context.Background()
	for i := 0; i < 300; i++ {
		err := c.Do(ctx, "VADD", "vs", "VALUES", "3", i%7, i%11, i%13, fmt.Sprintf("e%d", i), "SETATTR", fmt.Sprintf(`{"i": %d}`, i)).Err()
		if err != nil {
			t.Fatal(err)
		}
	}
	before, err := c.Do(ctx, "VSIM", "vs", "ELE", "e5", "COUNT", "5", "FILTER", ".i < 100").StringSlice()
	if err != nil || len(before) != 5 {
		t.Fatalf("VSIM before restart: %v %v", before, err)
	}
	tn.stop()
	tn2 := startNode(t, func(c *Config) { c.Dir = dir })
	c2 := tn2.client(t)
	after, err := c2.Do(ctx, "VSIM", "vs", "ELE", "e5", "COUNT", "5", "FILTER", ".i < 100").StringSlice()
	if err != nil || fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("VSIM after restart %v (%v), before %v", after, err, before)
	}
	if n := c2.Do(ctx, "VCARD", "vs").Val(); n != int64(300) {
		t.Fatalf("VCARD after restart = %v", n)
	}
}

// quantModes are VADD's quantisation options (none: Q8, the default) and
// the form VINFO reports for each.
var quantModes = []struct {
	key, opt, quant string
	rawBytes        int // VEMB RAW's blob at 300 dimensions
}{
	{"vs:default", "", "int8", 300},
	{"vs:q8", "Q8", "int8", 300},
	{"vs:f32", "NOQUANT", "f32", 1200},
	{"vs:bin", "BIN", "bin", 40},
}

// randomVectors makes n vectors of dim with normal components.
func randomVectors(seed uint64, n, dim int) [][]float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([][]float32, n)
	for i := range out {
		out[i] = make([]float32, dim)
		for j := range out[i] {
			out[i][j] = float32(r.NormFloat64())
		}
	}
	return out
}

// vaddAll adds data to key as e0, e1, ... with VADD's option opt.
func vaddAll(t *testing.T, c redis.UniversalClient, key, opt string, data [][]float32) {
	t.Helper()
	ctx := context.Background()
	for i, v := range data {
		args := []any{"VADD", key, "FP32", vecBlob(v...), fmt.Sprintf("e%d", i)}
		if opt != "" {
			args = append(args, opt)
		}
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("VADD %s: %v", key, err)
		}
	}
}

func vinfo(t *testing.T, c redis.UniversalClient, key string) map[string]any {
	t.Helper()
	kv, err := c.Do(context.Background(), "VINFO", key).Slice()
	if err != nil {
		t.Fatalf("VINFO %s: %v", key, err)
	}
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// TestVectorSetQuantization drives the three stored forms through go-redis:
// VINFO's quant-type, VEMB within the quantisation error, VEMB RAW, MEMORY
// USAGE shrinking with the codes, a self-query, and the refusal to mix
// forms in one set.
func TestVectorSetQuantization(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	const dim = 300
	data := randomVectors(1, 300, dim)
	usage := map[string]int64{}
	for _, mode := range quantModes {
		vaddAll(t, c, mode.key, mode.opt, data)
		if got := vinfo(t, c, mode.key)["quant-type"]; got != mode.quant {
			t.Fatalf("VINFO %s quant-type = %v, want %s", mode.key, got, mode.quant)
		}
		for _, i := range []int{0, 5, 299} {
			v := data[i]
			var maxAbs float64
			for _, x := range v {
				maxAbs = math.Max(maxAbs, math.Abs(float64(x)))
			}
			emb, err := c.Do(ctx, "VEMB", mode.key, fmt.Sprintf("e%d", i)).Float64Slice()
			if err != nil || len(emb) != dim {
				t.Fatalf("VEMB %s e%d: %d values, %v", mode.key, i, len(emb), err)
			}
			for j, x := range emb {
				d := math.Abs(x - float64(v[j]))
				switch mode.quant {
				case "f32":
					if d > 1e-5*maxAbs {
						t.Fatalf("VEMB %s e%d[%d] = %g, added %g", mode.key, i, j, x, v[j])
					}
				case "int8":
					if d > maxAbs/254*1.01+1e-6 {
						t.Fatalf("VEMB %s e%d[%d] = %g, added %g: off by %g, more than half a step (%g)", mode.key, i, j, x, v[j], d, maxAbs/254)
					}
				case "bin":
					if math.Abs(x) != 1 || (x > 0) != (v[j] > 0) {
						t.Fatalf("VEMB %s e%d[%d] = %g, added %g", mode.key, i, j, x, v[j])
					}
				}
			}
			raw, err := c.Do(ctx, "VEMB", mode.key, fmt.Sprintf("e%d", i), "RAW").Slice()
			if err != nil {
				t.Fatalf("VEMB RAW: %v", err)
			}
			wantLen := 3
			if mode.quant == "int8" {
				wantLen = 4
			}
			if len(raw) != wantLen || raw[0] != mode.quant || len(raw[1].(string)) != mode.rawBytes {
				t.Fatalf("VEMB %s e%d RAW = %q", mode.key, i, raw)
			}
			norm, _ := strconv.ParseFloat(raw[2].(string), 64)
			var want float64
			for _, x := range v {
				want += float64(x) * float64(x)
			}
			if want = math.Sqrt(want); math.Abs(norm-want) > 1e-4*want {
				t.Fatalf("VEMB RAW norm %g, want %g", norm, want)
			}
			if mode.quant == "int8" {
				rng, _ := strconv.ParseFloat(raw[3].(string), 64)
				code := int8(raw[1].(string)[7])
				if got := float64(float32(code) * float32(rng) / 127 * float32(norm)); math.Abs(got-emb[7]) > 1e-6 {
					t.Fatalf("RAW code %d * range %g / 127 * norm %g = %g, VEMB %g", code, rng, norm, got, emb[7])
				}
			}
		}
		// An element is its own nearest neighbour, with similarity 1.
		// go-redis speaks RESP3: WITHSCORES is a map of element to score.
		res, err := c.Do(ctx, "VSIM", mode.key, "ELE", "e42", "COUNT", "2", "WITHSCORES").Result()
		if m, ok := res.(map[any]any); err != nil || !ok || len(m) != 2 || m["e42"] != float64(1) {
			t.Fatalf("VSIM %s ELE e42: %v %v", mode.key, res, err)
		}
		if usage[mode.quant], err = c.MemoryUsage(ctx, mode.key).Result(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("MEMORY USAGE of 300 elements at 300 dimensions: f32 %d, int8 %d, bin %d", usage["f32"], usage["int8"], usage["bin"])
	// 1284 vector bytes per element for f32, 316 for int8, 40 for bin; the
	// graph and names cost the same in all three.
	if usage["f32"]-usage["int8"] < 300*900 || usage["int8"]-usage["bin"] < 300*250 {
		t.Fatalf("MEMORY USAGE does not shrink with the codes: %v", usage)
	}
	err := c.Do(ctx, "VADD", "vs:q8", "VALUES", "3", "1", "2", "3", "x", "NOQUANT").Err()
	if err == nil || err.Error() != "ERR asked quantization mismatch with existing vector set" {
		t.Fatalf("VADD NOQUANT into a Q8 set: %v", err)
	}
	if err := c.Do(ctx, "VADD", "vs:f32", "FP32", vecBlob(data[0]...), "e0").Err(); err == nil {
		t.Fatal("VADD without NOQUANT (so Q8) into a NOQUANT set was accepted")
	}
	// VSETATTR's text counts too.
	big := fmt.Sprintf(`{"text": %q}`, strings.Repeat("x", 100000))
	if err := c.Do(ctx, "VSETATTR", "vs:q8", "e1", big).Err(); err != nil {
		t.Fatal(err)
	}
	if n := c.MemoryUsage(ctx, "vs:q8").Val(); n < usage["int8"]+100000 {
		t.Fatalf("MEMORY USAGE after a 100 kB VSETATTR: %d, before %d", n, usage["int8"])
	}
	if err := c.Do(ctx, "VEMB", "vs:q8", "e1", "BOGUS").Err(); err == nil || err.Error() != "ERR invalid option" {
		t.Fatalf("VEMB with an unknown option: %v", err)
	}
	if err := c.Do(ctx, "VEMB", "vs:q8", "nope", "RAW").Err(); err != redis.Nil {
		t.Fatalf("VEMB RAW of a missing element: %v", err)
	}
}

// TestQuantizedVectorSetsSurviveRestart: each stored form is snapshotted
// as stored and comes back with the same codes and answers.
func TestQuantizedVectorSetsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	tn := startNode(t, func(c *Config) { c.Dir = dir })
	c := tn.client(t)
	ctx := context.Background()
	data := randomVectors(2, 200, 64)
	type state struct {
		info string
		raw  []string
		sim  string // VSIM WITHSCORES: a map in RESP3, printed with its keys sorted
	}
	capture := func(c *redis.Client, key string) state {
		var st state
		st.info = fmt.Sprint(vinfo(t, c, key))
		for i := 0; i < len(data); i += 10 {
			raw, err := c.Do(ctx, "VEMB", key, fmt.Sprintf("e%d", i), "RAW").Slice()
			if err != nil {
				t.Fatal(err)
			}
			st.raw = append(st.raw, fmt.Sprintf("%q", raw))
		}
		sim, err := c.Do(ctx, "VSIM", key, "ELE", "e3", "COUNT", "10", "WITHSCORES").Result()
		if err != nil {
			t.Fatal(err)
		}
		st.sim = fmt.Sprint(sim)
		return st
	}
	before := map[string]state{}
	for _, mode := range quantModes {
		vaddAll(t, c, mode.key, mode.opt, data)
		before[mode.key] = capture(c, mode.key)
	}
	tn.stop()
	tn2 := startNode(t, func(c *Config) { c.Dir = dir })
	c2 := tn2.client(t)
	for _, mode := range quantModes {
		after := capture(c2, mode.key)
		if fmt.Sprint(after) != fmt.Sprint(before[mode.key]) {
			t.Fatalf("%s after restart:\n%v\nbefore:\n%v", mode.key, after, before[mode.key])
		}
	}
}

// vsetFingerprints writes a small vector set of each stored form under
// several keys (so over several slots) and returns what VINFO's
// quant-type, VCARD and VEMB RAW answer for each key: the codes are
// deterministic, so a copy made by replication or migration must answer
// the same.
func vsetFingerprints(t *testing.T, c redis.UniversalClient) map[string]string {
	t.Helper()
	data := randomVectors(4, 40, 16)
	out := map[string]string{}
	for k := 0; k < 16; k++ {
		mode := quantModes[k%len(quantModes)]
		key := fmt.Sprintf("vset:%d", k)
		vaddAll(t, c, key, mode.opt, data)
		out[key] = vsetFingerprint(t, c, key)
	}
	return out
}

func vsetFingerprint(t *testing.T, c redis.UniversalClient, key string) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	fmt.Fprint(&b, vinfo(t, c, key)["quant-type"], " ", c.Do(ctx, "VCARD", key).Val())
	for i := 0; i < 40; i += 3 {
		raw, err := c.Do(ctx, "VEMB", key, fmt.Sprintf("e%d", i), "RAW").Slice()
		if err != nil {
			t.Fatalf("VEMB %s e%d RAW: %v", key, i, err)
		}
		fmt.Fprintf(&b, " %q", raw)
	}
	if res, err := c.Do(ctx, "VSIM", key, "ELE", "e7", "COUNT", "1").StringSlice(); err != nil || len(res) != 1 || res[0] != "e7" {
		t.Fatalf("VSIM %s ELE e7: %v %v", key, res, err)
	}
	return b.String()
}

// TestVectorSetsReplicate: a replica holds the same codes as its primary
// (VADD is replayed on it) and serves them after READONLY.
func TestVectorSetsReplicate(t *testing.T) {
	nodes := startReplicatedNodes(t, 3)
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{nodes[0].addr, nodes[1].addr, nodes[2].addr}})
	defer cc.Close()
	want := vsetFingerprints(t, cc)
	for _, tn := range nodes {
		if got := tn.raw(t).do("WAIT", "1", "5000"); got != "(integer) 1" {
			t.Fatalf("WAIT 1 on %s: %s", tn.addr, got)
		}
	}
	m := nodes[0].Cluster().Map()
	byID := map[cluster.NodeID]*testNode{}
	for _, tn := range nodes {
		byID[tn.Cluster().Self()] = tn
	}
	for key, fp := range want {
		owner, _ := m.Owner(keyslot.OfString(key))
		r := redis.NewClient(&redis.Options{Addr: byID[owner.Replicas[0]].addr,
			OnConnect: func(ctx context.Context, cn *redis.Conn) error { return cn.ReadOnly(ctx).Err() }})
		defer r.Close()
		if got := vsetFingerprint(t, r, key); got != fp {
			t.Fatalf("%s on the replica:\n%s\nprimary:\n%s", key, got, fp)
		}
	}
}
