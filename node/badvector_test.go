package node

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/vector"
)

// nonFinite is a vector of searchDim values, all NaN, or with one ±Inf.
func nonFinite(kind string) []byte {
	v := docVec(7)
	switch kind {
	case "nan":
		for i := range v {
			v[i] = float32(math.NaN())
		}
	case "+inf":
		v[3] = float32(math.Inf(1))
	case "-inf":
		v[0] = float32(math.Inf(-1))
	}
	return vector.EncodeFloat32(v)
}

// ftInfo returns FT.INFO idx as a map.
func ftInfo(t *testing.T, c *redis.Client) map[string]any {
	t.Helper()
	info, err := c.Do(context.Background(), "FT.INFO", "idx").Slice()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	for i := 0; i+1 < len(info); i += 2 {
		m[info[i].(string)] = info[i+1]
	}
	return m
}

// TestFTBadDocumentsAreNotIndexed: a hash whose vector has a NaN or an
// infinity, or whose NUMERIC field is not a number, is written (HSET
// succeeds) but is an indexing failure: it is not counted in num_docs, and
// neither KNN (where a NaN score would come first) nor a match-all query
// returns it. True neighbours still come back.
func TestFTBadDocumentsAreNotIndexed(t *testing.T) {
	for _, alg := range []string{"HNSW", "FLAT", "IVFFLAT"} {
		t.Run(alg, func(t *testing.T) {
			tn := startNode(t, nil)
			c := tn.client2(t)
			ctx := context.Background()
			const n = 300
			loadDocs(t, c, n, alg)
			bad := 0
			for i, kind := range []string{"nan", "nan", "nan", "+inf", "-inf"} {
				if err := c.HSet(ctx, fmt.Sprintf("doc:bad%d", i), "title", "poison", "genre", "g7", "emb", nonFinite(kind)).Err(); err != nil {
					t.Fatalf("HSET of a %s vector: %v (the write itself must succeed)", kind, err)
				}
				bad++
			}
			if err := c.HSet(ctx, "doc:badyear", "title", "poison", "year", "soon", "emb", vector.EncodeFloat32(docVec(1))).Err(); err != nil {
				t.Fatal(err)
			}
			bad++
			q := docVec(123456)
			blob := vector.EncodeFloat32(q)
			knn := func(filter string) []string {
				_, keys := ftKeys(t, c, filter+"=>[KNN 10 @emb $B AS dist]", "PARAMS", "2", "B", blob, "RETURN", "1", "dist", "DIALECT", "2")
				return keys
			}
			if got, want := knn("*"), bruteForce(q, n, 10, nil); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("KNN 10 = %v, want the true neighbours %v", got, want)
			}
			wantF := bruteForce(q, n, 10, func(i int) bool { return i%100 == 7 })
			if got := knn("(@genre:{g7})"); strings.Join(got, ",") != strings.Join(wantF, ",") {
				t.Fatalf("filtered KNN = %v, want %v", got, wantF)
			}
			m := ftInfo(t, c)
			if infoNum(m["num_docs"]) != int64(n) || infoNum(m["hash_indexing_failures"]) != int64(bad) {
				t.Fatalf("FT.INFO num_docs %v failures %v, want %d and %d", m["num_docs"], m["hash_indexing_failures"], n, bad)
			}
			if total, _ := ftKeys(t, c, "*", "LIMIT", "0", "0"); total != n {
				t.Fatalf("FT.SEARCH idx * counts %d documents, want %d", total, n)
			}
			if total, keys := ftKeys(t, c, "@title:poison", "NOCONTENT"); total != 0 {
				t.Fatalf("failed documents are returned: %d %v", total, keys)
			}
			// A document that was indexed and is rewritten with a NaN vector
			// leaves the index; a good vector brings it back.
			self := vector.EncodeFloat32(docVec(42))
			near := func() string {
				_, keys := ftKeys(t, c, "*=>[KNN 1 @emb $B]", "PARAMS", "2", "B", self, "NOCONTENT", "DIALECT", "2")
				return strings.Join(keys, ",")
			}
			c.HSet(ctx, "doc:42", "emb", nonFinite("nan"))
			if got := near(); got == "doc:42" || got == "" {
				t.Fatalf("after a NaN rewrite the nearest to doc:42's vector is %q", got)
			}
			if m := ftInfo(t, c); infoNum(m["num_docs"]) != int64(n-1) {
				t.Fatalf("num_docs %v after a NaN rewrite, want %d", m["num_docs"], n-1)
			}
			c.HSet(ctx, "doc:42", "emb", self)
			if got := near(); got != "doc:42" {
				t.Fatalf("after a good rewrite the nearest is %q, want doc:42", got)
			}
			// A NaN or infinite query vector is refused.
			for _, kind := range []string{"nan", "+inf", "-inf"} {
				err := c.Do(ctx, "FT.SEARCH", "idx", "*=>[KNN 3 @emb $B]", "PARAMS", "2", "B", nonFinite(kind), "DIALECT", "2").Err()
				if err == nil || !strings.Contains(err.Error(), "NaN or infinite") {
					t.Fatalf("KNN with a %s query vector: %v, want an error", kind, err)
				}
			}
		})
	}
}

