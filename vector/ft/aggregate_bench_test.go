package ft

import (
	"strconv"
	"testing"
)

// BenchmarkAggregateGroupBy: FT.AGGREGATE GROUPBY over 200,000 documents
// of 16 tags (the rows of every document, read through Docs.Pick from a
// map standing for the keyspace), against the baseline of FT.SEARCH's
// count of the same documents (the match alone).
func BenchmarkAggregateGroupBy(b *testing.B) {
	s, err := ParseCreate(fieldsOf("idx PREFIX 1 d: SCHEMA tag TAG num NUMERIC SORTABLE"))
	if err != nil {
		b.Fatal(err)
	}
	ix, _ := NewIndex(s)
	const n = 200000
	docs := make(map[string]map[string][]byte, n)
	for i := 0; i < n; i++ {
		key := "d:" + strconv.Itoa(i)
		f := map[string][]byte{"tag": []byte("t" + strconv.Itoa(i%16)), "num": []byte(strconv.Itoa(i % 1000))}
		docs[key] = f
		ix.Upsert(key, f)
	}
	load := func(k string) (map[string][]byte, bool) { f, ok := docs[k]; return f, ok }
	b.Run("search-count", func(b *testing.B) {
		req, err := ParseSearch(fieldsOf("idx * LIMIT 0 0"))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if res, err := ix.Search(req, load); err != nil || res.Total != n {
				b.Fatal(res, err)
			}
		}
	})
	for _, tc := range []struct{ name, args string }{
		{"count", "idx * GROUPBY 1 @tag REDUCE COUNT 0 AS n"},
		{"avg", "idx * GROUPBY 1 @tag REDUCE AVG 1 @num AS a"},
		{"both", "idx * GROUPBY 1 @tag REDUCE COUNT 0 AS n REDUCE AVG 1 @num AS a"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req, err := ParseAggregateArgs(fieldsOf(tc.args))
				if err == nil {
					err = req.ParseQuery()
				}
				if err != nil {
					b.Fatal(err)
				}
				rows, _, err := ix.Aggregate(req, Docs{Load: load})
				if err != nil || len(rows) != 16 {
					b.Fatal(len(rows), err)
				}
			}
		})
	}
}
