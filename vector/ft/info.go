package ft

import (
	"math"
	"strconv"

	"github.com/vcache/vcache/vector"
)

// InfoStats are the counts behind FT.INFO's statistics.
type InfoStats struct {
	NumTerms   int64 // distinct words of TEXT fields
	NumRecords int64 // postings: (document, word), (document, tag), numeric values, vectors
	DocBytes   int64 // the documents' filter values and postings (memory.go's estimate)
	KeyBytes   int64 // the key table
	TagBytes   int64 // tag posting entries
}

// countRecords fills inf.Stats. mu must be held.
func (ix *Index) countRecords(inf *Info) {
	terms := map[string]struct{}{}
	st := &inf.Stats
	for _, d := range ix.docs {
		if d.text != nil {
			for w := range d.text.terms {
				terms[w] = struct{}{}
				st.NumRecords++
			}
		}
		for _, ts := range d.tags {
			st.NumRecords += int64(len(ts))
			st.TagBytes += int64(len(ts)) * entryBytes(postingKV)
		}
		st.NumRecords += int64(len(d.nums)) + int64(len(d.geo))
	}
	for k := range ix.ids {
		st.KeyBytes += int64(len(k)) + entryBytes(idsKV)
	}
	for _, e := range ix.engine {
		st.NumRecords += int64(e.Len())
	}
	st.NumTerms = int64(len(terms))
	st.DocBytes = ix.docBytes
}

// dbl formats a number as a RESP2 double reply (%.17g): "nan" and "inf"
// as C prints them.
func dbl(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'g', 17, 64)
}

// keyType is FT.INFO's key_type.
func keyType(onJSON bool) string {
	if onJSON {
		return "JSON"
	}
	return "HASH"
}

// mb converts bytes to FT.INFO's megabytes (a float, as RediSearch
// computes them).
func mb(n int64) string { return dbl(float64(float32(n) / float32(1<<20))) }

// Reply renders Info as FT.INFO's flat key/value list, with RediSearch
// 2.8's fields in its order (clients such as node-redis read them by
// position): strings, int64s and nested []any. vcache keeps no inverted
// index blocks, offset vectors or garbage collector, so those figures are
// zero; the document counts stay integers, as vcache has always answered.
func (inf Info) Reply() []any {
	prefixes := make([]any, len(inf.Prefixes))
	for i, p := range inf.Prefixes {
		prefixes[i] = p
	}
	if len(prefixes) == 0 {
		prefixes = []any{""}
	}
	attrs := []any{}
	for _, f := range inf.Fields {
		a := []any{"identifier", f.Name, "attribute", f.Alias, "type", f.Type.String()}
		switch f.Type {
		case Tag:
			a = append(a, "SEPARATOR", string(f.Separator))
			if f.CaseSensitive {
				a = append(a, "CASESENSITIVE")
			}
		case Text:
			a = append(a, "WEIGHT", strconv.FormatFloat(f.Weight, 'g', -1, 64))
		case Vector:
			a = append(a, "algorithm", f.Vec.Algorithm.String(), "data_type", "FLOAT32", "dim", int64(f.Vec.Dim),
				"distance_metric", f.Vec.Metric.String())
			switch f.Vec.Algorithm {
			case vector.HNSW:
				a = append(a, "M", int64(f.Vec.M), "ef_construction", int64(f.Vec.EfConstruction), "ef_runtime", int64(f.Vec.EfRuntime))
				a = append(a, vectorCompression(f.Vec)...)
			case vector.IVFFLAT:
				a = append(a, "lists", int64(f.Vec.Lists), "probes", int64(f.Vec.Probes))
				a = append(a, vectorCompression(f.Vec)...)
			}
		}
		// Flags in RediSearch 2.8's order (UNF, which vcache does not
		// list, would come after SORTABLE).
		if f.Sortable {
			a = append(a, "SORTABLE")
		}
		if f.NoStem {
			a = append(a, "NOSTEM")
		}
		if f.SuffixTrie {
			a = append(a, "WITHSUFFIXTRIE")
		}
		attrs = append(attrs, a)
	}
	st := inf.Stats
	docs, recs := float64(inf.NumDocs), float64(st.NumRecords)
	out := []any{
		"index_name", inf.Name,
		"index_options", []any{},
		"index_definition", inf.definition(prefixes),
		"attributes", attrs,
		"num_docs", int64(inf.NumDocs),
		"max_doc_id", int64(inf.MaxDocID),
		"num_terms", st.NumTerms,
		"num_records", st.NumRecords,
		"inverted_sz_mb", mb(st.TagBytes),
		"vector_index_sz_mb", mb(inf.VectorIndexBytes),
		"total_inverted_index_blocks", "0",
		"offset_vectors_sz_mb", "0",
		"doc_table_size_mb", mb(st.DocBytes),
		"sortable_values_size_mb", "0",
		"key_table_size_mb", mb(st.KeyBytes),
		"records_per_doc_avg", dbl(float64(float32(recs) / float32(docs))),
		"bytes_per_record_avg", dbl(float64(float32(st.TagBytes) / float32(recs))),
		"offsets_per_term_avg", dbl(float64(float32(0) / float32(recs))),
		"offset_bits_per_record_avg", "nan",
		"hash_indexing_failures", inf.IndexingFailures,
		"total_indexing_time", "0",
		"indexing", "0",
		"percent_indexed", "1",
		"number_of_uses", int64(0),
		"gc_stats", []any{
			"bytes_collected", "0", "total_ms_run", "0", "total_cycles", "0", "average_cycle_time_ms", "nan",
			"last_run_time_ms", "0", "gc_numeric_trees_missed", "0", "gc_blocks_denied", "0",
		},
		"cursor_stats", []any{"global_idle", int64(0), "global_total", int64(0), "index_capacity", int64(128), "index_total", int64(0)},
	}
	if inf.CustomStopWords { // RediSearch lists STOPWORDS' words only when given
		out = append(out, "stopwords_list", stopWordsList(inf.StopWords))
	}
	return append(out, "dialect_stats", []any{"dialect_1", int64(0), "dialect_2", int64(0), "dialect_3", int64(0), "dialect_4", int64(0)})
}

// vectorCompression is FT.INFO's report of an HNSW or IVFFLAT field's search codes:
// "compression" SQ8 (int8 codes walked, float32 re-ranked) with "rerank",
// the candidates re-ranked per query, or NONE (float32 only).
func vectorCompression(p vector.Params) []any {
	if p.Codes == vector.QuantNone {
		return []any{"compression", "NONE"}
	}
	r := p.Rerank
	if r == 0 {
		r = vector.DefaultRerank
	}
	return []any{"compression", "SQ8", "rerank", int64(r)}
}

// definition is FT.INFO's index_definition: default_language for an
// index not in English and language_field when FT.CREATE gave them, as
// RediSearch lists them.
func (inf Info) definition(prefixes []any) []any {
	def := []any{"key_type", keyType(inf.OnJSON), "prefixes", prefixes}
	if inf.Language != "" {
		def = append(def, "default_language", inf.Language)
	}
	if inf.LanguageField != "" {
		def = append(def, "language_field", inf.LanguageField)
	}
	return append(def, "default_score", "1")
}