// TestFTBadDocumentsAcrossCreateAndRestart: hashes that exist before
// FT.CREATE are indexed by it under the same rule, and after a restart the
// index (loaded from the snapshot) still holds only the good documents
// and counts each failing document once.
func TestFTBadDocumentsAcrossCreateAndRestart(t *testing.T) {
	dir := t.TempDir()
	tn := startNode(t, func(c *Config) { c.Dir = dir })
	c := tn.client2(t)
	ctx := context.Background()
	const n = 50
	for i := 0; i < n; i++ {
		c.HSet(ctx, fmt.Sprintf("doc:%d", i), "genre", "g", "emb", vector.EncodeFloat32(docVec(i)))
	}
	c.HSet(ctx, "doc:nan", "genre", "g", "emb", nonFinite("nan"))
	c.HSet(ctx, "doc:inf", "genre", "g", "emb", nonFinite("+inf"))
	err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "genre", "TAG",
		"emb", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", searchDim, "DISTANCE_METRIC", "L2").Err()
	if err != nil {
		t.Fatal(err)
	}
	check := func(c *redis.Client, when string) {
		t.Helper()
		if m := ftInfo(t, c); infoNum(m["num_docs"]) != int64(n) || infoNum(m["hash_indexing_failures"]) != int64(2) {
			t.Fatalf("%s: num_docs %v failures %v, want %d and 2", when, m["num_docs"], m["hash_indexing_failures"], n)
		}
		total, keys := ftKeys(t, c, "@genre:{g}=>[KNN 5 @emb $B]", "PARAMS", "2", "B", vector.EncodeFloat32(docVec(3)), "NOCONTENT", "LIMIT", "0", "100", "DIALECT", "2")
		if total != 5 || keys[0] != "doc:3" || strings.Contains(strings.Join(keys, ","), "doc:nan") {
			t.Fatalf("%s: KNN 5 = %d %v", when, total, keys)
		}
		if total, _ := ftKeys(t, c, "*", "LIMIT", "0", "0"); total != n {
			t.Fatalf("%s: match-all counts %d, want %d", when, total, n)
		}
	}
	check(c, "after FT.CREATE")
	// FT.ALTER re-indexes every hash: the failures are the same documents.
	if err := c.Do(ctx, "FT.ALTER", "idx", "SCHEMA", "ADD", "title", "TEXT").Err(); err != nil {
		t.Fatal(err)
	}
	if m := ftInfo(t, c); infoNum(m["num_docs"]) != int64(n) {
		t.Fatalf("after FT.ALTER num_docs %v, want %d", m["num_docs"], n)
	}
	before := infoNum(ftInfo(t, c)["hash_indexing_failures"])
	tn.stop()
	tn2 := startNode(t, func(c *Config) { c.Dir = dir })
	c2 := tn2.client2(t)
	m := ftInfo(t, c2)
	if infoNum(m["num_docs"]) != int64(n) || infoNum(m["hash_indexing_failures"]) != int64(2) {
		t.Fatalf("after restart: num_docs %v failures %v (before: %d), want %d and 2", m["num_docs"], m["hash_indexing_failures"], before, n)
	}
	total, keys := ftKeys(t, c2, "*=>[KNN 5 @emb $B]", "PARAMS", "2", "B", vector.EncodeFloat32(docVec(3)), "NOCONTENT", "DIALECT", "2")
	if total != 5 || keys[0] != "doc:3" {
		t.Fatalf("after restart: KNN 5 = %d %v", total, keys)
	}
}

