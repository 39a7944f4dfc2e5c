package node

import (
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/testutil"
)

// runRedisPy starts a node and runs testdata/<script> (given the node's
// port) with a python3 that can import modules, then returns what the
// script printed, trimmed; the test fails if the script does.
func runRedisPy(t *testing.T, modules, script string) string {
	t.Helper()
	py := testutil.PythonWith(t, modules)
	tn := startNode(t, nil)
	_, port, _ := net.SplitHostPort(tn.addr)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, filepath.Join("testdata", script), port).CombinedOutput()
	if err != nil {
		t.Fatalf("redis-py %s: %v\n%s", script, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestRedisPySearch runs what a RAG application written with redis-py
// sends: r.ft().create_index with a VECTOR field, HSET of numpy float32
// blobs, and a filtered KNN Query sorted by score; then Query's
// highlight, summarize, limit_ids (INKEYS) and limit_fields (INFIELDS).
func TestRedisPySearch(t *testing.T) {
	out := runRedisPy(t, "redis, numpy", "redispy_search.py")
	lines := strings.Split(out, "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "2 [('doc:0', 'cats', '0'), ('doc:1', 'dogs', '0.0061") || lines[1] != "3" {
		t.Fatalf("redis-py printed:\n%s", out)
	}
	// The body's two matches are one fragment with two words inside (stop
	// words are none): LEN 4 leaves one word of context each side, which
	// cuts back to the space after it. The title's "dogs" is no match: its
	// stem matched no field INFIELDS names. Without FIELDS, SUMMARIZE is
	// about every field: the titles match ("Dog" by the query's stem),
	// the bodies do not and, short, stay whole.
	want := []string{
		"1 [('note:1', 'Cats and dogs', '<em>dog</em> runs home, then the <em>dog</em> |')]",
		"2 [('note:1', 'and dogs... ', 'The dog runs home, then the dog sleeps.'), ('note:2', 'Dog ... ', 'A hot summer of long dogs days by the sea.')]",
	}
	if lines[2] != want[0] || lines[3] != want[1] {
		t.Errorf("redis-py printed:\n%s\nwant the last lines:\n%s", out, strings.Join(want, "\n"))
	}
}

// TestRedisPyAggregate runs redis-py's AggregateRequest: group_by with
// reducers, sort_by, limit, and a cursor read to the end.
func TestRedisPyAggregate(t *testing.T) {
	out := runRedisPy(t, "redis", "redispy_aggregate.py")
	want := "[['brand', 'b3', 'n', '5', 'total', '55'], ['brand', 'b2', 'n', '5', 'total', '50']]\n20 20 True"
	if out != want {
		t.Fatalf("redis-py printed:\n%s\nwant:\n%s", out, want)
	}
}

// TestRedisPyFTCompat runs redis-py 4.3.4's other search calls against a
// node: dropindex (FT.DROP, with and without KEEPDOCS), tagvals, explain,
// spellcheck, config_get/config_set, aliasadd, info's field order and
// suggestions (testdata/redispy_ftcompat.py checks each reply).
func TestRedisPyFTCompat(t *testing.T) {
	if out := runRedisPy(t, "redis", "redispy_ftcompat.py"); out != "ok" {
		t.Fatalf("redis-py printed:\n%s", out)
	}
}

// TestRedisPyPubSub runs redis-py's PubSub: subscribe, psubscribe,
// get_message, and a keyspace notification.
func TestRedisPyPubSub(t *testing.T) {
	out := runRedisPy(t, "redis", "redispy_pubsub.py")
	want := "1\nmessage news hello\npmessage __keyevent@0__:* __keyevent@0__:set k\n[('news', 1)] 1"
	if out != want {
		t.Fatalf("redis-py printed:\n%s\nwant:\n%s", out, want)
	}
}

// TestRedisPyRangeAndGeo runs redis-py's query builder over a GEO field
// and a vector field: a VECTOR_RANGE query sorted by its yielded
// distance, a tag and geo radius query, and GeoFilter with payloads.
func TestRedisPyRangeAndGeo(t *testing.T) {
	out := runRedisPy(t, "redis", "redispy_range_geo.py")
	want := "3 [('p:0', 'paris', '0'), ('p:1', 'versailles', '0.25'), ('p:3', 'london', '0.36')]\n" +
		"2 [('p:2', 'orleans'), ('p:0', 'paris')]\n" +
		"2 [('p:0', 'paris', 'about paris'), ('p:1', 'versailles', 'about versailles')]"
	if out != want {
		t.Fatalf("redis-py printed:\n%s\nwant:\n%s", out, want)
	}
}

// TestRedisPyTextScores runs redis-py's Query(...).with_scores() over the
// hand-worked corpus of TestFTTextScoring: TFIDF and BM25 scores, best
// first, VERBATIM, an exact phrase, and paging over the ranked results.
func TestRedisPyTextScores(t *testing.T) {
	py := testutil.PythonWith(t, "redis")
	tn := startNode(t, nil)
	_, port, _ := net.SplitHostPort(tn.addr)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, "testdata/redispy_textscore.py", port).CombinedOutput()
	if err != nil {
		t.Fatalf("redis-py: %v\n%s", err, out)
	}
	// TFIDF: d:1 (3*2 + 2*1)/3, d:3 1/3. BM25 (avgLen 6.75, k1 1.2, b 0.5):
	// d:1 2*3/(3+4.65) + 2/(2+4.65), d:3 1/(1+4.65). Phrase: (3*2 + 3*1)/3.
	want := "2 d:1=2.666667 d:3=0.333333\n" +
		"2 d:1=1.085066 d:3=0.176991\n" +
		"1 d:1=2.000000\n" +
		"1 d:1=3.000000\n" +
		"2 d:2=1.000000"
	if got := strings.TrimSpace(string(out)); got != want {
		t.Fatalf("redis-py printed:\n%s\nwant:\n%s", got, want)
	}
}

// TestRedisPyStopWords runs redis-py 4.3.4's Query.no_stopwords(),
// explain and spellcheck against indexes with the default stop words and
// with STOPWORDS 0 (create_index(stopwords=[])), and FT.INFO's list.
func TestRedisPyStopWords(t *testing.T) {
	out := runRedisPy(t, "redis", "redispy_stopwords.py")
	want := "(2, ['s:1', 's:2']) (0, []) (1, ['s:1'])\n" +
		"'<empty>\\n' True True\n" +
		"{'the': [{'score': '0.33333333333333331', 'suggestion': 'she'}], 'lordd': [{'score': '0.66666666666666663', 'suggestion': 'lord'}]} {}\n" +
		"default []"
	if out != want {
		t.Fatalf("redis-py printed:\n%s\nwant:\n%s", out, want)
	}
}

// TestRedisPyRAGFlow runs testdata/redispy_rag.py: a LangChain/redisvl-style
// flow through redis-py 4.3.4 (an HNSW + TEXT + TAG + NUMERIC index, a
// pipelined load, hybrid KNN with filters and PARAMS, aggregations with
// APPLY, GROUPBY, REDUCE and SORTBY, FT.INFO as redis-py parses it,
// FT._LIST and dropindex), each result checked against one the script
// works out from its data.
func TestRedisPyRAGFlow(t *testing.T) {
	if out := runRedisPy(t, "redis", "redispy_rag.py"); out != "ok" {
		t.Fatalf("redis-py printed:\n%s", out)
	}
}
