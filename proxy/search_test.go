package proxy

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/testutil"
)

// searchCluster is three fake search shards behind a proxy, loaded with
// 60 documents through the proxy (so each shard holds its slots' share).
type searchCluster struct {
	nodes []*searchNode
	c     *rawConn
	vecs  map[string][]float32
	years map[string]int
}

func startSearchCluster(t *testing.T) *searchCluster {
	sc := &searchCluster{vecs: map[string][]float32{}, years: map[string]int{}}
	var as []string
	for range 3 {
		n := startSearchNode(t)
		sc.nodes = append(sc.nodes, n)
		as = append(as, n.addr)
	}
	p := startProxy(t, Config{}, as...)
	sc.c = dialRaw(t, p.addr)
	for i := range 60 {
		key := fmt.Sprintf("doc:%d", i)
		v := []float32{float32(i%10) * 0.37, float32(i/10) * 0.91}
		sc.vecs[key], sc.years[key] = v, 1990+i%25
		if got := sc.c.do("HSET", key, "v", encodeVec(v...), "title", "t"+strconv.Itoa(i), "year", strconv.Itoa(sc.years[key])); got != ":1\r\n" {
			t.Fatalf("HSET: %q", got)
		}
	}
	for i, n := range sc.nodes {
		if len(n.docs) == 0 || len(n.docs) == 60 {
			t.Fatalf("shard %d holds %d of 60 documents; want a share", i, len(n.docs))
		}
	}
	return sc
}

// nearest is the exact answer over all documents: keys by distance.
func (sc *searchCluster) nearest(q []float32, k int) []string {
	var keys []string
	for key := range sc.vecs {
		keys = append(keys, key)
	}
	sort.Slice(keys, func(i, j int) bool {
		di, dj := l2(q, sc.vecs[keys[i]]), l2(q, sc.vecs[keys[j]])
		if di != dj {
			return di < dj
		}
		return keys[i] < keys[j]
	})
	return keys[:k]
}

// rows parses an FT.SEARCH reply into total, keys and each row's fields.
func rows(t *testing.T, raw string, withFields bool) (int64, []string, []map[string]string) {
	t.Helper()
	v, _, err := resp.Parse([]byte(raw))
	if err != nil || v.Kind != resp.Array {
		t.Fatalf("FT.SEARCH reply %q: %v", trim(raw), err)
	}
	total := v.Elems[0].Int
	var keys []string
	var fields []map[string]string
	for e := v.Elems[1:]; len(e) > 0; {
		keys = append(keys, string(e[0].Str))
		e = e[1:]
		if withFields {
			m := map[string]string{}
			for i := 0; i+1 < len(e[0].Elems); i += 2 {
				m[string(e[0].Elems[i].Str)] = string(e[0].Elems[i+1].Str)
			}
			fields = append(fields, m)
			e = e[1:]
		}
	}
	return total, keys, fields
}

