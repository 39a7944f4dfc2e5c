package cache

import (
	"fmt"
	"testing"
)

// BenchmarkJSONSearchValues: what a search result of a JSON document
// costs to load for RETURN of two JSONPaths, as the first match and as
// every match (DIALECT 3), against JSONFields (the schema values a result
// loaded before RETURN took any path).
func BenchmarkJSONSearchValues(b *testing.B) {
	ks := newKS(b, nil)
	root, _ := ParseJSONPath("$")
	for i := 0; i < 1000; i++ {
		ks.JSONSet(fmt.Appendf(nil, "doc:%d", i), root, []byte(benchDoc), JSONSetAlways)
	}
	byName := map[string]string{"src": "$.meta.source", "tags": "$.tags[*]"}
	paths := NewJSONSearchPaths(byName)
	for _, multi := range []bool{false, true} {
		b.Run(fmt.Sprintf("multi=%v", multi), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, ok := ks.JSONSearchValues(fmt.Appendf(nil, "doc:%d", i%1000), paths, multi); !ok {
					b.Fatal("no document")
				}
			}
		})
	}
	b.Run("jsonfields", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, ok := ks.JSONFields(fmt.Appendf(nil, "doc:%d", i%1000), byName); !ok {
				b.Fatal("no document")
			}
		}
	})
}
