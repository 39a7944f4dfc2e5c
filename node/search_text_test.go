package node

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// textCorpus is a small corpus whose scores are worked out by hand in
// TestFTTextScoring. title has WEIGHT 2, body 1; positions run on from
// title into body. Per document (terms with their frequencies, "+x" a
// stem term, which adds max(1, 0.2*weight) = 1 per occurrence; length
// counts words only; STOPWORDS 0 keeps "the", "a" and "for" indexed):
//
//	d:1 running=3 +run=2 shoes=3 +shoe=2 for=1 fast=1   max 3, len 8
//	    positions: running 1,5  shoes 2,3  for 4  fast 6
//	d:2 red=5 shoes=3 +shoe=2                           max 5, len 8
//	d:3 the=2 runner=3 a=1 runs=1 +run=1                max 3, len 7
//	d:4 hats=3 +hat=2 warm=1                            max 3, len 4
//
// N = 4, so idf = logb(1 + 5/df): df 1 -> 2, df 2 -> 1.
var textCorpus = [][3]string{
	{"d:1", "running shoes", "shoes for running fast"},
	{"d:2", "red shoes", "red red red shoes"},
	{"d:3", "the runner", "a runner runs"},
	{"d:4", "hats", "warm hats"},
}

func loadTextCorpus(t *testing.T, do func(args ...any) any) {
	t.Helper()
	do("FT.CREATE", "docs", "ON", "HASH", "STOPWORDS", "0", "PREFIX", "1", "d:", "SCHEMA", "title", "TEXT", "WEIGHT", "2", "body", "TEXT")
	for _, d := range textCorpus {
		do("HSET", d[0], "title", d[1], "body", d[2])
	}
}

// scoredKeys reads a NOCONTENT WITHSCORES reply: keys and scores.
func scoredKeys(t *testing.T, reply any) ([]string, []float64) {
	t.Helper()
	a := reply.([]any)
	var keys []string
	var scores []float64
	for i := 1; i+1 < len(a); i += 2 {
		keys = append(keys, a[i].(string))
		f, err := strconv.ParseFloat(a[i+1].(string), 64)
		if err != nil {
			t.Fatalf("score %v: %v", a[i+1], err)
		}
		scores = append(scores, f)
	}
	return keys, scores
}

