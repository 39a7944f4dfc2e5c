package node

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// ft28InfoFields are RediSearch 2.8's FT.INFO fields in its order (no
// custom stopwords).
var ft28InfoFields = []string{"index_name", "index_options", "index_definition", "attributes", "num_docs", "max_doc_id",
	"num_terms", "num_records", "inverted_sz_mb", "vector_index_sz_mb", "total_inverted_index_blocks",
	"offset_vectors_sz_mb", "doc_table_size_mb", "sortable_values_size_mb", "key_table_size_mb",
	"records_per_doc_avg", "bytes_per_record_avg", "offsets_per_term_avg", "offset_bits_per_record_avg",
	"hash_indexing_failures", "total_indexing_time", "indexing", "percent_indexed", "number_of_uses",
	"gc_stats", "cursor_stats", "dialect_stats"}

// TestFTInfoShape: FT.INFO answers RediSearch 2.8's fields in its order,
// so clients that read it by position (node-redis reads gc_stats and
// cursor_stats as nested arrays at fixed places) find them; the counts
// follow the documents.
func TestFTInfoShape(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT", "g", "TAG").Err(); err != nil {
		t.Fatal(err)
	}
	c.HSet(ctx, "d:1", "t", "hello world", "g", "a,b")
	c.HSet(ctx, "d:2", "t", "hello there", "g", "a")
	info, err := c.Do(ctx, "FT.INFO", "idx").Slice()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	m := map[string]any{}
	for i := 0; i+1 < len(info); i += 2 {
		names = append(names, info[i].(string))
		m[info[i].(string)] = info[i+1]
	}
	if !slices.Equal(names, ft28InfoFields) {
		t.Fatalf("FT.INFO fields\n%v\nwant\n%v", names, ft28InfoFields)
	}
	// node-redis 4's positions: gc_stats' and cursor_stats' arrays.
	if gc, ok := info[49].([]any); !ok || len(gc) != 14 || gc[0] != "bytes_collected" {
		t.Errorf("FT.INFO[49] = %v, want gc_stats' 14 entries", info[49])
	}
	if cur, ok := info[51].([]any); !ok || len(cur) != 8 || cur[6] != "index_total" {
		t.Errorf("FT.INFO[51] = %v, want cursor_stats' 8 entries", info[51])
	}
	// 2 distinct words (hello, world; "there" is a stop word), 3 word
	// postings + 3 tags.
	if m["num_docs"] != "2" || m["num_terms"] != "2" || m["num_records"] != "6" || m["records_per_doc_avg"] != "3" {
		t.Errorf("num_docs %v num_terms %v num_records %v records_per_doc_avg %v, want 2 2 6 3",
			m["num_docs"], m["num_terms"], m["num_records"], m["records_per_doc_avg"])
	}
}

// TestFTAliasesAndRestart: an alias stands for its index in FT.SEARCH,
// FT.INFO, FT.TAGVALS and FT.DROPINDEX, survives a restart with the
// catalog, and goes with its index.
func TestFTAliasesAndRestart(t *testing.T) {
	dir := t.TempDir()
	tn := startNode(t, func(c *Config) { c.Dir = dir })
	c := tn.client2(t)
	ctx := context.Background()
	for _, args := range [][]any{
		{"FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA", "g", "TAG"},
		{"HSET", "d:1", "g", "x"},
		{"FT.ALIASADD", "live", "idx"},
	} {
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	if err := c.Do(ctx, "SAVE").Err(); err != nil {
		t.Fatal(err)
	}
	tn.stop()
	tn = startNode(t, func(c *Config) { c.Dir = dir })
	c = tn.client2(t)
	if got, err := c.Do(ctx, "FT.TAGVALS", "live", "g").StringSlice(); err != nil || !slices.Equal(got, []string{"x"}) {
		t.Fatalf("FT.TAGVALS live g after a restart = %v %v", got, err)
	}
	if got, err := c.Do(ctx, "FT.SEARCH", "live", "@g:{x}", "NOCONTENT").Slice(); err != nil || fmt.Sprint(got) != "[1 d:1]" {
		t.Fatalf("FT.SEARCH live = %v %v", got, err)
	}
	if err := c.Do(ctx, "FT.ALIASADD", "idx", "idx").Err(); err == nil || err.Error() != "Unknown index name (or name is an alias itself)" && err.Error() != "Alias already exists" {
		t.Fatalf("FT.ALIASADD idx idx = %v", err)
	}
	if err := c.Do(ctx, "FT.DROPINDEX", "live").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, "FT.INFO", "live").Err(); err == nil {
		t.Fatal("FT.INFO of a dropped index's alias succeeded")
	}
	if err := c.Do(ctx, "FT.ALIASDEL", "live").Err(); err == nil || err.Error() != "Alias does not exist" {
		t.Fatalf("FT.ALIASDEL after the index went = %v", err)
	}
}

// TestFTConfigMaxSearchResults: FT.SEARCH returns no row past
// MAXSEARCHRESULTS; the total still counts every match.
func TestFTConfigMaxSearchResults(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA", "g", "TAG")
	for i := range 5 {
		c.HSet(ctx, fmt.Sprintf("d:%d", i), "g", "x")
	}
	if err := c.Do(ctx, "FT.CONFIG", "SET", "MAXSEARCHRESULTS", "3").Err(); err != nil {
		t.Fatal(err)
	}
	got, err := c.Do(ctx, "FT.SEARCH", "idx", "*", "NOCONTENT", "LIMIT", "2", "10").Slice()
	if err != nil || len(got) != 2 || got[0] != int64(5) {
		t.Fatalf("FT.SEARCH LIMIT 2 10 under MAXSEARCHRESULTS 3 = %v %v, want total 5 and 1 row", got, err)
	}
	if v, _ := c.Do(ctx, "FT.CONFIG", "GET", "MAXSEARCHRESULTS").Slice(); fmt.Sprint(v) != "[[MAXSEARCHRESULTS 3]]" {
		t.Fatalf("FT.CONFIG GET MAXSEARCHRESULTS = %v", v)
	}
}
