package cache

import (
	"fmt"
	"testing"
)

const benchDoc = `{"title":"a title of some length","year":2024,"genre":"drama","score":7.5,"tags":["a","b"],"meta":{"source":"s3://bucket/file.pdf","chunk":3}}`

// BenchmarkJSONGetPath: JSON.GET of one member by JSONPath, against
// HGET of a hash field (the baseline).
func BenchmarkJSONGetPath(b *testing.B) {
	ks := newKS(b, nil)
	root, _ := ParseJSONPath("$")
	for i := 0; i < 1000; i++ {
		ks.JSONSet(fmt.Appendf(nil, "doc:%d", i), root, []byte(benchDoc), JSONSetAlways)
		ks.HSet(fmt.Appendf(nil, "h:%d", i), [][]byte{[]byte("source"), []byte("s3://bucket/file.pdf"), []byte("title"), []byte("t")}, false)
	}
	b.Run("json.get", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			p, _ := ParseJSONPath("$.meta.source")
			ks.JSONGet(fmt.Appendf(nil, "doc:%d", i%1000), []*JSONPath{p}, nil)
		}
	})
	b.Run("json.get-root", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			p, _ := ParseJSONPath(".")
			ks.JSONGet(fmt.Appendf(nil, "doc:%d", i%1000), []*JSONPath{p}, nil)
		}
	})
	b.Run("json.set", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			p, _ := ParseJSONPath("$")
			ks.JSONSet(fmt.Appendf(nil, "doc:%d", i%1000), p, []byte(benchDoc), JSONSetAlways)
		}
	})
	b.Run("hget", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ks.HGet(fmt.Appendf(nil, "h:%d", i%1000), []byte("source"))
		}
	})
}