// TestFTTextScoring: the scores of each SCORER on the hand-worked corpus
// above, the order (best first, without SORTBY), stemming, VERBATIM,
// exact phrases and EXPLAINSCORE, over RESP with go-redis.
func TestFTTextScoring(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	do := doer(t, c)
	loadTextCorpus(t, do)
	// BM25 (RediSearch 2.8's): idf * f / (f + 1.2*(1 - 0.5 + 0.5*avgLen)),
	// avgLen = (8+8+7+4)/4 = 6.75.
	bm := func(idf, f float64) float64 { return idf * f / (f + 1.2*(0.5+0.5*6.75)) }
	for _, tc := range []struct {
		name   string
		args   []any
		keys   []string
		scores []float64
	}{
		// running -> running | +run | run. d:1: (3*2 + 2*1)/3; d:3: (1*1)/3.
		{"tfidf stem", []any{"running"}, []string{"d:1", "d:3"}, []float64{8.0 / 3, 1.0 / 3}},
		{"verbatim", []any{"running", "VERBATIM"}, []string{"d:1"}, []float64{6.0 / 3}},
		{"quoted term", []any{`"runs"`}, []string{"d:3"}, []float64{2.0 / 3}},
		// shoes: d:1 (3+2)/3, d:2 (3+2)/5.
		{"maxfreq norm", []any{"shoes"}, []string{"d:1", "d:2"}, []float64{5.0 / 3, 1}},
		{"docnorm", []any{"shoes", "SCORER", "TFIDF.DOCNORM"}, []string{"d:1", "d:2"}, []float64{5.0 / 8, 5.0 / 8}},
		// Intersection: (8 + 5)/3, the terms next to each other: slop 1.
		{"and", []any{"running shoes"}, []string{"d:1"}, []float64{13.0 / 3}},
		// shoes (2,3) and fast (6) are 3 apart: slop 3. (5 + 1*2)/3/3.
		{"slop", []any{"shoes fast"}, []string{"d:1"}, []float64{7.0 / 9}},
		{"phrase", []any{`"running shoes"`}, []string{"d:1"}, []float64{(3*2 + 3*1) / 3.0}},
		{"phrase order", []any{`"shoes running"`}, nil, nil},
		{"phrase field", []any{`@title:"red shoes"`}, []string{"d:2"}, []float64{(5*2 + 3*1) / 5.0}},
		{"bm25", []any{"running", "SCORER", "BM25"}, []string{"d:1", "d:3"}, []float64{bm(2, 3) + bm(1, 2), bm(1, 1)}},
		{"dismax", []any{"running|hats", "SCORER", "DISMAX"}, []string{"d:1", "d:4", "d:3"}, []float64{3, 3, 1}},
		{"docscore", []any{"shoes", "SCORER", "DOCSCORE"}, []string{"d:1", "d:2"}, []float64{1, 1}},
		{"weight attr", []any{"(hats)=>{$weight: 3}"}, []string{"d:4"}, []float64{3 * (3*2 + 2*2) / 3.0}},
		{"prefix", []any{"run*"}, []string{"d:3", "d:1"}, []float64{(3*2 + 1*2) / 3.0, 3 * 2 / 3.0}},
		{"wildcard unscored", []any{"*"}, []string{"d:1", "d:2", "d:3", "d:4"}, []float64{1, 1, 1, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]any{"FT.SEARCH", "docs"}, tc.args[0], "NOCONTENT", "WITHSCORES")
			args = append(args, tc.args[1:]...)
			keys, scores := scoredKeys(t, do(args...))
			if !reflect.DeepEqual(keys, tc.keys) {
				t.Fatalf("keys %v, want %v (scores %v)", keys, tc.keys, scores)
			}
			for i := range scores {
				if math.Abs(scores[i]-tc.scores[i]) > 1e-9 {
					t.Fatalf("scores %v, want %v", scores, tc.scores)
				}
			}
		})
	}

	// EXPLAINSCORE: the score and RediSearch's explanation tree.
	got := fmt.Sprint(do("FT.SEARCH", "docs", "runs", "NOCONTENT", "WITHSCORES", "EXPLAINSCORE", "VERBATIM"))
	want := "[1 d:3 [0.6666666666666666 [Final TFIDF : words TFIDF 2.00 * document score 1.00 / norm 3 / slop 1 [(TFIDF 2.00 = Weight 1.00 * TF 1 * IDF 2.00)]]]]"
	if got != want {
		t.Fatalf("EXPLAINSCORE:\n got %s\nwant %s", got, want)
	}

	// RESP3: the score is a double; with EXPLAINSCORE an array of the
	// double and the explanation, as RediSearch sends them.
	c3 := testutil.Dial(t, tn.addr)
	c3.Do3("HELLO", "3")
	if got := c3.Do3("FT.SEARCH", "docs", "shoes", "NOCONTENT", "WITHSCORES"); !strings.Contains(got, "+score\r\n,1.6666666666666667\r\n") {
		t.Errorf("RESP3 WITHSCORES: %q", got)
	}
	if got := c3.Do3("FT.SEARCH", "docs", "shoes", "NOCONTENT", "WITHSCORES", "EXPLAINSCORE"); !strings.Contains(got,
		"+score\r\n*2\r\n,1.6666666666666667\r\n*2\r\n$70\r\nFinal TFIDF : words TFIDF 5.00 * document score 1.00 / norm 3 / slop 1\r\n") {
		t.Errorf("RESP3 EXPLAINSCORE: %q", got)
	}

	// go-redis's FTSearchWithArgs WithScores reads the same scores (with
	// the documents: go-redis v9.23 reads no scores after NOCONTENT).
	res, err := c.FTSearchWithArgs(context.Background(), "docs", "shoes", &redis.FTSearchOptions{WithScores: true}).Result()
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 || len(res.Docs) != 2 || res.Docs[0].ID != "d:1" || res.Docs[0].Score == nil ||
		math.Abs(*res.Docs[0].Score-5.0/3) > 1e-9 || *res.Docs[1].Score != 1 {
		t.Fatalf("go-redis FTSearchWithArgs: %+v", res)
	}

	// Errors in RediSearch's words.
	for _, tc := range []struct {
		args []any
		want string
	}{
		{[]any{"FT.SEARCH", "docs", "shoes", "SCORER", "NOPE"}, "No such scorer NOPE"},
		{[]any{"FT.SEARCH", "docs", "shoes", "LANGUAGE", "klingon"}, "No such language"},
		{[]any{"FT.CREATE", "bad", "LANGUAGE", "klingon", "SCHEMA", "t", "TEXT"}, "Invalid language"},
		{[]any{"FT.SEARCH", "docs", "shoes", "EXPLAINSCORE"}, "EXPLAINSCORE must be accompanied with WITHSCORES"},
	} {
		err := c.Do(context.Background(), tc.args...).Err()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
}

