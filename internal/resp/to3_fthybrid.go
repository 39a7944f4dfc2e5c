package resp

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
	dst = AppendMap(dst, len(v.Elems)/2)
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
	return dst, true
}