func TestFTSearchMergesShardsByScore(t *testing.T) {
	sc := startSearchCluster(t)
	q := []float32{1.2, 2.3}
	blob := encodeVec(q...)
	best := sc.nearest(q, 10)

	total, keys, fields := rows(t, sc.c.do("FT.SEARCH", "idx", "*=>[KNN 10 @v $B AS dist]", "PARAMS", "2", "B", blob, "SORTBY", "dist", "DIALECT", "2"), true)
	if total != 10 || fmt.Sprint(keys) != fmt.Sprint(best) {
		t.Errorf("KNN 10: total %d, keys %v; want 10, %v", total, keys, best)
	}
	for i, f := range fields {
		if f["title"] == "" || f["dist"] == "" {
			t.Errorf("row %d fields %v lack title or dist", i, f)
		}
	}

	// LIMIT applies once, over the merged list.
	_, keys, _ = rows(t, sc.c.do("FT.SEARCH", "idx", "*=>[KNN 10 @v $B AS dist]", "PARAMS", "2", "B", blob, "LIMIT", "3", "4", "DIALECT", "2"), true)
	if fmt.Sprint(keys) != fmt.Sprint(best[3:7]) {
		t.Errorf("LIMIT 3 4: %v, want %v", keys, best[3:7])
	}

	// RETURN without the score: the proxy still merges by it, and drops it.
	_, keys, fields = rows(t, sc.c.do("FT.SEARCH", "idx", "*=>[KNN $K @v $B AS dist]", "RETURN", "1", "title", "PARAMS", "4", "K", "5", "B", blob), true)
	if fmt.Sprint(keys) != fmt.Sprint(best[:5]) {
		t.Errorf("RETURN title, K=5 from PARAMS: %v, want %v", keys, best[:5])
	}
	for i, f := range fields {
		if len(f) != 1 || f["title"] == "" {
			t.Errorf("row %d fields %v, want only title", i, f)
		}
	}

	// NOCONTENT, with the default score name (no AS).
	raw := sc.c.do("FT.SEARCH", "idx", "*=>[KNN 4 @v $B]", "NOCONTENT", "PARAMS", "2", "B", blob)
	if _, keys, _ = rows(t, raw, false); fmt.Sprint(keys) != fmt.Sprint(best[:4]) {
		t.Errorf("NOCONTENT: %v, want %v", keys, best[:4])
	}

	// SORTBY another field re-orders the global top k.
	_, keys, fields = rows(t, sc.c.do("FT.SEARCH", "idx", "*=>[KNN 10 @v $B AS dist]", "PARAMS", "2", "B", blob, "SORTBY", "year", "DESC", "RETURN", "1", "year"), true)
	if len(keys) != 10 {
		t.Fatalf("SORTBY year: %d rows", len(keys))
	}
	for i := range keys {
		if i > 0 && sc.years[keys[i]] > sc.years[keys[i-1]] {
			t.Errorf("SORTBY year DESC: %s (%d) after %s (%d)", keys[i], sc.years[keys[i]], keys[i-1], sc.years[keys[i-1]])
		}
		if fields[i]["year"] != strconv.Itoa(sc.years[keys[i]]) {
			t.Errorf("row %s year %q", keys[i], fields[i]["year"])
		}
	}
	inBest := map[string]bool{}
	for _, k := range best {
		inBest[k] = true
	}
	for _, k := range keys {
		if !inBest[k] {
			t.Errorf("SORTBY year returned %s, not among the 10 nearest", k)
		}
	}

	// A shard's error reaches the client.
	sc.nodes[1].mu.Lock()
	sc.nodes[1].fail = "ERR Syntax error at offset 3"
	sc.nodes[1].mu.Unlock()
	if got := sc.c.do("FT.SEARCH", "idx", "*=>[KNN 3 @v $B]", "PARAMS", "2", "B", blob); got != "-ERR Syntax error at offset 3\r\n" {
		t.Errorf("shard error: %q", got)
	}
}

func TestFTSchemaCommandsReachEveryShard(t *testing.T) {
	sc := startSearchCluster(t)
	create := []string{"FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "v", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2"}
	if got := sc.c.do(create...); got != "+OK\r\n" {
		t.Fatalf("FT.CREATE = %q", got)
	}
	for i, n := range sc.nodes {
		if !n.indexes["idx"] {
			t.Errorf("shard %d has no index", i)
		}
	}
	if got := sc.c.do("FT._LIST"); got != "*1\r\n$3\r\nidx\r\n" {
		t.Errorf("FT._LIST = %q", got)
	}
	if got := sc.c.do("FT.INFO", "idx"); !strings.Contains(got, "$8\r\nnum_docs\r\n$2\r\n60\r\n") {
		t.Errorf("FT.INFO = %q, want num_docs summed to 60", got)
	}
	// A shard that also holds copies of another's documents (a split's
	// promoted replica, before the proxy's map gives it their slots)
	// counts only the slots the proxy routes to it.
	sc.nodes[0].mu.Lock()
	sc.nodes[1].mu.Lock()
	copied := 0
	for k, d := range sc.nodes[0].docs {
		sc.nodes[1].docs[k] = d
		copied++
	}
	sc.nodes[1].mu.Unlock()
	sc.nodes[0].mu.Unlock()
	if got := sc.c.do("FT.INFO", "idx"); !strings.Contains(got, "$8\r\nnum_docs\r\n$2\r\n60\r\n") {
		t.Errorf("FT.INFO with %d documents on two shards = %q, want num_docs 60", copied, got)
	}
	// A shard still indexing its documents: the index is being built, as
	// far as its least built shard (RediSearch's coordinator answers so).
	sc.nodes[1].mu.Lock()
	sc.nodes[1].building = "0.25"
	sc.nodes[1].mu.Unlock()
	if got := sc.c.do("FT.INFO", "idx"); !strings.Contains(got, "$8\r\nindexing\r\n$1\r\n1\r\n$15\r\npercent_indexed\r\n$4\r\n0.25\r\n") {
		t.Errorf("FT.INFO with a shard indexing = %q, want indexing 1, percent_indexed 0.25", got)
	}
	sc.nodes[1].mu.Lock()
	sc.nodes[1].building = ""
	sc.nodes[1].mu.Unlock()
	if got := sc.c.do("FT.INFO", "idx", "extra"); got != "-ERR wrong number of arguments for 'ft.info' command\r\n" {
		t.Errorf("FT.INFO idx extra = %q", got)
	}

	// All or nothing: a shard that refuses undoes the others.
	sc.nodes[2].mu.Lock()
	sc.nodes[2].indexes["idx2"] = true
	sc.nodes[2].mu.Unlock()
	create[1] = "idx2"
	if got := sc.c.do(create...); got != "-Index already exists\r\n" {
		t.Errorf("FT.CREATE where one shard refuses = %q", got)
	}
	for i, n := range sc.nodes[:2] {
		if n.indexes["idx2"] {
			t.Errorf("shard %d kept the half-made index", i)
		}
	}

	if got := sc.c.do("FT.DROPINDEX", "idx"); got != "+OK\r\n" {
		t.Errorf("FT.DROPINDEX = %q", got)
	}
	if got := sc.c.do("FT.DROPINDEX", "idx"); got != "-Unknown Index name\r\n" {
		t.Errorf("FT.DROPINDEX of a dropped index = %q", got)
	}
	// Dropping where only some shards still have it succeeds.
	if got := sc.c.do("FT.DROPINDEX", "idx2"); got != "+OK\r\n" {
		t.Errorf("FT.DROPINDEX on one shard's leftover = %q", got)
	}
}

