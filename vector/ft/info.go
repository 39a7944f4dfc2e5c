package ft

import (
	"math"
	"strconv"
	"strings"

	"github.com/vcache/vcache/vector"
)

// InfoStats are the counts behind FT.INFO's statistics.
type InfoStats struct {
	NumTerms   int64 // distinct words of TEXT fields
	NumRecords int64 // postings: (document, word), (document, tag), numeric values, vectors
	DocBytes   int64 // the documents' filter values and postings (memory.go's estimate)
	KeyBytes   int64 // the key table
	TagBytes   int64 // tag posting entries
	TextBytes  int64 // the full-text postings and terms (postings.go)
	TextBlocks int64 // the blocks of the full-text postings
}

// countRecords fills inf.Stats. mu must be held.
func (ix *Index) countRecords(inf *Info) {
	st := &inf.Stats
	for _, p := range ix.post {
		st.NumRecords += int64(p.Len())
		st.TextBlocks += int64(len(p.blocks))
	}
	st.NumTerms = int64(len(ix.post))
	st.TextBytes = ix.postBytes
	// Counted as documents come and go: FT.INFO takes no time per
	// document (clients poll it while an index is built).
	st.NumRecords += ix.tagRecs + ix.valRecs
	st.TagBytes = ix.tagRecs * entryBytes(postingKV)
	st.KeyBytes = ix.keyBytes
	for _, e := range ix.engine {
		st.NumRecords += int64(e.Len())
	}
	st.DocBytes = ix.docBytes
}

// SimpleString is a reply value written as a RESP simple string, as
// RediSearch writes its names and words (FT.INFO's, FT._LIST's).
type SimpleString string

