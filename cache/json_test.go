package cache

import (
	"fmt"
	"runtime"
	"testing"
)

// TestJSONMemoryAccounting: the bytes accounted for JSON documents are
// within 20% of what they take on the heap, for documents as a RAG
// application stores them and after in-place updates.
func TestJSONMemoryAccounting(t *testing.T) {
	const n = 50_000
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ks := newKS(t, nil)
	root, _ := ParseJSONPath("$")
	tags, _ := ParseJSONPath("$.tags")
	for i := 0; i < n; i++ {
		key := fmt.Appendf(nil, "doc:%d", i)
		doc := fmt.Appendf(nil, `{"title":"a title of some length %d","year":%d,"genre":"drama","score":7.5,"tags":["a","b"],"body":"%0200d","meta":{"source":"s3://bucket/file-%d.pdf","chunk":%d}}`, i, 1990+i%30, i, i, i%7)
		if _, err := ks.JSONSet(key, root, doc, JSONSetAlways); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if _, err := ks.JSONArrAppend(key, tags, [][]byte{[]byte(`"c"`)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	acct := ks.UsedMemory()
	ratio := float64(acct) / float64(heap)
	t.Logf("%d documents: accounted %d B, heap %d B, ratio %.3f (%.0f B/doc)", n, acct, heap, ratio, float64(heap)/n)
	if ratio < 0.8 || ratio > 1.2 {
		t.Fatalf("accounted/heap = %.3f, want within 20%%", ratio)
	}
	runtime.KeepAlive(ks)
}