func TestParseFTSearch(t *testing.T) {
	words := func(s string) [][]byte {
		var out [][]byte
		ws, err := testutil.SplitArgs(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		for _, w := range ws {
			out = append(out, []byte(w))
		}
		return out
	}
	cases := []struct {
		in, shard string
		knn       int64
		score     string
	}{
		{`FT.SEARCH i "*=>[KNN 10 @emb $BLOB EF_RUNTIME $EF AS score]" PARAMS 4 BLOB x EF 100 SORTBY score RETURN 2 title score LIMIT 0 10 DIALECT 2`,
			`FT.SEARCH i *=>[KNN 10 @emb $BLOB EF_RUNTIME $EF AS score] WITHSORTKEYS PARAMS 4 BLOB x EF 100 SORTBY score DIALECT 2 RETURN 2 title score LIMIT 0 10`, 10, "score"},
		// A range yielding its distance: every shard sorts by it.
		{`FT.SEARCH i "@v:[VECTOR_RANGE $r $B]=>{$YIELD_DISTANCE_AS: $name}" PARAMS 6 B x r 2 name d RETURN 1 t`,
			`FT.SEARCH i @v:[VECTOR_RANGE $r $B]=>{$YIELD_DISTANCE_AS: $name} WITHSORTKEYS PARAMS 6 B x r 2 name d SORTBY d RETURN 1 t LIMIT 0 10`, 0, ""},
		{`FT.SEARCH i "@g:{a} @v:[VECTOR_RANGE 2 $B]" WITHPAYLOADS PARAMS 2 B x`,
			`FT.SEARCH i @g:{a} @v:[VECTOR_RANGE 2 $B] WITHSCORES WITHPAYLOADS PARAMS 2 B x LIMIT 0 10`, 0, ""},
		{`FT.SEARCH i "(@genre:{a})=>[KNN 5 @v $B]" NOCONTENT LIMIT 2 3 PARAMS 2 B x`,
			`FT.SEARCH i (@genre:{a})=>[KNN 5 @v $B] PARAMS 2 B x RETURN 1 __v_score LIMIT 0 5`, 5, "__v_score"},
		{`FT.SEARCH i "@year:[2000 2010]" RETURN 1 title`, `FT.SEARCH i @year:[2000 2010] WITHSCORES RETURN 1 title LIMIT 0 10`, 0, ""},
		{`FT.SEARCH i "*=>[KNN 3 @v $B AS d]" RETURN 3 title AS t PARAMS 2 B x`,
			`FT.SEARCH i *=>[KNN 3 @v $B AS d] PARAMS 2 B x RETURN 4 title AS t d LIMIT 0 10`, 3, "d"},
		// HIGHLIGHT without FIELDS would be about the distance the proxy
		// adds to RETURN (which a node refuses: not in the schema), so it
		// names the client's RETURN fields, after the clauses naming
		// fields (a field's own SUMMARIZE settings stay its own).
		{`FT.SEARCH i "*=>[KNN 3 @v $B AS d]" RETURN 2 title body PARAMS 2 B x HIGHLIGHT SUMMARIZE FIELDS 1 body LEN 5 SUMMARIZE FIELDS 1 title`,
			`FT.SEARCH i *=>[KNN 3 @v $B AS d] PARAMS 2 B x SUMMARIZE FIELDS 1 body FRAGS 3 LEN 5 SEPARATOR ...  ` +
				`SUMMARIZE FIELDS 1 title FRAGS 3 LEN 20 SEPARATOR ...  HIGHLIGHT FIELDS 2 title body TAGS <b> </b> RETURN 3 title body d LIMIT 0 10`, 3, "d"},
		{`FT.SEARCH i "*=>[KNN 3 @v $B AS d]" RETURN 1 t PARAMS 2 B x HIGHLIGHT FIELDS 1 t HIGHLIGHT TAGS [ ]`,
			`FT.SEARCH i *=>[KNN 3 @v $B AS d] PARAMS 2 B x HIGHLIGHT FIELDS 1 t TAGS <b> </b> RETURN 2 t d LIMIT 0 10`, 3, "d"},
		// Under NOCONTENT the rows show the distance only: one clause
		// about no returned field keeps the nodes' NOOFFSETS check.
		{`FT.SEARCH i "(@genre:{a})=>[KNN 5 @v $B]" NOCONTENT HIGHLIGHT FIELDS 1 t PARAMS 2 B x`,
			`FT.SEARCH i (@genre:{a})=>[KNN 5 @v $B] PARAMS 2 B x HIGHLIGHT FIELDS 1  TAGS <b> </b> RETURN 1 __v_score LIMIT 0 10`, 5, "__v_score"},
		{`FT.SEARCH i hello INKEYS 2 a b INFIELDS 1 t SUMMARIZE`,
			`FT.SEARCH i hello WITHSCORES INKEYS 2 a b INFIELDS 1 t SUMMARIZE FRAGS 3 LEN 20 SEPARATOR ...  LIMIT 0 10`, 0, ""},
	}
	for _, c := range cases {
		q, err := parseFTSearch(words(c.in))
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		var got []string
		for _, w := range q.shard {
			got = append(got, string(w))
		}
		if strings.Join(got, " ") != c.shard || q.knn != c.knn || q.scoreField != c.score {
			t.Errorf("%s:\n shard %s\n want  %s\n knn %d score %q", c.in, strings.Join(got, " "), c.shard, q.knn, q.scoreField)
		}
	}
	for _, bad := range []string{`FT.SEARCH i * LIMIT 1`, `FT.SEARCH i * RETURN 5 a`, `FT.SEARCH i * BOGUS`} {
		if _, err := parseFTSearch(words(bad)); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	// A query string the grammar rejects (here: $K is no parameter) goes
	// to the shards, whose error the merge relays: the proxy does not
	// answer it before the nodes have checked the index.
	if q, err := parseFTSearch(words(`FT.SEARCH i "*=>[KNN $K @v $B]" PARAMS 2 B x`)); err != nil || q.knn != 0 {
		t.Errorf("KNN with an unknown $K: %v, knn %d", err, q.knn)
	}
}

// FuzzParseFTSearch checks that any FT.SEARCH the proxy accepts becomes a
// shard command for the same index and query that ends with the proxy's
// LIMIT.
func FuzzParseFTSearch(f *testing.F) {
	f.Add(`"*=>[KNN 10 @emb $BLOB AS score]" PARAMS 2 BLOB x SORTBY score RETURN 2 title score LIMIT 0 10 DIALECT 2`)
	f.Add(`"(@g:{a})=>[KNN $K @v $B]" NOCONTENT WITHSCORES PARAMS 4 K 3 B x`)
	f.Add(`"@year:[2000 2010]" SUMMARIZE FIELDS 1 t FRAGS 2 LEN 5 HIGHLIGHT TAGS < > INKEYS 1 k FILTER y 1 2`)
	f.Fuzz(func(t *testing.T, tail string) {
		args := [][]byte{[]byte("FT.SEARCH"), []byte("idx")}
		ws, err := testutil.SplitArgs(tail)
		if err != nil {
			return
		}
		for _, w := range ws {
			args = append(args, []byte(w))
		}
		if len(args) < 3 {
			return
		}
		q, err := parseFTSearch(args)
		if err != nil {
			return
		}
		n := len(q.shard)
		if n < 6 || string(q.shard[1]) != "idx" || string(q.shard[2]) != string(args[2]) {
			t.Fatalf("shard command %q does not keep index and query", q.shard)
		}
		if string(q.shard[n-3]) != "LIMIT" || string(q.shard[n-2]) != "0" {
			t.Fatalf("shard command %q does not end with LIMIT 0 n", q.shard)
		}
		if limit, err := strconv.ParseInt(string(q.shard[n-1]), 10, 64); err != nil || limit < 0 {
			t.Fatalf("shard LIMIT %q", q.shard[n-1])
		}
		if q.knn < 0 || q.offset < 0 || q.num < 0 {
			t.Fatalf("negative numbers in %+v", q)
		}
	})
}
