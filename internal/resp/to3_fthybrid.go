package resp

import "strings"

// AsFTHybrid is FT.HYBRID's shape: its RESP2 reply, the flat array
//
//	total_results, n, results, [[field, value...]...], warnings, [...], execution_time, ms
//
// is a map in RESP3, each result a map and execution_time a double.
const AsFTHybrid Shape = 0x44

// ftHybrid3 appends the RESP3 form of an FT.HYBRID reply, with expand
// (FORMAT EXPAND) each result's JSON texts as RESP3 structures; ok is
// false (nothing appended) when v is not of that form.
func ftHybrid3(dst []byte, v *Value, expand bool) ([]byte, bool) {
	var prof *Value
	if v.Kind == Array && !v.Null && len(v.Elems)%2 == 1 && v.Elems[len(v.Elems)-1].Kind == Array {
		// FT.PROFILE HYBRID: the profile after FT.HYBRID's reply
		prof = &v.Elems[len(v.Elems)-1]
		cut := *v
		cut.Elems = v.Elems[:len(v.Elems)-1]
		v = &cut
	}
	if !flatPairs(v) {
		return dst, false
	}
	for i := 0; i < len(v.Elems); i += 2 {
		if string(v.Elems[i].Str) == "results" {
			r := &v.Elems[i+1]
			if r.Kind != Array || r.Null {
				return dst, false
			}
			for j := range r.Elems {
				if !flatPairs(&r.Elems[j]) {
					return dst, false
				}
			}
		}
	}
	n := len(v.Elems) / 2
	if prof != nil {
		n++
	}
	dst = AppendMap(dst, n)
	for i := 0; i < len(v.Elems); i += 2 {
		name, val := &v.Elems[i], &v.Elems[i+1]
		dst = AppendSimple(dst, name.Str)
		switch string(name.Str) {
		case "results":
			dst = AppendArray(dst, len(val.Elems))
			for j := range val.Elems {
				if !expand {
					dst, _, _ = to3(dst, val.Elems[j].AppendTo(nil), AsMap, 1)
					continue
				}
				row := &val.Elems[j]
				dst = AppendMap(dst, len(row.Elems)/2)
				for k := 0; k+1 < len(row.Elems); k += 2 {
					dst, _, _ = to3(dst, row.Elems[k].AppendTo(nil), AsIs, 1)
					if string(row.Elems[k].Str) != "__key" {
						if out, ok := appendJSON3(dst, &row.Elems[k+1]); ok {
							dst = out
							continue
						}
					}
					dst, _, _ = to3(dst, row.Elems[k+1].AppendTo(nil), AsIs, 1)
				}
			}
		case "execution_time":
			dst, _, _ = to3(dst, val.AppendTo(nil), AsDouble, 1)
		default:
			dst, _, _ = to3(dst, val.AppendTo(nil), AsIs, 1)
		}
	}
	if prof != nil {
		dst = AppendSimple(dst, []byte("Profile"))
		dst = hybridProfile3(dst, prof)
	}
	return dst, true
}

// hybridProfile3 writes FT.PROFILE HYBRID's profile, flat name, value
// lists (Shards, Coordinator, a shard's SEARCH and VSIM, each profile),
// as maps: the shards an array of maps, the iterators and each result
// processor maps, times doubles.
func hybridProfile3(dst []byte, p *Value) []byte {
	if !flatPairs(p) {
		return p.AppendTo(dst)
	}
	dst = AppendMap(dst, len(p.Elems)/2)
	for i := 0; i < len(p.Elems); i += 2 {
		name, val := string(p.Elems[i].Str), &p.Elems[i+1]
		dst = p.Elems[i].AppendTo(dst)
		switch {
		case val.Kind != Array:
			if strings.HasSuffix(strings.ToLower(name), "time") {
				dst = timeValue3(dst, val)
			} else {
				dst = val.AppendTo(dst)
			}
		case name == "Shards":
			dst = AppendArray(dst, len(val.Elems))
			for j := range val.Elems {
				dst = hybridProfile3(dst, &val.Elems[j])
			}
		case name == "Iterators profile" && len(val.Elems) > 0:
			dst = iteratorMap3(dst, val.Elems)
		case name == "Result processors profile":
			dst = processors3(dst, val)
		case name == "Subqueries result processors profile" && flatPairs(val):
			dst = AppendMap(dst, len(val.Elems)/2)
			for j := 0; j < len(val.Elems); j += 2 {
				dst = val.Elems[j].AppendTo(dst)
				dst = processors3(dst, &val.Elems[j+1])
			}
		case name == "Warning":
			dst = val.AppendTo(dst)
		default:
			dst = hybridProfile3(dst, val)
		}
	}
	return dst
}

// processors3 writes a list of result processors, each a flat name,
// value list, as an array of maps.
func processors3(dst []byte, v *Value) []byte {
	dst = AppendArray(dst, len(v.Elems))
	for j := range v.Elems {
		if v.Elems[j].Kind != Array {
			dst = v.Elems[j].AppendTo(dst)
			continue
		}
		dst = iteratorMap3(dst, v.Elems[j].Elems)
	}
	return dst
}
