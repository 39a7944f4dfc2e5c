package node

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestUsedMemoryTracksHeapWithTextIndex loads hashes of two TEXT fields
// (words of a 2,000-word vocabulary, and one word of each document's own)
// through HSET into a full-text index and compares the growth of INFO
// used_memory with the growth of the live Go heap: within 10%. The
// index's postings (each word's documents) are FT.INFO's inverted_sz_mb,
// and num_records counts them; deleting the documents takes both back to
// zero and used_memory back to where it was.
func TestUsedMemoryTracksHeapWithTextIndex(t *testing.T) {
	n := 20000
	if raceEnabled {
		n = 5000
	}
	tn := startNode(t, nil)
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: tn.addr, Protocol: 2})
	defer c.Close()
	if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "title", "TEXT", "body", "TEXT").Err(); err != nil {
		t.Fatal(err)
	}
	heap0, used0 := liveHeap(), infoMemory(t, c)
	r := rand.New(rand.NewPCG(3, 4))
	words := make([]string, 12)
	for k := 0; k < n; k += 100 {
		p := c.Pipeline()
		for i := k; i < k+100; i++ {
			for j := range words {
				words[j] = "w" + strconv.Itoa(r.IntN(2000))
			}
			p.HSet(ctx, fmt.Sprintf("doc:%d", i), "title", words[0]+" "+words[1], "body", strings.Join(words[2:], " ")+fmt.Sprintf(" own%d", i))
		}
		if _, err := p.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	heap, used := liveHeap()-heap0, infoMemory(t, c)-used0
	ratio := float64(used) / float64(heap)
	t.Logf("%d docs: used_memory grew %d B (%d B/doc), live heap %d B (%d B/doc), ratio %.3f", n, used, used/int64(n), heap, heap/int64(n), ratio)
	if ratio < 0.9 || ratio > 1.1 {
		t.Fatalf("used_memory growth / live heap growth = %.3f, want within 10%%", ratio)
	}
	info := ftInfoText(t, c)
	inv, err := strconv.ParseFloat(info["inverted_sz_mb"], 64)
	// 20,000 documents of 13 terms: 260,000 postings of 4 to 12 bytes.
	if err != nil || inv < float64(n)*13*4/(1<<20) {
		t.Fatalf("FT.INFO inverted_sz_mb %q with %d documents of 13 words", info["inverted_sz_mb"], n)
	}
	if recs, _ := strconv.Atoi(info["num_records"]); recs < n*12 || recs > n*13 {
		t.Fatalf("FT.INFO num_records %q, want one per (document, distinct word)", info["num_records"])
	}
	if got := c.Do(ctx, "FT.SEARCH", "idx", "@title:w7", "LIMIT", 0, 0).Val(); fmt.Sprint(got) == "[0]" {
		t.Fatalf("FT.SEARCH @title:w7 LIMIT 0 0 = %v", got)
	}
	for k := 0; k < n; k += 1000 {
		keys := make([]string, 0, 1000)
		for i := k; i < k+1000; i++ {
			keys = append(keys, fmt.Sprintf("doc:%d", i))
		}
		if err := c.Del(ctx, keys...).Err(); err != nil {
			t.Fatal(err)
		}
	}
	info = ftInfoText(t, c)
	if info["inverted_sz_mb"] != "0" || info["num_records"] != "0" || info["num_terms"] != "0" {
		t.Fatalf("every document deleted: inverted_sz_mb %q num_records %q num_terms %q, want 0", info["inverted_sz_mb"], info["num_records"], info["num_terms"])
	}
	if left := infoMemory(t, c) - used0; left > 64<<10 {
		t.Fatalf("every document deleted: used_memory still %d B above the empty index's", left)
	}
}

// ftInfoText returns FT.INFO idx's fields as text.
func ftInfoText(t *testing.T, c *redis.Client) map[string]string {
	t.Helper()
	m := map[string]string{}
	for k, v := range ftInfoFields(t, c, "idx") {
		m[k] = fmt.Sprint(v)
	}
	return m
}
