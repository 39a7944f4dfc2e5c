package resp

// RediSearch's RESP3 replies are not the RESP2 ones with other headers but
// a different structure: FT.SEARCH and FT.AGGREGATE answer a map
//
//	{attributes: [], format: STRING, results: [...], total_results: n, warning: []}
//
// whose results are maps {id, score?, extra_attributes: {field: value},
// values: []} (FT.AGGREGATE's have no id). These shapes build that form
// from the RESP2 reply.
const (
	// AsFTSearch: FT.SEARCH's [total, id, fields, id, fields...] (or ids
	// alone, with NOCONTENT).
	AsFTSearch Shape = 0x40 + iota
	// AsFTSearchScores: FT.SEARCH WITHSCORES's [total, id, score,
	// fields...]; the scores become doubles.
	AsFTSearchScores
	// AsFTAggregate: FT.AGGREGATE's [total, row, row...], each row a flat
	// array of field, value...
	AsFTAggregate
	// AsFTCursor: FT.AGGREGATE WITHCURSOR's and FT.CURSOR READ's
	// [aggregate reply, cursor id].
	AsFTCursor
)

// asFTSearchWith is the first of FT.SEARCH's shapes with WITHPAYLOADS or
// WITHSORTKEYS (FTSearchShape): its low three bits say which of the
// score, the payload and the sort key follow each id.
const asFTSearchWith Shape = 0x48

const (
	ftWithScores   = 1
	ftWithPayloads = 2
	ftWithSortKeys = 4
)

// FTSearchShape is FT.SEARCH's shape for its WITHSCORES, WITHPAYLOADS
// and WITHSORTKEYS options: each result map has a score (a double), a
// payload and a sort key, as RediSearch's.
func FTSearchShape(scores, payloads, sortKeys bool) Shape {
	if !payloads && !sortKeys {
		if scores {
			return AsFTSearchScores
		}
		return AsFTSearch
	}
	s := asFTSearchWith | ftWithPayloads*boolShape(payloads) | ftWithSortKeys*boolShape(sortKeys)
	return s | ftWithScores*boolShape(scores)
}

func boolShape(b bool) Shape {
	if b {
		return 1
	}
	return 0
}

// searchLabels names the values that follow each id in an FT.SEARCH
// reply of shape, in order.
func searchLabels(shape Shape) []string {
	switch {
	case shape == AsFTSearchScores:
		return []string{"score"}
	case shape&^7 != asFTSearchWith:
		return nil
	}
	var out []string
	for _, f := range []struct {
		bit  Shape
		name string
	}{{ftWithScores, "score"}, {ftWithPayloads, "payload"}, {ftWithSortKeys, "sortkey"}} {
		if shape&f.bit != 0 {
			out = append(out, f.name)
		}
	}
	return out
}

// isFT reports whether shape is one of RediSearch's.
func isFT(shape Shape) bool {
	shape &^= ftExpand
	return shape >= AsFTSearch && shape <= AsFTCursor || shape == AsFTHybrid || shape&^7 == asFTSearchWith || isFTProfile(shape)
}

// ft3 appends the RESP3 form of v, the RESP2 reply of an FT command with
// the given shape; ok is false when v does not have the shape's form (an
// error, a reply of another form), and nothing is appended.
func ft3(dst []byte, v *Value, shape Shape) ([]byte, bool) {
	if isFTProfile(shape) {
		return ftProfile3(dst, v, shape)
	}
	if shape&^ftExpand == AsFTHybrid {
		return ftHybrid3(dst, v, shape&ftExpand != 0)
	}
	expand := shape&ftExpand != 0
	shape &^= ftExpand
	if shape == AsFTCursor {
		if v.Kind != Array || v.Null || len(v.Elems) != 2 || v.Elems[1].Kind != Integer {
			return dst, false
		}
		if !ftResultsOK(&v.Elems[0], AsFTAggregate) {
			return dst, false
		}
		dst = AppendArray(dst, 2)
		dst = ftResults3(dst, &v.Elems[0], AsFTAggregate, expand)
		return AppendInt(dst, v.Elems[1].Int), true
	}
	if !ftResultsOK(v, shape) {
		return dst, false
	}
	return ftResults3(dst, v, shape, expand), true
}

