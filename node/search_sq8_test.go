package node

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/vector"
)

// vecAttrs returns FT.INFO idx's attributes of field emb as a map.
func vecAttrs(t *testing.T, c *redis.Client) map[string]any {
	t.Helper()
	for _, a := range ftInfo(t, c)["attributes"].([]any) {
		l := a.([]any)
		m := map[string]any{}
		for i := 0; i+1 < len(l); i += 2 {
			m[l[i].(string)] = l[i+1]
		}
		if m["attribute"] == "emb" {
			return m
		}
	}
	t.Fatal("FT.INFO has no attribute emb")
	return nil
}

// TestFTHNSWCompression: an HNSW field walks int8 codes and re-ranks on
// float32 by default (FT.INFO: compression SQ8, rerank 40), COMPRESSION
// NONE keeps float32 only, RERANK sets the count; KNN returns the true
// neighbours with their float32 distances, and the settings survive a
// restart.
func TestFTHNSWCompression(t *testing.T) {
	dir := t.TempDir()
	tn := startNode(t, func(c *Config) { c.Dir = dir })
	c := patientClient(t, tn)
	ctx := context.Background()
	const n = 1500
	loadDocs(t, c, n, "HNSW")
	if a := vecAttrs(t, c); a["compression"] != "SQ8" || a["rerank"] != int64(vector.DefaultRerank) {
		t.Fatalf("default HNSW attributes %v: want compression SQ8 rerank %d", a, vector.DefaultRerank)
	}
	q := docVec(424242)
	blob := vector.EncodeFloat32(q)
	want := bruteForce(q, n, 10, nil)
	checkKNN10(t, c, "idx", " EF_RUNTIME 200", q, want)

	for _, tc := range []struct {
		args  []any
		attrs map[string]any
	}{
		{[]any{"COMPRESSION", "NONE"}, map[string]any{"compression": "NONE"}},
		{[]any{"RERANK", "12"}, map[string]any{"compression": "SQ8", "rerank": int64(12)}},
		{[]any{"COMPRESSION", "sq8", "RERANK", "100"}, map[string]any{"compression": "SQ8", "rerank": int64(100)}},
	} {
		name := "i" + strconv.Itoa(len(tc.args)) + tc.args[1].(string)
		args := append([]any{"FT.CREATE", name, "PREFIX", "1", "doc:", "SCHEMA", "emb", "VECTOR", "HNSW", 6 + len(tc.args),
			"TYPE", "FLOAT32", "DIM", searchDim, "DISTANCE_METRIC", "L2"}, tc.args...)
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("FT.CREATE %v: %v", tc.args, err)
		}
		checkAttrs(t, c, name, tc.attrs)
	}
	for _, tc := range []struct {
		alg  string
		args []any
		err  string
	}{
		{"HNSW", []any{"COMPRESSION", "PQ"}, "Bad arguments for vector similarity HNSW index compression"},
		{"HNSW", []any{"RERANK", "-1"}, "Bad arguments for vector similarity HNSW index rerank"},
		{"FLAT", []any{"COMPRESSION", "SQ8"}, "Bad arguments for vector similarity FLAT index"},
	} {
		args := append([]any{"FT.CREATE", "bad", "SCHEMA", "emb", "VECTOR", tc.alg, 6 + len(tc.args),
			"TYPE", "FLOAT32", "DIM", searchDim, "DISTANCE_METRIC", "L2"}, tc.args...)
		if err := c.Do(ctx, args...).Err(); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Fatalf("FT.CREATE %s %v: %v, want an error with %q", tc.alg, tc.args, err, tc.err)
		}
	}

	tn.stop()
	tn2 := startNode(t, func(c *Config) { c.Dir = dir })
	c2 := tn2.client2(t)
	checkAttrs(t, c2, "i2NONE", map[string]any{"compression": "NONE"})
	checkAttrs(t, c2, "i212", map[string]any{"compression": "SQ8", "rerank": int64(12)})
	if _, keys := ftKeys(t, c2, "*=>[KNN 10 @emb $B EF_RUNTIME 200]", "PARAMS", "2", "B", blob, "NOCONTENT", "DIALECT", "2"); strings.Join(keys, ",") != strings.Join(want, ",") {
		t.Fatalf("after restart KNN 10 = %v, brute force %v", keys, want)
	}
}

// checkAttrs fails unless index name's emb attribute has the given values
// (and no rerank when none is given).
func checkAttrs(t *testing.T, c *redis.Client, name string, want map[string]any) {
	t.Helper()
	info, err := c.Do(context.Background(), "FT.INFO", name).Slice()
	if err != nil {
		t.Fatal(err)
	}
	var attrs []any
	for i := 0; i+1 < len(info); i += 2 {
		if info[i] == "attributes" {
			attrs = info[i+1].([]any)[0].([]any)
		}
	}
	m := map[string]any{}
	for i := 0; i+1 < len(attrs); i += 2 {
		m[attrs[i].(string)] = attrs[i+1]
	}
	for k, v := range want {
		if m[k] != v {
			t.Fatalf("FT.INFO %s: %s = %v, want %v (%v)", name, k, m[k], v, attrs)
		}
	}
	if _, ok := want["rerank"]; !ok && m["rerank"] != nil {
		t.Fatalf("FT.INFO %s reports rerank %v without codes", name, m["rerank"])
	}
}

