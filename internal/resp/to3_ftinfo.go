package resp

// FT.INFO's RESP3 form. RediSearch 2.8 writes FT.INFO with its reply
// helpers, which give a map in RESP3 and a flat array in RESP2: its
// figures are doubles (bulk strings "%.17g" in RESP2) but for a few
// counters that are integers, its names and words simple strings. An
// attribute's RESP2 list ends with its flag words (SORTABLE, NOSTEM...);
// in RESP3 they are an array under "flags", there even when empty.

// ftInfoDoubles are the FT.INFO names whose values RediSearch writes as
// doubles, at the top of the map.
var ftInfoDoubles = []string{
	"num_docs", "max_doc_id", "num_terms", "num_records", "inverted_sz_mb", "vector_index_sz_mb",
	"total_inverted_index_blocks", "offset_vectors_sz_mb", "doc_table_size_mb",
	"sortable_values_size_mb", "key_table_size_mb", "geoshapes_sz_mb", "tag_overhead_sz_mb",
	"text_overhead_sz_mb", "total_index_memory_sz_mb", "records_per_doc_avg", "bytes_per_record_avg",
	"offsets_per_term_avg", "offset_bits_per_record_avg", "hash_indexing_failures",
	"total_indexing_time", "indexing", "percent_indexed",
}

// ftAttrFlags are the words an FT.INFO attribute's list ends with.
var ftAttrFlags = map[string]bool{
	"CASESENSITIVE": true, "SORTABLE": true, "UNF": true, "NOSTEM": true, "NOINDEX": true,
	"WITHSUFFIXTRIE": true, "INDEXMISSING": true, "INDEXEMPTY": true,
}

var leafDouble = &form{leaf: AsDouble}

func ftInfoForm() *form {
	fields := map[string]*form{
		"index_definition": {kind: fMap, fields: map[string]*form{"default_score": leafDouble}},
		"attributes":       {kind: fList, elem: &form{kind: fFlagged, fields: map[string]*form{"WEIGHT": leafDouble}}},
		"gc_stats":         {kind: fMap, elem: leafDouble},
		"cursor_stats":     flatMap,
		"dialect_stats":    flatMap,
		"Index Errors":     flatMap,
		"field statistics": {kind: fList, elem: &form{kind: fMap, fields: map[string]*form{"Index Errors": flatMap}}},
	}
	for _, name := range ftInfoDoubles {
		fields[name] = leafDouble
	}
	return &form{kind: fMap, fields: fields}
}

// flagged3 appends e, an attribute's flat name, value... list ending
// with flag words, as a map with the flags an array under "flags"; ok is
// false (nothing appended) when e is not of that form.
func flagged3(dst []byte, e []Value, f *form) ([]byte, bool) {
	pairs, flags := 0, 0
	for i := 0; i < len(e); {
		if !namesAt(e[i:i+1], 0, 1) {
			return dst, false
		}
		if ftAttrFlags[string(e[i].Str)] {
			flags++
			i++
			continue
		}
		if flags > 0 || i+1 >= len(e) {
			return dst, false // a name after the flags, or without its value
		}
		pairs++
		i += 2
	}
	dst = AppendMap(dst, pairs+1)
	var flagAt []int
	for i := 0; i < len(e); {
		if ftAttrFlags[string(e[i].Str)] {
			flagAt = append(flagAt, i)
			i++
			continue
		}
		dst = leafTo3(dst, &e[i], AsIs)
		dst = formTo3(dst, &e[i+1], f.field(e[i].Str))
		i += 2
	}
	dst = AppendSimple(dst, "flags")
	dst = AppendArray(dst, len(flagAt))
	for _, i := range flagAt {
		dst = leafTo3(dst, &e[i], AsIs)
	}
	return dst, true
}
