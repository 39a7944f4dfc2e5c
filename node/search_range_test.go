package node

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/vector"
)

// cosineDist is the COSINE distance RediSearch reports between doc i's
// vector and q.
func cosineDist(i int, q []float32) float64 {
	v := docVec(i)
	var d, nv, nq float64
	for j := range v {
		d += float64(v[j]) * float64(q[j])
		nv += float64(v[j]) * float64(v[j])
		nq += float64(q[j]) * float64(q[j])
	}
	return 1 - d/math.Sqrt(nv*nq)
}

// withinRadius returns the keys of the admitted docs within radius of q,
// nearest first, leaving out those within slack of the radius (float32
// rounding may put them either side).
func withinRadius(q []float32, n int, radius, slack float64, admit func(i int) bool) (in []string, edge map[string]bool) {
	type kd struct {
		key string
		d   float64
	}
	var all []kd
	edge = map[string]bool{}
	for i := 0; i < n; i++ {
		if admit != nil && !admit(i) {
			continue
		}
		d := cosineDist(i, q)
		key := fmt.Sprintf("doc:%d", i)
		switch {
		case math.Abs(d-radius) <= slack:
			edge[key] = true
		case d < radius:
			all = append(all, kd{key, d})
		}
	}
	sort.Slice(all, func(a, b int) bool { return all[a].d < all[b].d })
	for _, x := range all {
		in = append(in, x.key)
	}
	return in, edge
}

// ftRows runs FT.SEARCH on idx and returns the total and the rows: key
// and field/value map.
func ftRows(t *testing.T, c *redis.Client, args ...any) (int64, []string, []map[string]string) {
	t.Helper()
	res, err := c.Do(context.Background(), append([]any{"FT.SEARCH", "idx"}, args...)...).Slice()
	if err != nil {
		t.Fatalf("FT.SEARCH %v: %v", args, err)
	}
	var keys []string
	var rows []map[string]string
	for i := 1; i+1 < len(res); i += 2 {
		keys = append(keys, res[i].(string))
		m := map[string]string{}
		fv := res[i+1].([]any)
		for j := 0; j+1 < len(fv); j += 2 {
			m[fv[j].(string)] = fv[j+1].(string)
		}
		rows = append(rows, m)
	}
	return res[0].(int64), keys, rows
}

// dropEdge removes keys in edge from keys.
func dropEdge(keys []string, edge map[string]bool) []string {
	var out []string
	for _, k := range keys {
		if !edge[k] {
			out = append(out, k)
		}
	}
	return out
}

func TestFTVectorRangeIsExact(t *testing.T) {
	for _, alg := range []string{"HNSW", "FLAT"} {
		t.Run(alg, func(t *testing.T) {
			tn := startNode(t, nil)
			c := tn.client2(t)
			const n = 600
			loadDocs(t, c, n, alg)
			q := docVec(98765)
			blob := vector.EncodeFloat32(q)
			const radius = 0.6
			want, edge := withinRadius(q, n, radius, 1e-5, nil)
			if len(want) < 20 || len(want) > n/2 {
				t.Fatalf("radius %v holds %d of %d docs: pick another", radius, len(want), n)
			}
			attrs := "$YIELD_DISTANCE_AS: dist"
			if alg == "HNSW" {
				attrs += "; $EPSILON: 0.01" // refused for FLAT, as RediSearch does
			}
			total, keys, rows := ftRows(t, c, "@emb:[VECTOR_RANGE $r $B]=>{"+attrs+"}",
				"PARAMS", "4", "B", blob, "r", radius, "SORTBY", "dist", "RETURN", "1", "dist", "LIMIT", "0", n, "DIALECT", "2")
			if got := dropEdge(keys, edge); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("range %v: %d keys\n%v\nbrute force %d\n%v", radius, len(got), got, len(want), want)
			}
			if int(total) != len(keys) {
				t.Fatalf("total %d, %d keys", total, len(keys))
			}
			for i, r := range rows {
				d, err := strconv.ParseFloat(r["dist"], 64)
				id, _ := strconv.Atoi(strings.TrimPrefix(keys[i], "doc:"))
				if err != nil || math.Abs(d-cosineDist(id, q)) > 1e-5 || d > radius+1e-6 {
					t.Fatalf("%s: dist %q, brute force %v", keys[i], r["dist"], cosineDist(id, q))
				}
			}

			// With a tag filter: the intersection, in doc order without SORTBY;
			// no distance field without YIELD_DISTANCE_AS.
			_, keys, rows = ftRows(t, c, "@genre:{g1|g2|g3|g4|g5|g6|g7|g8|g9} @emb:[VECTOR_RANGE 0.6 $B]",
				"PARAMS", "2", "B", blob, "LIMIT", "0", n, "RETURN", "2", "genre", "dist", "DIALECT", "2")
			wantT, edgeT := withinRadius(q, n, radius, 1e-5, func(i int) bool { return i%100 >= 1 && i%100 <= 9 })
			sort.Strings(wantT)
			got := dropEdge(keys, edgeT)
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(wantT, ",") {
				t.Fatalf("tag AND range: %v, want %v", got, wantT)
			}
			for _, r := range rows {
				if _, has := r["dist"]; has || r["genre"] == "" {
					t.Fatalf("row %v: a range without YIELD_DISTANCE_AS yields no distance", r)
				}
			}

			// OR: documents of g1 or within the radius.
			total, _ = ftKeys(t, c, "@genre:{g1} | @emb:[VECTOR_RANGE 0.6 $B]", "PARAMS", "2", "B", blob, "NOCONTENT", "LIMIT", "0", "0", "DIALECT", "2")
			inG1 := 0
			for i := 0; i < n; i++ {
				if i%100 == 1 && cosineDist(i, q) >= radius {
					inG1++
				}
			}
			if lo, hi := len(want)+inG1, len(want)+inG1+len(edge); int(total) < lo || int(total) > hi {
				t.Fatalf("OR total %d, want %d..%d", total, lo, hi)
			}

			// FT.AGGREGATE yields the distance into the rows.
			agg, err := c.Do(context.Background(), "FT.AGGREGATE", "idx", "@emb:[VECTOR_RANGE $r $B]=>{$YIELD_DISTANCE_AS: d}",
				"PARAMS", "4", "r", "0.6", "B", blob, "SORTBY", "2", "@d", "ASC", "LIMIT", "0", "3", "DIALECT", "2").Slice()
			if err != nil {
				t.Fatal(err)
			}
			if len(agg) != 4 {
				t.Fatalf("FT.AGGREGATE: %v", agg)
			}
			for i, row := range agg[1:] {
				fv := row.([]any)
				d, _ := strconv.ParseFloat(fv[1].(string), 64)
				id, _ := strconv.Atoi(strings.TrimPrefix(want[i], "doc:"))
				if fv[0] != "d" || math.Abs(d-cosineDist(id, q)) > 1e-5 {
					t.Fatalf("FT.AGGREGATE row %d: %v, want d of %s = %v", i, fv, want[i], cosineDist(id, q))
				}
			}
		})
	}
}

