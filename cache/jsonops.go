package cache

import (
	"math"
	"strconv"
)

// jsonModify runs fn on each value path selects that want accepts, as
// RedisJSON's commands that change values in place do: JSONPath answers
// an array with null for the values of another type; the legacy syntax
// answers the last reply and an error ("Path does not exist or <what>")
// when no value fits. A missing key is ErrJSONNoKey.
func (ks *Keyspace) jsonModify(key []byte, path *JSONPath, want func(*jsonVal) bool, what string, fn func(v *jsonVal) (JSONReply, error)) (JSONReply, error) {
	var r JSONReply
	err := ks.jsonWriteAt(key, path, func(vs []*jsonVal) (bool, error) {
		changed := false
		if path.Legacy {
			n := 0
			for _, v := range vs {
				if !want(v) {
					continue
				}
				one, err := fn(v)
				if err != nil {
					return changed, err
				}
				r, changed = one, true
				n++
			}
			if n == 0 {
				return false, jsonNotFoundOr(what)
			}
			return changed, nil
		}
		es := make([]JSONReply, len(vs))
		for i, v := range vs {
			if !want(v) {
				continue
			}
			one, err := fn(v)
			if err != nil {
				return changed, err
			}
			es[i], changed = one, true
		}
		r = jsonArrReply(es)
		return changed, nil
	})
	return r, err
}

// jsonWriteAt runs fn, under the key's write lock, on the values at path
// of the JSON document at key (ErrJSONNoKey when missing); fn reports
// whether it changed the document.
func (ks *Keyspace) jsonWriteAt(key []byte, path *JSONPath, fn func(vs []*jsonVal) (bool, error)) error {
	return ks.jsonWrite(key, func(root *jsonVal) (*jsonVal, bool, error) {
		if root == nil {
			return nil, false, ErrJSONNoKey
		}
		vs, err := path.values(root)
		if err != nil {
			return root, false, err
		}
		changed, err := fn(vs)
		return root, changed, err
	})
}

func isArray(v *jsonVal) bool  { return v.k == jArray }
func isString(v *jsonVal) bool { return v.k == jString }

// JSONNumOp is JSON.NUMINCRBY (mult false) and JSON.NUMMULTBY (mult true).
// JSONPath answers the results as a JSON array text (an array of numbers
// with resp3), legacy the last result's text.
func (ks *Keyspace) JSONNumOp(key []byte, path *JSONPath, numText []byte, mult, resp3 bool) (JSONReply, error) {
	return ks.jsonNumApply(key, path, numText, resp3, func(v, num *jsonVal) (*jsonVal, error) { return numOp(v, num, mult) })
}

// jsonNumApply replaces each number at path by op(number, numText's
// number) and answers as JSONNumOp says.
func (ks *Keyspace) jsonNumApply(key []byte, path *JSONPath, numText []byte, resp3 bool, op func(v, num *jsonVal) (*jsonVal, error)) (JSONReply, error) {
	num, err := parseJSON(numText)
	if err != nil {
		return JSONReply{}, err
	}
	if !num.isNum() {
		return JSONReply{}, jsonTypeErr("number")
	}
	if resp3 && path.Legacy {
		// RedisJSON answers RESP3 clients one number per match, legacy
		// path or not.
		p := *path
		p.Legacy = false
		path = &p
	}
	var results []*jsonVal
	r, err := ks.jsonModify(key, path, (*jsonVal).isNum, "does not contains a number", func(v *jsonVal) (JSONReply, error) {
		res, err := op(v, num)
		if err != nil {
			return JSONReply{}, err
		}
		*v = *res
		results = append(results, res)
		if resp3 && res.k == jFloat {
			return JSONReply{Kind: JSONDouble, Float: res.fl()}, nil
		}
		if resp3 {
			return jsonIntReply(res.i), nil
		}
		return jsonBulkReply(string(appendJSON(nil, res))), nil
	})
	if err != nil || resp3 || path.Legacy {
		return r, err
	}
	// JSONPath in RESP2: one JSON text, null for the values not numbers.
	arr := &jsonVal{k: jArray}
	ri := 0
	for _, e := range r.Elems {
		if e.Kind == JSONNull {
			arr.arr = append(arr.arr, &jsonVal{k: jNull})
			continue
		}
		arr.arr = append(arr.arr, results[ri])
		ri++
	}
	return jsonBulkReply(string(appendJSON(nil, arr))), nil
}

// numOp adds num to v, or multiplies it: integers stay integers (an
// overflow is an error), anything else is a float.
func numOp(v, num *jsonVal, mult bool) (*jsonVal, error) {
	if v.k == jInt && num.k == jInt {
		a, b := v.i, num.i
		var r int64
		if mult {
			r = a * b
			if a != 0 && (r/a != b || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64)) {
				return nil, ErrJSONOverflow
			}
		} else {
			r = a + b
			if (b > 0 && r < a) || (b < 0 && r > a) {
				return nil, ErrJSONOverflow
			}
		}
		return &jsonVal{k: jInt, i: r}, nil
	}
	var f float64
	if mult {
		f = v.num() * num.num()
	} else {
		f = v.num() + num.num()
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, ErrJSONOverflow
	}
	return newFloat(f), nil
}

