package cache

import (
	"math"
	"strconv"
)

// JSONSearchValue is one value of a JSON document as a search result
// shows it (Text) and as FT.AGGREGATE computes with it (First).
type JSONSearchValue struct {
	// Null says the first match (without multi) is JSON null: RediSearch
	// replies a null for it; Text and First are then nil.
	Null  bool
	Text  []byte
	First []byte // the first match (in multi form, its first element if an array), as Text is without multi
}

// JSONSearchValues returns, for search results, the values paths (by
// name) select in the document at key, as RediSearch replies them. With
// multi false (DIALECT 1 and 2) a value is the first match: a string as
// it is, a number in %.12g form (an integral one as an integer), a
// boolean as 1 or 0, an array or object as its JSON text. With multi
// true (DIALECT 3 and up, FORMAT EXPAND) it is the JSON text of the array
// of every match. A path that does not start with "$", does not parse or
// selects nothing is left out, as is (multi) a
// first match that is an empty array. ok is false when there is no
// document at key.
func (ks *Keyspace) JSONSearchValues(key []byte, paths *JSONSearchPaths, multi bool) (map[string]JSONSearchValue, bool) {
	return keyReads{ks: ks}.jsonSearchValues(key, paths, multi)
}

// JSONSearchPaths are the JSONPaths of JSONSearchValues, parsed once for
// every document of a search.
type JSONSearchPaths struct {
	names []string
	paths []*JSONPath
}

// NewJSONSearchPaths parses paths (by name), leaving out those that do
// not start with "$" or do not parse (they select nothing).
func NewJSONSearchPaths(paths map[string]string) *JSONSearchPaths {
	out := &JSONSearchPaths{}
	for name, path := range paths {
		if len(path) == 0 || path[0] != '$' {
			continue
		}
		if p, err := ParseJSONPath(path); err == nil {
			out.names = append(out.names, name)
			out.paths = append(out.paths, p)
		}
	}
	return out
}

// Len returns the number of paths.
func (p *JSONSearchPaths) Len() int { return len(p.names) }

// searchValue is one value of JSONSearchValues.
func searchValue(root *jsonVal, p *JSONPath, multi bool) (JSONSearchValue, bool) {
	vs, err := p.values(root)
	if err != nil || len(vs) == 0 {
		return JSONSearchValue{}, false
	}
	first := vs[0]
	if !multi {
		if first.k == jNull {
			return JSONSearchValue{Null: true}, true
		}
		t, ok := searchScalar(first)
		return JSONSearchValue{Text: t, First: t}, ok
	}
	if first.k == jArray {
		if len(first.arr) == 0 {
			return JSONSearchValue{}, false
		}
		first = first.arr[0]
	}
	f, _ := searchScalar(first)
	b := []byte{'['}
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSON(b, v)
	}
	return JSONSearchValue{Text: append(b, ']'), First: f}, true
}

// searchScalar is v as RediSearch replies a single JSON value.
func searchScalar(v *jsonVal) ([]byte, bool) {
	switch v.k {
	case jNull:
		return nil, false
	case jTrue:
		return []byte("1"), true
	case jFalse:
		return []byte("0"), true
	case jInt:
		return strconv.AppendInt(nil, v.i, 10), true
	case jFloat:
		f := v.fl()
		if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			return strconv.AppendInt(nil, int64(f), 10), true
		}
		return strconv.AppendFloat(nil, f, 'g', 12, 64), true
	case jString:
		return []byte(v.s), true
	}
	return appendJSON(nil, v), true
}