// EscapeSimple makes s safe for a simple string as RediSearch does: a
// carriage return or a line feed written \r or \n.
func EscapeSimple(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
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
// position) and its value types: names and words simple strings
// (SimpleString), the figures RediSearch writes as doubles (num_docs,
// num_terms, num_records, the sizes...) bulk strings as Redis writes a
// double to a RESP2 client, number_of_uses and the cursor and dialect
// counts integers. inverted_sz_mb counts the tag and full-text postings
// (with the term dictionary), total_inverted_index_blocks the full-text
// postings' blocks; vcache keeps no offset vectors (a document keeps its
// positions) and no garbage collector, so those figures are zero.
func (inf Info) Reply() []any {
	type S = SimpleString
	prefixes := make([]any, len(inf.Prefixes))
	for i, p := range inf.Prefixes {
		prefixes[i] = S(p)
	}
	if len(prefixes) == 0 {
		prefixes = []any{S("")}
	}
	attrs := []any{}
	for _, f := range inf.Fields {
		a := []any{S("identifier"), S(f.Name), S("attribute"), S(f.Alias), S("type"), S(f.Type.String())}
		switch f.Type {
		case Tag:
			a = append(a, S("SEPARATOR"), S(string(f.Separator)))
			if f.CaseSensitive {
				a = append(a, S("CASESENSITIVE"))
			}
		case Text:
			a = append(a, S("WEIGHT"), dbl(f.Weight))
		case Vector:
			a = append(a, S("algorithm"), S(f.Vec.Algorithm.String()), S("data_type"), S("FLOAT32"), S("dim"), int64(f.Vec.Dim),
				S("distance_metric"), S(f.Vec.Metric.String()))
			switch f.Vec.Algorithm {
			case vector.HNSW:
				a = append(a, S("M"), int64(f.Vec.M), S("ef_construction"), int64(f.Vec.EfConstruction), S("ef_runtime"), int64(f.Vec.EfRuntime))
				a = append(a, vectorCompression(f.Vec)...)
			case vector.IVFFLAT:
				a = append(a, S("lists"), int64(f.Vec.Lists), S("probes"), int64(f.Vec.Probes))
				a = append(a, vectorCompression(f.Vec)...)
			}
		}
		// Flags in RediSearch 2.8's order (UNF, which vcache does not
		// list, would come after SORTABLE).
		if f.Sortable {
			a = append(a, S("SORTABLE"))
		}
		if f.NoStem {
			a = append(a, S("NOSTEM"))
		}
		if f.SuffixTrie {
			a = append(a, S("WITHSUFFIXTRIE"))
		}
		attrs = append(attrs, a)
	}
	st := inf.Stats
	docs, recs := float64(inf.NumDocs), float64(st.NumRecords)
	indexing, pct := "0", "1"
	if inf.Backlog > 0 || inf.Scanned < 1 {
		indexing = "1"
		f := min(inf.Scanned, float64(float32(max(inf.NumDocs-inf.Backlog, 0))/float32(max(inf.NumDocs, 1))))
		pct = dbl(float64(float32(f)))
	}
	out := []any{
		S("index_name"), S(inf.Name),
		S("index_options"), []any{},
		S("index_definition"), inf.definition(prefixes),
		S("attributes"), attrs,
		S("num_docs"), dbl(docs),
		S("max_doc_id"), dbl(float64(inf.MaxDocID)),
		S("num_terms"), dbl(float64(st.NumTerms)),
		S("num_records"), dbl(recs),
		S("inverted_sz_mb"), mb(st.TagBytes + st.TextBytes),
		S("vector_index_sz_mb"), mb(inf.VectorIndexBytes),
		S("total_inverted_index_blocks"), dbl(float64(st.TextBlocks)),
		S("offset_vectors_sz_mb"), "0",
		S("doc_table_size_mb"), mb(st.DocBytes),
		S("sortable_values_size_mb"), "0",
		S("key_table_size_mb"), mb(st.KeyBytes),
		S("records_per_doc_avg"), dbl(float64(float32(recs) / float32(docs))),
		S("bytes_per_record_avg"), dbl(float64(float32(st.TagBytes+st.TextBytes) / float32(recs))),
		S("offsets_per_term_avg"), dbl(float64(float32(0) / float32(recs))),
		S("offset_bits_per_record_avg"), "nan",
		S("hash_indexing_failures"), dbl(float64(inf.IndexingFailures)),
		S("total_indexing_time"), "0",
		S("indexing"), indexing,
		S("percent_indexed"), pct,
		S("number_of_uses"), int64(0),
		S("gc_stats"), []any{
			S("bytes_collected"), "0", S("total_ms_run"), "0", S("total_cycles"), "0", S("average_cycle_time_ms"), "nan",
			S("last_run_time_ms"), "0", S("gc_numeric_trees_missed"), "0", S("gc_blocks_denied"), "0",
		},
		S("cursor_stats"), []any{S("global_idle"), int64(0), S("global_total"), int64(0), S("index_capacity"), int64(128), S("index_total"), int64(0)},
	}
	if inf.CustomStopWords { // RediSearch lists STOPWORDS' words only when given
		out = append(out, S("stopwords_list"), stopWordsList(inf.StopWords))
	}
	return append(out, S("dialect_stats"), []any{S("dialect_1"), int64(0), S("dialect_2"), int64(0), S("dialect_3"), int64(0), S("dialect_4"), int64(0)})
}

// vectorCompression is FT.INFO's report of an HNSW or IVFFLAT field's search codes:
// "compression" SQ8 (int8 codes walked, float32 re-ranked) with "rerank",
// the candidates re-ranked per query, or NONE (float32 only).
func vectorCompression(p vector.Params) []any {
	if p.Codes == vector.QuantNone {
		return []any{SimpleString("compression"), SimpleString("NONE")}
	}
	r := p.Rerank
	if r == 0 {
		r = vector.DefaultRerank
	}
	return []any{SimpleString("compression"), SimpleString("SQ8"), SimpleString("rerank"), int64(r)}
}

// definition is FT.INFO's index_definition: default_language for an
// index not in English and language_field when FT.CREATE gave them, as
// RediSearch lists them.
func (inf Info) definition(prefixes []any) []any {
	type S = SimpleString
	def := []any{S("key_type"), S(keyType(inf.OnJSON)), S("prefixes"), prefixes}
	if inf.Language != "" {
		def = append(def, S("default_language"), S(inf.Language))
	}
	if inf.LanguageField != "" {
		def = append(def, S("language_field"), S(inf.LanguageField))
	}
	return append(def, S("default_score"), "1")
}
