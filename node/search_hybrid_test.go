package node

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/vcache/vcache/vector"
)

// TestFTHybridPolicies: a prefilter of every kind (tag, numeric, text,
// vector range, negation, union) before a KNN returns the exact top k of
// the filtered documents with either hybrid policy, and the policy
// attributes are refused where RediSearch refuses them.
func TestFTHybridPolicies(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	const n = 1000
	loadDocs(t, c, n, "HNSW")
	q := docVec(4242)
	blob := vector.EncodeFloat32(q)
	for _, tc := range []struct {
		filter string
		admit  func(i int) bool
	}{
		{"@genre:{g3|g4}", func(i int) bool { return i%100 == 3 || i%100 == 4 }},
		{"@year:[1950 (1960]", func(i int) bool { return i%100 >= 50 && i%100 < 60 }},
		{"@title:(number 77*)", func(i int) bool { return strings.HasPrefix(fmt.Sprint(i), "77") }},
		{"@genre:{g1} | @year:[1999 1999]", func(i int) bool { return i%100 == 1 || i%100 == 99 }},
		{"-@year:[1900 1990]", func(i int) bool { return i%100 > 90 }},
		{"@emb:[VECTOR_RANGE 0.9 $B] @year:[1900 1949]", func(i int) bool { return i%100 < 50 && cosineDist(i, q) <= 0.9 }},
	} {
		want := bruteForce(q, n, 10, tc.admit)
		for _, policy := range []string{"", " HYBRID_POLICY ADHOC_BF", " HYBRID_POLICY BATCHES", " HYBRID_POLICY BATCHES BATCH_SIZE 7"} {
			query := "(" + tc.filter + ")=>[KNN 10 @emb $B" + policy + "]"
			total, got := ftKeys(t, c, query, "PARAMS", "2", "B", blob, "NOCONTENT", "DIALECT", "2")
			if int(total) != len(want) || strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s: %d %v\nwant %v", query, total, got, want)
			}
		}
		// The attribute syntax says the same.
		query := "(" + tc.filter + ")=>[KNN 10 @emb $B]=>{$HYBRID_POLICY: $p; $YIELD_DISTANCE_AS: d}"
		_, got := ftKeys(t, c, query, "PARAMS", "4", "B", blob, "p", "ADHOC_BF", "NOCONTENT", "DIALECT", "2")
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: %v\nwant %v", query, got, want)
		}
	}
	ctx := context.Background()
	for _, tc := range []struct{ q, want string }{
		{"*=>[KNN 2 @emb $B HYBRID_POLICY ADHOC_BF]", "Error parsing vector similarity parameters: hybrid query attributes were sent for a non-hybrid query"},
		{"*=>[KNN 2 @emb $B BATCH_SIZE 100]", "Error parsing vector similarity parameters: hybrid query attributes were sent for a non-hybrid query"},
		{"@genre:{g1}=>[KNN 2 @emb $B HYBRID_POLICY bad_policy]", "Error parsing vector similarity parameters: invalid hybrid policy was given"},
		{"@genre:{g1}=>[KNN 2 @emb $B]=>{$HYBRID_POLICY: bad_policy;}", "Error parsing vector similarity parameters: invalid hybrid policy was given"},
		{"@genre:{g1}=>[KNN 2 @emb $B HYBRID_POLICY ADHOC_BF BATCH_SIZE 100]", "Error parsing vector similarity parameters: 'batch size' is irrelevant for 'ADHOC_BF' policy"},
		{"@genre:{g1}=>[KNN 2 @emb $B HYBRID_POLICY ADHOC_BF EF_RUNTIME 100]", "Error parsing vector similarity parameters: 'EF_RUNTIME' is irrelevant for 'ADHOC_BF' policy"},
		{"@genre:{g1}=>[KNN 2 @emb $B BATCH_SIZE 0]", "Error parsing vector similarity parameters: Invalid value was given"},
		{"@genre:{g1}=>[KNN 2 @emb $B BATCH_SIZE 8 BATCH_SIZE 9]", "Error parsing vector similarity parameters: Parameter was specified twice"},
		{"*=>[KNN 2 @emb $B EF_RUNTIME 100]=>{$EF_RUNTIME: 200}", "Error parsing vector similarity parameters: Parameter was specified twice"},
		{"*=>[KNN 2 @emb $B EPSILON 0.1]", "Error parsing vector similarity parameters: range query attributes were sent for a non-range query"},
		{"*=>[KNN 2 @emb $B AS score]=>{$yield_distance_as: score2}", "Distance field was specified twice for vector query: score and score2"},
		{"*=>[KNN 2 @emb $B AS year]", "Property `year` already exists in schema"},
	} {
		err := c.Do(ctx, "FT.SEARCH", "idx", tc.q, "PARAMS", "2", "B", blob, "DIALECT", "2").Err()
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: %v, want %q", tc.q, err, tc.want)
		}
	}
}

