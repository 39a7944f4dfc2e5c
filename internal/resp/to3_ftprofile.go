package resp

import (
	"strconv"
	"strings"
)

// asFTProfile is the first of FT.PROFILE's shapes: asFTProfile plus the
// offset of the profiled command's shape from AsFTSearch.
const asFTProfile Shape = 0x50

// FTProfileShape is FT.PROFILE's shape when the profiled FT.SEARCH or
// FT.AGGREGATE answers with inner (one of the FT shapes): RediSearch
// 2.8's map {"Results": inner's map, "Profile": the profile as a map}.
func FTProfileShape(inner Shape) Shape {
	expand := inner & ftExpand
	inner &^= ftExpand
	if inner < AsFTSearch || inner >= asFTProfile {
		return AsIs
	}
	return (asFTProfile + inner - AsFTSearch) | expand
}

func isFTProfile(shape Shape) bool { return (shape&^ftExpand)&^0xf == asFTProfile }

// ftProfile3 appends the RESP3 form of FT.PROFILE's [results, profile];
// ok is false (nothing appended) when v is not of that form.
func ftProfile3(dst []byte, v *Value, shape Shape) ([]byte, bool) {
	if v.Kind != Array || v.Null || len(v.Elems) != 2 || v.Elems[1].Kind != Array {
		return dst, false
	}
	inner := (shape&^ftExpand - asFTProfile + AsFTSearch) | shape&ftExpand
	if !isFT(inner) {
		return dst, false
	}
	results, ok := ft3(nil, &v.Elems[0], inner)
	if !ok {
		return dst, false
	}
	dst = AppendMap(dst, 2)
	dst = AppendBulk(dst, "Results")
	dst = append(dst, results...)
	dst = AppendBulk(dst, "Profile")
	p := &v.Elems[1]
	if len(p.Elems) > 0 && p.Elems[0].Kind == BulkString && strings.HasPrefix(string(p.Elems[0].Str), "Shard #") {
		// The proxy's: shard name, shard profile, ...
		dst = AppendMap(dst, len(p.Elems)/2)
		for i := 0; i+1 < len(p.Elems); i += 2 {
			dst = p.Elems[i].AppendTo(dst)
			dst = profileMap3(dst, &p.Elems[i+1])
		}
		return dst, true
	}
	return profileMap3(dst, p), true
}

// profileMap3 writes one profile, [[name, value] ..., ["Result
// processors profile", processor...]], as a map: times are doubles, the
// iterators an array of their map, the processors an array of maps.
func profileMap3(dst []byte, p *Value) []byte {
	if p.Kind != Array {
		return p.AppendTo(dst)
	}
	dst = AppendMap(dst, len(p.Elems))
	for i := range p.Elems {
		e := &p.Elems[i]
		if e.Kind != Array || len(e.Elems) == 0 {
			dst = AppendBulk(dst, strconv.Itoa(i))
			dst = e.AppendTo(dst)
			continue
		}
		name := string(e.Elems[0].Str)
		dst = e.Elems[0].AppendTo(dst)
		switch {
		case name == "Iterators profile" && len(e.Elems) == 2:
			it := &e.Elems[1]
			if it.Kind == Array && len(it.Elems) > 0 {
				dst = AppendArray(dst, 1)
				dst = iteratorMap3(dst, it.Elems)
			} else {
				dst = AppendArray(dst, 0)
			}
		case name == "Result processors profile":
			dst = AppendArray(dst, len(e.Elems)-1)
			for j := 1; j < len(e.Elems); j++ {
				dst = iteratorMap3(dst, e.Elems[j].Elems)
			}
		case len(e.Elems) == 2:
			dst = timeValue3(dst, &e.Elems[1])
		default:
			dst = AppendArray(dst, len(e.Elems)-1)
			for j := 1; j < len(e.Elems); j++ {
				dst = e.Elems[j].AppendTo(dst)
			}
		}
	}
	return dst
}

// iteratorMap3 writes a flat name, value... list as a map; "Child
// iterators" takes every element after it, each an iterator's list (or
// LIMITED's text), and "Child iterator" one iterator's list.
func iteratorMap3(dst []byte, kv []Value) []byte {
	n := 0
	for i := 0; i < len(kv); i += 2 {
		n++
		if string(kv[i].Str) == "Child iterators" {
			break
		}
	}
	dst = AppendMap(dst, n)
	for i := 0; i < len(kv); i += 2 {
		name := string(kv[i].Str)
		dst = kv[i].AppendTo(dst)
		if name == "Child iterators" {
			kids := kv[i+1:]
			if len(kids) == 1 && kids[0].Kind != Array {
				// LIMITED: how many iterators a union holds
				dst = kids[0].AppendTo(dst)
				break
			}
			dst = AppendArray(dst, len(kids))
			for j := range kids {
				if kids[j].Kind != Array {
					// an intersection's clause with no iterator
					dst = AppendNull3(dst)
					continue
				}
				dst = iteratorMap3(dst, kids[j].Elems)
			}
			break
		}
		if i+1 >= len(kv) {
			dst = AppendNull3(dst)
			break
		}
		if name == "Child iterator" && kv[i+1].Kind == Array {
			dst = iteratorMap3(dst, kv[i+1].Elems)
			continue
		}
		if name == "Time" {
			dst = timeValue3(dst, &kv[i+1])
			continue
		}
		dst = kv[i+1].AppendTo(dst)
	}
	return dst
}

// timeValue3 writes a time given as text as a double (other values as
// they are).
func timeValue3(dst []byte, v *Value) []byte {
	if v.Kind == BulkString || v.Kind == SimpleString {
		if f, err := strconv.ParseFloat(string(v.Str), 64); err == nil {
			return AppendDouble(dst, f)
		}
	}
	return v.AppendTo(dst)
}
