package proxy

import (
	"bytes"
	"sort"
	"strconv"

	"github.com/vcache/vcache/internal/resp"
)

// Text scores across shards. Each node scores its own documents with its
// own statistics (the idf of a term counts the documents of that node's
// index, BM25's average length is that node's), so the same document
// could score a little differently on another shard; the proxy merges the
// shards' best rows by their scores, best first, ties by key. This is how
// RediSearch's coordinator does it (it adds WITHSCORES to every shard's
// FT.SEARCH without SORTBY and merges by score; no global statistics).
// With documents spread evenly by hash slot, each shard's statistics
// follow the whole index's as it grows.

// rowScore reads a row's score: a number, or with EXPLAINSCORE the first
// element of [score, explanation]. A row without one sorts last.
func rowScore(r *ftRow) (float64, bool) {
	v := r.score
	if v == nil {
		return 0, false
	}
	if v.Kind == resp.Array && len(v.Elems) > 0 {
		v = &v.Elems[0]
	}
	f, err := strconv.ParseFloat(string(v.Str), 64)
	return f, err == nil
}

// sortByScore orders rows best first; equal scores by key.
func sortByScore(rows []ftRow) {
	type keyed struct {
		score float64
		ok    bool
	}
	ks := make([]keyed, len(rows))
	for i := range rows {
		ks[i].score, ks[i].ok = rowScore(&rows[i])
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		x, y := ks[idx[a]], ks[idx[b]]
		if x.ok != y.ok {
			return x.ok
		}
		if x.score != y.score {
			return x.score > y.score
		}
		return bytes.Compare(rows[idx[a]].key.Str, rows[idx[b]].key.Str) < 0
	})
	sorted := make([]ftRow, len(rows))
	for i, j := range idx {
		sorted[i] = rows[j]
	}
	copy(rows, sorted)
}