// TestFTSortKeysAndPayloads: WITHSORTKEYS sends each document's sort key
// ("#" and a number, "$" and a string, nil without SORTBY) and
// WITHPAYLOADS its PAYLOAD_FIELD value, after the score, as RediSearch 2.8.
func TestFTSortKeysAndPayloads(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	do := doer(t, c)
	do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "PAYLOAD_FIELD", "pl", "SCHEMA",
		"name", "TEXT", "SORTABLE", "code", "TAG", "SORTABLE", "UNF", "n", "NUMERIC", "SORTABLE",
		"v", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2")
	do("HSET", "d:1", "name", "Bravo", "code", "Xy", "n", "2.5", "pl", "first payload", "v", blob32(1, 0))
	do("HSET", "d:2", "name", "alpha", "code", "Ab", "n", "10", "v", blob32(0, 2))
	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %#v\nwant %#v", what, got, want)
		}
	}
	check("numeric sort key", do("FT.SEARCH", "idx", "*", "SORTBY", "n", "DESC", "WITHSORTKEYS", "RETURN", "1", "n"),
		[]any{int64(2), "d:2", "#10", []any{"n", "10"}, "d:1", "#2.5", []any{"n", "2.5"}})
	check("normalised text sort key", do("FT.SEARCH", "idx", "*", "SORTBY", "name", "WITHSORTKEYS", "NOCONTENT"),
		[]any{int64(2), "d:2", "$alpha", "d:1", "$bravo"})
	check("UNF tag sort key", do("FT.SEARCH", "idx", "*", "SORTBY", "code", "WITHSORTKEYS", "NOCONTENT"),
		[]any{int64(2), "d:2", "$Ab", "d:1", "$Xy"})
	check("no SORTBY", do("FT.SEARCH", "idx", "@n:[0 5]", "WITHSORTKEYS", "NOCONTENT"),
		[]any{int64(1), "d:1", nil})
	check("scores, payloads and sort keys", do("FT.SEARCH", "idx", "*", "SORTBY", "n", "WITHSCORES", "WITHPAYLOADS", "WITHSORTKEYS", "RETURN", "1", "name"),
		[]any{int64(2), "d:1", "1", "first payload", "#2.5", []any{"name", "Bravo"}, "d:2", "1", nil, "#10", []any{"name", "alpha"}})
	check("KNN distance sort key", do("FT.SEARCH", "idx", "*=>[KNN 2 @v $B AS dist]", "PARAMS", "2", "B", blob32(0, 0),
		"SORTBY", "dist", "WITHSORTKEYS", "NOCONTENT", "DIALECT", "2"),
		[]any{int64(2), "d:1", "#1", "d:2", "#4"})
	check("range distance sort key", do("FT.SEARCH", "idx", "@v:[VECTOR_RANGE 10 $B]=>{$YIELD_DISTANCE_AS: dist}", "PARAMS", "2", "B", blob32(0, 0.5),
		"SORTBY", "dist", "DESC", "WITHSORTKEYS", "RETURN", "1", "dist", "DIALECT", "2"),
		[]any{int64(2), "d:2", "#2.25", []any{"dist", "2.25"}, "d:1", "#1.25", []any{"dist", "1.25"}})
	// RESP3: each result map has them under "payload" and "sortkey".
	r3, err := tn.client(t).Do(context.Background(), "FT.SEARCH", "idx", "*", "SORTBY", "n", "WITHSCORES", "WITHPAYLOADS", "WITHSORTKEYS", "RETURN", "1", "name").Result()
	if err != nil {
		t.Fatal(err)
	}
	results := r3.(map[any]any)["results"].([]any)
	check("RESP3 results", results, []any{
		map[any]any{"id": "d:1", "score": float64(1), "payload": "first payload", "sortkey": "#2.5", "extra_attributes": map[any]any{"name": "Bravo"}, "values": []any{}},
		map[any]any{"id": "d:2", "score": float64(1), "payload": nil, "sortkey": "#10", "extra_attributes": map[any]any{"name": "alpha"}, "values": []any{}},
	})
	// The payload field is the document's payload, not one of its fields.
	res := do("FT.SEARCH", "idx", "@name:bravo").([]any)
	for i := 0; i+1 < len(res[2].([]any)); i += 2 {
		if res[2].([]any)[i] == "pl" {
			t.Errorf("the payload field is among the fields: %v", res[2])
		}
	}
}