// TestVectorSetRefusesNaNAndInf: VADD and VSIM take no NaN or infinite
// value, as an FP32 blob or as VALUES, and a refused VADD stores nothing.
func TestVectorSetRefusesNaNAndInf(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	const msg = "ERR invalid vector specification"
	blob := func(v ...float32) string { return string(vector.EncodeFloat32(v)) }
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, opt := range []string{"NOQUANT", "Q8", "BIN"} {
		key := "vs:" + opt
		if err := c.Do(ctx, "VADD", key, "VALUES", "3", "1", "2", "3", "a", opt).Err(); err != nil {
			t.Fatal(err)
		}
		if err := c.Do(ctx, "VADD", key, "VALUES", "3", "-1", "-2", "1", "b", opt).Err(); err != nil {
			t.Fatal(err)
		}
		refused := [][]any{
			{"FP32", blob(nan, nan, nan)},
			{"FP32", blob(1, nan, 1)},
			{"FP32", blob(1, inf, 1)},
			{"FP32", blob(-inf, 0, 1)},
			{"VALUES", "3", "inf", "1", "1"},
			{"VALUES", "3", "1", "-inf", "1"},
			{"VALUES", "3", "nan", "1", "1"},
			{"VALUES", "3", "1", "1", "1e39"},
		}
		for _, vec := range refused {
			args := append(append([]any{"VADD", key}, vec...), "c", opt)
			if err := c.Do(ctx, args...).Err(); err == nil || err.Error() != msg {
				t.Fatalf("%s VADD %v: %v, want %q", opt, vec[0], err, msg)
			}
			// The element "a" is updated in place: a refused update leaves it.
			args = append(append([]any{"VADD", key}, vec...), "a", opt)
			if err := c.Do(ctx, args...).Err(); err == nil || err.Error() != msg {
				t.Fatalf("%s VADD update %v: %v, want %q", opt, vec[0], err, msg)
			}
			if err := c.Do(ctx, append(append([]any{"VADD", "vs:new"}, vec...), "x")...).Err(); err == nil || err.Error() != msg {
				t.Fatalf("VADD of a new key with %v: %v, want %q", vec, err, msg)
			}
			if args := append(append([]any{"VSIM", key}, vec...), "WITHSCORES"); c.Do(ctx, args...).Err() == nil {
				t.Fatalf("%s VSIM with %v accepted", opt, vec)
			}
		}
		if n, err := c.Do(ctx, "VCARD", key).Int(); err != nil || n != 2 {
			t.Fatalf("%s VCARD = %d %v after refused VADDs, want 2", opt, n, err)
		}
		if n := c.Exists(ctx, "vs:new").Val(); n != 0 {
			t.Fatal("a refused VADD created the key")
		}
		res, err := c.Do(ctx, "VSIM", key, "VALUES", "3", "1", "2", "3", "WITHSCORES").StringSlice()
		if err != nil || len(res) != 4 || res[0] != "a" {
			t.Fatalf("%s VSIM = %v %v, want a first", opt, res, err)
		}
		for i := 1; i < len(res); i += 2 {
			if s, err := strconv.ParseFloat(res[i], 64); err != nil || math.IsNaN(s) {
				t.Fatalf("%s VSIM score %q", opt, res[i])
			}
		}
		emb, err := c.Do(ctx, "VEMB", key, "a").Float64Slice()
		if err != nil || len(emb) != 3 || math.IsNaN(emb[0]) {
			t.Fatalf("%s VEMB a = %v %v", opt, emb, err)
		}
	}
}

// TestVectorSetReduceAboveDimension: REDUCE may not exceed the dimension
// of the vector given (Redis: "ERR invalid vector specification"), and
// the refused VADD creates no key.
func TestVectorSetReduceAboveDimension(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	const msg = "ERR invalid vector specification"
	blob := func(v ...float32) string { return string(vector.EncodeFloat32(v)) }
	if err := c.Do(ctx, "VADD", "vr", "REDUCE", "10", "VALUES", "3", "1", "2", "3", "e").Err(); err == nil || err.Error() != msg {
		t.Fatalf("VADD REDUCE 10 of a 3-d vector: %v, want %q", err, msg)
	}
	if err := c.Do(ctx, "VADD", "vr", "REDUCE", "4", "FP32", blob(1, 2, 3), "e").Err(); err == nil || err.Error() != msg {
		t.Fatalf("VADD REDUCE 4 of a 3-d blob: %v, want %q", err, msg)
	}
	if n := c.Exists(ctx, "vr").Val(); n != 0 {
		t.Fatal("a refused REDUCE created the key")
	}
	if err := c.Do(ctx, "VADD", "vr", "REDUCE", "2", "VALUES", "3", "1", "2", "3", "e").Err(); err != nil {
		t.Fatalf("VADD REDUCE 2 of a 3-d vector: %v", err)
	}
	if d, err := c.Do(ctx, "VDIM", "vr").Int(); err != nil || d != 2 {
		t.Fatalf("VDIM = %d %v, want 2", d, err)
	}
}
