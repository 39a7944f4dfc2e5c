package ft

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// BenchmarkTextSearch: a one-term query matching about a tenth of 10,000
// documents of 20 words, unscored (VERBATIM under DOCSCORE would still
// score: the baseline is the same query matched without a scorer's work,
// through a tag) and scored by TFIDF and BM25.
func BenchmarkTextSearch(b *testing.B) {
	s, err := ParseCreate(fieldsOf("idx PREFIX 1 d: SCHEMA body TEXT g TAG"))
	if err != nil {
		b.Fatal(err)
	}
	ix, _ := NewIndex(s)
	r := rand.New(rand.NewPCG(1, 2))
	words := make([]string, 200)
	for i := range words {
		words[i] = fmt.Sprintf("word%dings", i)
	}
	for i := 0; i < 10000; i++ {
		ws := make([]string, 20)
		hasTen := false
		for j := range ws {
			ws[j] = words[r.IntN(len(words))]
			hasTen = hasTen || ws[j] == "word10ings"
		}
		g := "no"
		if hasTen {
			g = "yes"
		}
		ix.Upsert(fmt.Sprintf("d:%d", i), map[string][]byte{"body": []byte(strings.Join(ws, " ")), "g": []byte(g)})
	}
	load := func(string) (map[string][]byte, bool) { return nil, true }
	for _, tc := range []struct{ name, q, scorer string }{
		{"tag-unscored", "@g:{yes}", ""},
		{"text-tfidf", "word10ings", ""},
		{"text-bm25", "word10ings", "BM25"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req, err := ParseSearch(fieldsOf("idx " + tc.q + " NOCONTENT WITHSCORES" + map[bool]string{true: " SCORER " + tc.scorer}[tc.scorer != ""]))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var total int
			for b.Loop() {
				res, err := ix.Search(req, load)
				if err != nil {
					b.Fatal(err)
				}
				total = res.Total
			}
			b.ReportMetric(float64(total), "matches")
		})
	}
}