// ftResultsOK checks v has the form ftResults3 converts.
func ftResultsOK(v *Value, shape Shape) bool {
	if v.Kind != Array || v.Null || len(v.Elems) == 0 || v.Elems[0].Kind != Integer {
		return false
	}
	e := v.Elems[1:]
	for len(e) > 0 {
		if shape == AsFTAggregate {
			if !flatPairs(&e[0]) {
				return false
			}
			e = e[1:]
			continue
		}
		if e[0].Kind != BulkString || e[0].Null {
			return false
		}
		e = e[1:]
		for _, label := range searchLabels(shape) {
			if len(e) == 0 || e[0].Kind == Array && !(label == "score" && explainedScore(&e[0])) {
				return false
			}
			e = e[1:]
		}
		if len(e) > 0 && e[0].Kind == Array {
			if !flatPairs(&e[0]) {
				return false
			}
			e = e[1:]
		}
	}
	return true
}

// flatPairs reports whether v is an array of name, value pairs with the
// names strings.
func flatPairs(v *Value) bool {
	if v.Kind != Array || v.Null || len(v.Elems)%2 != 0 {
		return false
	}
	for i := 0; i < len(v.Elems); i += 2 {
		if k := v.Elems[i].Kind; (k != BulkString && k != SimpleString) || v.Elems[i].Null {
			return false
		}
	}
	return true
}

// ftResults3 writes the results map; v has passed ftResultsOK.
func ftResults3(dst []byte, v *Value, shape Shape, expand bool) []byte {
	e := v.Elems[1:]
	var n int
	for i := 0; i < len(e); n++ {
		switch {
		case shape == AsFTAggregate:
			i++
		default:
			i += 1 + len(searchLabels(shape)) // the id and its values
			if i < len(e) && e[i].Kind == Array {
				i++
			}
		}
	}
	dst = AppendMap(dst, 5)
	dst = AppendSimple(dst, "attributes")
	dst = AppendArray(dst, 0)
	dst = AppendSimple(dst, "format")
	if expand {
		dst = AppendSimple(dst, "EXPAND")
	} else {
		dst = AppendSimple(dst, "STRING")
	}
	dst = AppendSimple(dst, "results")
	dst = AppendArray(dst, n)
	for len(e) > 0 {
		if shape == AsFTAggregate {
			dst = AppendMap(dst, 2)
			dst = appendFieldMap(dst, &e[0], expand)
			dst = AppendSimple(dst, "values")
			dst = AppendArray(dst, 0)
			e = e[1:]
			continue
		}
		id := &e[0]
		e = e[1:]
		labels := searchLabels(shape)
		vals := e[:len(labels)]
		e = e[len(labels):]
		var fields *Value
		if len(e) > 0 && e[0].Kind == Array {
			fields, e = &e[0], e[1:]
		}
		entries := 2 + len(labels)
		if fields != nil {
			entries++
		}
		dst = AppendMap(dst, entries)
		dst = AppendSimple(dst, "id")
		dst = id.AppendTo(dst)
		for i, label := range labels {
			dst = AppendSimple(dst, label)
			shape := AsIs
			if label == "score" {
				shape = AsDouble
			}
			if label == "score" && explainedScore(&vals[i]) {
				// EXPLAINSCORE: [score, explanation], the score a double.
				dst = AppendArray(dst, len(vals[i].Elems))
				dst, _, _ = to3(dst, vals[i].Elems[0].AppendTo(nil), AsDouble, 1)
				for _, x := range vals[i].Elems[1:] {
					dst, _, _ = to3(dst, x.AppendTo(nil), AsIs, 1)
				}
				continue
			}
			dst, _, _ = to3(dst, vals[i].AppendTo(nil), shape, 1)
		}
		if fields != nil {
			dst = appendFieldMap(dst, fields, expand)
		}
		dst = AppendSimple(dst, "values")
		dst = AppendArray(dst, 0)
	}
	dst = AppendSimple(dst, "total_results")
	dst = AppendInt(dst, v.Elems[0].Int)
	dst = AppendSimple(dst, "warning")
	return AppendArray(dst, 0)
}

// appendFieldMap writes "extra_attributes" and the map of the flat
// name/value array fields; with expand, values that are JSON texts are
// written as RESP3 structures (FORMAT EXPAND, to3_expand.go).
func appendFieldMap(dst []byte, fields *Value, expand bool) []byte {
	dst = AppendSimple(dst, "extra_attributes")
	dst = AppendMap(dst, len(fields.Elems)/2)
	for i := range fields.Elems {
		if expand && i%2 == 1 {
			if out, ok := appendJSON3(dst, &fields.Elems[i]); ok {
				dst = out
				continue
			}
		}
		dst, _, _ = to3(dst, fields.Elems[i].AppendTo(nil), AsIs, 1)
	}
	return dst
}

// explainedScore reports whether v is an EXPLAINSCORE score: an array of
// the score and its explanation.
func explainedScore(v *Value) bool {
	return v.Kind == Array && !v.Null && len(v.Elems) > 0 && v.Elems[0].Kind == BulkString && !v.Elems[0].Null
}