// JSONStrAppend is JSON.STRAPPEND: text must be a JSON string.
func (ks *Keyspace) JSONStrAppend(key []byte, path *JSONPath, text []byte) (JSONReply, error) {
	s, err := parseJSON(text)
	if err != nil {
		return JSONReply{}, err
	}
	if s.k != jString {
		return JSONReply{}, jsonTypeErr("string")
	}
	return ks.jsonModify(key, path, isString, "not a string", func(v *jsonVal) (JSONReply, error) {
		v.s += s.s
		return jsonIntReply(int64(len(v.s))), nil
	})
}

// JSONToggle is JSON.TOGGLE: legacy answers "true"/"false", JSONPath 1/0.
func (ks *Keyspace) JSONToggle(key []byte, path *JSONPath) (JSONReply, error) {
	return ks.jsonModify(key, path, isBool, "not a bool", func(v *jsonVal) (JSONReply, error) {
		if v.k == jTrue {
			v.k = jFalse
		} else {
			v.k = jTrue
		}
		if path.Legacy {
			return jsonBulkReply(strconv.FormatBool(v.k == jTrue)), nil
		}
		return jsonIntReply(boolInt(v)), nil
	})
}

// JSONArrAppend is JSON.ARRAPPEND.
func (ks *Keyspace) JSONArrAppend(key []byte, path *JSONPath, texts [][]byte) (JSONReply, error) {
	vals, err := parseJSONs(texts)
	if err != nil {
		return JSONReply{}, err
	}
	return ks.jsonModify(key, path, isArray, "not an array", func(v *jsonVal) (JSONReply, error) {
		for _, e := range vals {
			v.arr = append(v.arr, e.clone())
		}
		return jsonIntReply(int64(len(v.arr))), nil
	})
}

func parseJSONs(texts [][]byte) ([]*jsonVal, error) {
	vals := make([]*jsonVal, len(texts))
	for i, t := range texts {
		v, err := parseJSON(t)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	return vals, nil
}

// JSONArrInsert is JSON.ARRINSERT.
func (ks *Keyspace) JSONArrInsert(key []byte, path *JSONPath, index int64, texts [][]byte) (JSONReply, error) {
	vals, err := parseJSONs(texts)
	if err != nil {
		return JSONReply{}, err
	}
	return ks.jsonModify(key, path, isArray, "not an array", func(v *jsonVal) (JSONReply, error) {
		n := int64(len(v.arr))
		i := index
		if i < 0 {
			i += n
		}
		if i < 0 || i > n {
			return JSONReply{}, ErrJSONIndex
		}
		ins := make([]*jsonVal, len(vals))
		for j, e := range vals {
			ins[j] = e.clone()
		}
		v.arr = append(v.arr[:i], append(ins, v.arr[i:]...)...)
		return jsonIntReply(int64(len(v.arr))), nil
	})
}

// JSONArrPop is JSON.ARRPOP: the popped values' texts (null for an empty
// array).
func (ks *Keyspace) JSONArrPop(key []byte, path *JSONPath, index int64) (JSONReply, error) {
	return ks.jsonModify(key, path, isArray, "not an array", func(v *jsonVal) (JSONReply, error) {
		n := int64(len(v.arr))
		if n == 0 {
			return jsonNullReply(), nil
		}
		i := index
		if i < 0 {
			i = max(n+i, 0)
		} else {
			i = min(i, n-1)
		}
		e := v.arr[i]
		v.arr = append(v.arr[:i], v.arr[i+1:]...)
		return jsonBulkReply(string(appendJSON(nil, e))), nil
	})
}

// JSONArrTrim is JSON.ARRTRIM.
func (ks *Keyspace) JSONArrTrim(key []byte, path *JSONPath, start, stop int64) (JSONReply, error) {
	return ks.jsonModify(key, path, isArray, "not an array", func(v *jsonVal) (JSONReply, error) {
		n := int64(len(v.arr))
		norm := func(i int64) int64 {
			switch {
			case i < 0:
				return max(n+i, 0)
			case n > 0:
				return min(n-1, i)
			}
			return 0
		}
		e := norm(stop)
		var s int64
		if start < 0 || start < n {
			s = norm(start)
		} else {
			s = e + 1
		}
		if s > e || n == 0 {
			v.arr = v.arr[:0]
		} else {
			v.arr = append(v.arr[:0], v.arr[s:e+1]...)
		}
		return jsonIntReply(int64(len(v.arr))), nil
	})
}

// JSONClear is JSON.CLEAR: empties arrays and objects and zeroes numbers,
// returning how many values it changed.
func (ks *Keyspace) JSONClear(key []byte, path *JSONPath) (int64, error) {
	var n int64
	err := ks.jsonWriteAt(key, path, func(vs []*jsonVal) (bool, error) {
		for _, v := range vs {
			switch {
			case v.k == jArray && len(v.arr) > 0:
				v.arr = []*jsonVal{}
			case v.k == jObject && len(v.arr) > 0:
				v.arr, v.obj = []*jsonVal{}, &jsonObj{keys: []string{}}
			case v.k == jInt && v.i != 0, v.k == jFloat && v.fl() != 0:
				*v = jsonVal{k: jInt}
			default:
				continue
			}
			n++
		}
		return n > 0, nil
	})
	return n, err
}