func TestFTVectorRangeErrors(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	loadDocs(t, c, 10, "FLAT")
	blob := vector.EncodeFloat32(docVec(1))
	ctx := context.Background()
	for _, tc := range []struct {
		args []any
		want string
	}{
		{[]any{"@emb:[VECTOR_RANGE $r $B]", "PARAMS", "2", "B", blob, "DIALECT", "2"}, "No such parameter `r`"},
		{[]any{"@emb:[VECTOR_RANGE 0.5 $X]", "PARAMS", "2", "B", blob, "DIALECT", "2"}, "No such parameter `X`"},
		{[]any{"@emb:[VECTOR_RANGE $r $B]", "PARAMS", "4", "B", blob, "r", "abc", "DIALECT", "2"}, "Invalid numeric value (abc) for parameter `r`"},
		{[]any{"@emb:[VECTOR_RANGE -1 $B]", "PARAMS", "2", "B", blob, "DIALECT", "2"}, "Error parsing vector similarity query: negative radius (-1) given in a range query"},
		{[]any{"@emb:[VECTOR_RANGE 1 $B]", "PARAMS", "2", "B", "abc", "DIALECT", "2"}, "Error parsing vector similarity query: query vector blob size (3) does not match index's expected size (32)."},
		{[]any{"@emb:[VECTOR_RANGE 1 $B]=>{$EPSILON: 0.1}", "PARAMS", "2", "B", blob, "DIALECT", "2"}, "Error parsing vector similarity parameters: Invalid option"},
		{[]any{"@emb:[VECTOR_RANGE 1 $B]=>{$HYBRID_POLICY: ADHOC_BF}", "PARAMS", "2", "B", blob, "DIALECT", "2"}, "Error parsing vector similarity parameters: hybrid query attributes were sent for a non-hybrid query"},
		{[]any{"@emb:[VECTOR_RANGE 1 $B]=>{$bogus: 1}", "PARAMS", "2", "B", blob, "DIALECT", "2"}, "Invalid attribute bogus"},
		{[]any{"@genre:{g1}=>{$yield_distance_as: d}"}, "Invalid attribute yield_distance_as"},
		{[]any{"@emb:[VECTOR_RANGE 1 $B]=>{$YIELD_DISTANCE_AS: year}", "PARAMS", "2", "B", blob, "DIALECT", "2"}, "Property `year` already exists in schema"},
		{[]any{"@emb:[VECTOR_RANGE 1 $B]=>{$EPSILON: 1; $EPSILON: 2}", "PARAMS", "2", "B", blob, "DIALECT", "2"}, "Error parsing vector similarity parameters: Parameter was specified twice"},
		{[]any{"@emb:[VECTOR_RANGE 1 $B]=>{$YIELD_DISTANCE_AS: d} @emb:[VECTOR_RANGE 2 $B]=>{$YIELD_DISTANCE_AS: d}", "PARAMS", "2", "B", blob, "DIALECT", "2"}, "Property `d` specified more than once"},
		{[]any{"@emb:[VECTOR_RANGE 1 B]", "PARAMS", "2", "B", blob, "DIALECT", "2"}, "Syntax error at offset 6 near VECTOR_RANGE"},
	} {
		err := c.Do(ctx, append([]any{"FT.SEARCH", "idx"}, tc.args...)...).Err()
		if err == nil || err.Error() != tc.want {
			t.Errorf("%v: %v, want %q", tc.args[0], err, tc.want)
		}
	}
	// A field that is not a vector field matches nothing, as in RediSearch.
	for _, f := range []string{"nope", "year"} {
		if total, _ := ftKeys(t, c, "@"+f+":[VECTOR_RANGE 10 $B]", "PARAMS", "2", "B", blob, "DIALECT", "2"); total != 0 {
			t.Errorf("range over %s: total %d", f, total)
		}
	}
}