// patientClient returns a RESP2 client of tn whose reads wait a minute:
// FT.CREATE indexes the documents already there before it answers, and
// under the race detector on a loaded machine 1,500 of them take more
// than go-redis's default 3 s read timeout.
func patientClient(t *testing.T, tn *testNode) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: tn.addr, MaxRetries: -1, Protocol: 2, ReadTimeout: time.Minute})
	t.Cleanup(func() { c.Close() })
	return c
}

// checkKNN10 fails unless FT.SEARCH's KNN 10 of q over index (params: the
// KNN clause's own, such as " EF_RUNTIME 200") returns the keys of want,
// in order, each at its float32 cosine distance from q.
func checkKNN10(t *testing.T, c *redis.Client, index, params string, q []float32, want []string) {
	t.Helper()
	res, err := c.Do(context.Background(), "FT.SEARCH", index, "*=>[KNN 10 @emb $B"+params+" AS dist]",
		"PARAMS", "2", "B", vector.EncodeFloat32(q), "RETURN", "1", "dist", "DIALECT", "2").Slice()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := 1; i+1 < len(res); i += 2 {
		key := res[i].(string)
		got = append(got, key)
		d, _ := strconv.ParseFloat(res[i+1].([]any)[1].(string), 64)
		id, _ := strconv.Atoi(strings.TrimPrefix(key, "doc:"))
		if exact := cosineDistance(q, docVec(id)); math.Abs(d-exact) > 1e-5 {
			t.Fatalf("%s: %s at distance %v, float32 cosine distance %v", index, key, d, exact)
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("%s: KNN 10 = %v, brute force %v", index, got, want)
	}
}

func cosineDistance(a, b []float32) float64 {
	var d, na, nb float64
	for i := range a {
		d += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return 1 - d/math.Sqrt(na*nb)
}

// TestFTIVFFLATCompression: an IVFFLAT field scans its lists on int8 codes
// and re-ranks on float32 by default (FT.INFO: compression SQ8, rerank
// 40); KNN over every list returns the true neighbours with their float32
// distances, COMPRESSION NONE and RERANK are kept, and all survive a
// restart.
func TestFTIVFFLATCompression(t *testing.T) {
	dir := t.TempDir()
	tn := startNode(t, func(c *Config) { c.Dir = dir })
	c := patientClient(t, tn)
	ctx := context.Background()
	const n = 1500
	loadDocs(t, c, n, "FLAT")
	for _, tc := range []struct {
		name  string
		args  []any
		attrs map[string]any
	}{
		{"ivf", nil, map[string]any{"compression": "SQ8", "rerank": int64(vector.DefaultRerank)}},
		{"ivfnone", []any{"COMPRESSION", "NONE"}, map[string]any{"compression": "NONE"}},
		{"ivf25", []any{"RERANK", "25"}, map[string]any{"compression": "SQ8", "rerank": int64(25)}},
	} {
		// 8 lists train at 240 vectors; probing all 8 makes KNN exact up to
		// the codes' choice of candidates.
		args := append([]any{"FT.CREATE", tc.name, "PREFIX", "1", "doc:", "SCHEMA", "emb", "VECTOR", "IVFFLAT", 10 + len(tc.args),
			"TYPE", "FLOAT32", "DIM", searchDim, "DISTANCE_METRIC", "COSINE", "LISTS", "8", "PROBES", "8"}, tc.args...)
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("FT.CREATE %v: %v", tc.args, err)
		}
		checkAttrs(t, c, tc.name, tc.attrs)
	}
	q := docVec(777777)
	want := bruteForce(q, n, 10, nil)
	for _, ix := range []string{"ivf", "ivfnone", "ivf25"} {
		checkKNN10(t, c, ix, "", q, want)
	}

	tn.stop()
	tn2 := startNode(t, func(c *Config) { c.Dir = dir })
	c2 := tn2.client2(t)
	checkAttrs(t, c2, "ivf", map[string]any{"compression": "SQ8", "rerank": int64(vector.DefaultRerank)})
	checkAttrs(t, c2, "ivfnone", map[string]any{"compression": "NONE"})
	checkAttrs(t, c2, "ivf25", map[string]any{"compression": "SQ8", "rerank": int64(25)})
	for _, ix := range []string{"ivf", "ivfnone", "ivf25"} {
		checkKNN10(t, c2, ix, "", q, want)
	}
}