// TestFTStemmingOptions: NOSTEM fields index words only; an index's
// LANGUAGE stems its documents and, unless FT.SEARCH names another, its
// queries; LANGUAGE_FIELD picks a document's language.
func TestFTStemmingOptions(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	do := doer(t, c)
	do("FT.CREATE", "plain", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA", "body", "TEXT", "NOSTEM")
	do("FT.CREATE", "german", "ON", "HASH", "PREFIX", "1", "d:", "LANGUAGE", "german", "SCHEMA", "body", "TEXT")
	do("FT.CREATE", "perdoc", "ON", "HASH", "PREFIX", "1", "d:", "LANGUAGE_FIELD", "lang", "SCHEMA", "body", "TEXT")
	do("FT.CREATE", "stem", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA", "body", "TEXT")
	do("HSET", "d:1", "body", "running fast")
	do("HSET", "d:2", "body", "he runs", "lang", "french")
	do("HSET", "d:3", "body", "a run")
	for _, tc := range []struct {
		index string
		args  []any
		want  []string
	}{
		{"stem", nil, []string{"d:1", "d:2", "d:3"}},
		{"stem", []any{"VERBATIM"}, []string{"d:1"}},
		{"stem", []any{"LANGUAGE", "german"}, []string{"d:1"}},
		{"plain", nil, []string{"d:1", "d:3"}},                                  // the query's stem "run" is a word of d:3
		{"german", nil, []string{"d:1"}},                                        // the query in German: "running" is its own stem
		{"german", []any{"LANGUAGE", "english"}, []string{"d:1", "d:2", "d:3"}}, // German "runs" has the stem "run"
		{"perdoc", nil, []string{"d:1", "d:2", "d:3"}},                          // d:2 is French: "runs" has the stem "run"
	} {
		args := append([]any{"FT.SEARCH", tc.index, "running", "NOCONTENT"}, tc.args...)
		if got := replyKeysSorted(do(args...)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s %v: %v, want %v", tc.index, tc.args, got, tc.want)
		}
	}
	// FT.AGGREGATE matches the same way: stems, unless VERBATIM.
	for _, tc := range []struct {
		args []any
		want int
	}{{nil, 3}, {[]any{"VERBATIM"}, 1}} {
		rows := do(append([]any{"FT.AGGREGATE", "stem", "running", "LOAD", "1", "@body"}, tc.args...)...).([]any)
		if len(rows)-1 != tc.want {
			t.Errorf("FT.AGGREGATE stem running %v: %v, want %d rows", tc.args, rows, tc.want)
		}
	}
}

// TestFTDocScoreAndHamming: SCORE_FIELD gives each document its score
// (DOCSCORE, and a factor of TFIDF), SCORE the default; HAMMING compares
// the query's PAYLOAD with each PAYLOAD_FIELD bit by bit.
func TestFTDocScoreAndHamming(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	do := doer(t, c)
	do("FT.CREATE", "h", "ON", "HASH", "PREFIX", "1", "h:", "PAYLOAD_FIELD", "pl", "SCORE_FIELD", "rank", "SCHEMA", "t", "TEXT")
	do("HSET", "h:1", "t", "cat", "pl", "\x0f", "rank", "0.5")
	do("HSET", "h:2", "t", "cat", "pl", "\x00", "rank", "0.9")
	do("HSET", "h:3", "t", "cat", "pl", "ab") // no rank: the default score, 1
	for _, tc := range []struct {
		args   []any
		keys   []string
		scores []float64
	}{
		// 4 bits differ from h:1's payload, none from h:2's; h:3's is longer.
		{[]any{"SCORER", "HAMMING", "PAYLOAD", "\x00"}, []string{"h:2", "h:1", "h:3"}, []float64{1, 1.0 / 5, 0}},
		{[]any{"SCORER", "DOCSCORE"}, []string{"h:3", "h:2", "h:1"}, []float64{1, 0.9, 0.5}},
		// idf = logb(1 + 4/3) = 1, frequency 1 of max 1: the document score.
		{nil, []string{"h:3", "h:2", "h:1"}, []float64{1, 0.9, 0.5}},
	} {
		keys, scores := scoredKeys(t, do(append([]any{"FT.SEARCH", "h", "cat", "NOCONTENT", "WITHSCORES"}, tc.args...)...))
		if !reflect.DeepEqual(keys, tc.keys) {
			t.Errorf("%v: %v %v, want %v", tc.args, keys, scores, tc.keys)
			continue
		}
		for i := range scores {
			if math.Abs(scores[i]-tc.scores[i]) > 1e-9 {
				t.Errorf("%v: scores %v, want %v", tc.args, scores, tc.scores)
			}
		}
	}
	if err := c.Do(context.Background(), "FT.CREATE", "bad", "SCORE", "2", "SCHEMA", "t", "TEXT").Err(); err == nil || err.Error() != "Invalid score" {
		t.Errorf("FT.CREATE SCORE 2: %v, want Invalid score", err)
	}
}

// TestFTSearchStemsInStemmingFields: over a field list, a term's stemmed
// forms are looked for in the fields without NOSTEM only. Documents and
// counts from RediSearch 2.8's tests/pytests/test.py
// testStemmingWithModifierList, whose plans show the expansions scoped so
// ("@body|name:UNION { @body|name:candy @body:+candi(expanded)
// @body:candi(expanded) }"); doc10, whose NOSTEM field holds the stem
// itself, is matched by no expansion.
func TestFTSearchStemsInStemmingFields(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	do := doer(t, c)
	do("FT.CREATE", "idx", "ON", "HASH", "SCHEMA", "body", "TEXT", "name", "TEXT", "NOSTEM",
		"body2", "TEXT", "name2", "TEXT", "NOSTEM")
	for _, d := range [][]any{
		{"doc1", "body", "located", "name", "located"}, {"doc2", "body", "smith", "name", "smith"},
		{"doc3", "body", "smiths", "name", "smiths"}, {"doc4", "body", "cherry"}, {"doc5", "body", "cherries"},
		{"doc6", "name", "candy"}, {"doc7", "name", "candies"}, {"doc8", "body2", "cherries"},
		{"doc9", "name2", "candies"}, {"doc10", "name", "candi"},
	} {
		do(append([]any{"HSET"}, d...)...)
	}
	for _, tc := range []struct {
		query string
		want  int64
	}{
		{"@body:location", 1}, {"@name:location", 0}, {"@body:smith", 2}, {"@name:smith", 1},
		{"@body|name:cherry", 2}, {"@body|name:cherries", 2}, {"@body|name:candy", 1}, {"@body|name:candies", 1},
		{"@body|name:(candy|cherry)", 3}, {"@body|name:(candies|cherries)", 3},
		{"@name:candi", 1}, {"@body|name:candi", 1},
	} {
		res := do("FT.SEARCH", "idx", tc.query, "NOCONTENT", "DIALECT", "2").([]any)
		if res[0].(int64) != tc.want {
			t.Errorf("FT.SEARCH %q: %v, want %d", tc.query, res, tc.want)
		}
	}
}
