package cache

import (
	"errors"
	"regexp"
	"strconv"
)

// The JSON commands that read: lengths, keys, ARRINDEX, RESP, DEBUG MEMORY.

// jsonQuery runs fn over the values path selects, read-only: JSONPath
// answers an array (null for values want refuses), legacy the first
// value's reply. Missing keys: missing(legacy) decides.
func (ks *Keyspace) jsonQuery(key []byte, path *JSONPath, want func(*jsonVal) bool, what string, onMissing func() (JSONReply, error), fn func(v *jsonVal) JSONReply) (JSONReply, error) {
	var r JSONReply
	var ferr error
	err := ks.jsonRead(key, func(root *jsonVal) error {
		if root == nil {
			r, ferr = onMissing()
			return nil
		}
		vs, err := path.values(root)
		if err != nil {
			return err
		}
		if path.Legacy {
			if len(vs) == 0 {
				return ErrJSONNoPath
			}
			if !want(vs[0]) {
				return jsonTypeErr(what)
			}
			r = fn(vs[0])
			return nil
		}
		es := make([]JSONReply, len(vs))
		for i, v := range vs {
			if want(v) {
				es[i] = fn(v)
			}
		}
		r = jsonArrReply(es)
		return nil
	})
	if err != nil {
		return JSONReply{}, err
	}
	return r, ferr
}

func nullIfLegacy(path *JSONPath, err error) func() (JSONReply, error) {
	return func() (JSONReply, error) {
		if path.Legacy {
			return jsonNullReply(), nil
		}
		return JSONReply{}, err
	}
}

// JSONStrLen is JSON.STRLEN.
func (ks *Keyspace) JSONStrLen(key []byte, path *JSONPath) (JSONReply, error) {
	return ks.jsonQuery(key, path, isString, "string", nullIfLegacy(path, ErrJSONNoKey), func(v *jsonVal) JSONReply {
		return jsonIntReply(int64(len(v.s)))
	})
}

// JSONArrLen is JSON.ARRLEN.
func (ks *Keyspace) JSONArrLen(key []byte, path *JSONPath) (JSONReply, error) {
	r, err := ks.jsonQuery(key, path, isArray, "array", nullIfLegacy(path, ErrJSONNoKey), func(v *jsonVal) JSONReply {
		return jsonIntReply(int64(len(v.arr)))
	})
	if err != nil && path.Legacy && errors.Is(err, ErrJSONPathType) {
		err = jsonNotFoundOr("not an array")
	}
	return r, err
}

func isObject(v *jsonVal) bool { return v.k == jObject }

// JSONObjLen is JSON.OBJLEN.
func (ks *Keyspace) JSONObjLen(key []byte, path *JSONPath) (JSONReply, error) {
	r, err := ks.jsonQuery(key, path, isObject, "object", nullIfLegacy(path, jsonNotFoundOr("not an object")), func(v *jsonVal) JSONReply {
		return jsonIntReply(int64(len(v.arr)))
	})
	if err == ErrJSONNoPath && path.Legacy {
		return jsonNullReply(), nil
	}
	return r, err
}

// JSONObjKeys is JSON.OBJKEYS.
func (ks *Keyspace) JSONObjKeys(key []byte, path *JSONPath) (JSONReply, error) {
	r, err := ks.jsonQuery(key, path, isObject, "object", nullIfLegacy(path, ErrJSONNoKey), func(v *jsonVal) JSONReply {
		es := make([]JSONReply, len(v.arr))
		for i, k := range v.names() {
			es[i] = jsonBulkReply(k)
		}
		return jsonArrReply(es)
	})
	switch {
	case err == ErrJSONNoPath && path.Legacy:
		return jsonNullReply(), nil
	case err != nil && path.Legacy && errors.Is(err, ErrJSONPathType):
		err = jsonNotFoundOr("not an object")
	}
	return r, err
}

// JSONArrIndex is JSON.ARRINDEX: the first position of the value in
// [start, stop) (stop 0: the end), -1 if absent.
func (ks *Keyspace) JSONArrIndex(key []byte, path *JSONPath, text []byte, start, stop int64) (JSONReply, error) {
	val, err := parseJSON(text)
	if err != nil {
		return JSONReply{}, err
	}
	return ks.jsonQuery(key, path, isArray, "array", func() (JSONReply, error) { return JSONReply{}, ErrJSONNoPath }, func(v *jsonVal) JSONReply {
		n := int64(len(v.arr))
		if n == 0 {
			return jsonIntReply(-1)
		}
		s := start
		if s < 0 {
			s = max(0, n+s)
		} else {
			s = min(s, n-1)
		}
		e := stop
		switch {
		case e == 0:
			e = n
		case e < 0:
			e = max(0, n+e)
		default:
			e = min(e, n)
		}
		for i := s; i < e; i++ {
			if v.arr[i].equal(val) {
				return jsonIntReply(i)
			}
		}
		return jsonIntReply(-1)
	})
}

// JSONResp is JSON.RESP: the values as RESP structures.
func (ks *Keyspace) JSONResp(key []byte, path *JSONPath) (JSONReply, error) {
	return ks.jsonQuery(key, path, func(*jsonVal) bool { return true }, "", func() (JSONReply, error) { return jsonNullReply(), nil }, respOf)
}

func respOf(v *jsonVal) JSONReply {
	switch v.k {
	case jNull:
		return jsonNullReply()
	case jTrue, jFalse:
		return JSONReply{Kind: JSONSimple, Str: strconv.FormatBool(v.k == jTrue)}
	case jInt:
		return jsonIntReply(v.i)
	case jFloat:
		return JSONReply{Kind: JSONDouble, Float: v.fl()}
	case jString:
		return jsonBulkReply(v.s)
	case jArray:
		es := make([]JSONReply, 0, len(v.arr)+1)
		es = append(es, JSONReply{Kind: JSONSimple, Str: "["})
		for _, e := range v.arr {
			es = append(es, respOf(e))
		}
		return jsonArrReply(es)
	}
	es := make([]JSONReply, 0, 2*len(v.arr)+1)
	es = append(es, JSONReply{Kind: JSONSimple, Str: "{"})
	for i, e := range v.arr {
		es = append(es, jsonBulkReply(v.obj.keys[i]), respOf(e))
	}
	return jsonArrReply(es)
}

// JSONDebugMemory is JSON.DEBUG MEMORY: the bytes of the values path
// selects (legacy: of the first; 0 for a missing key), as the document is
// kept: its text's share when it is kept as text, its nodes' otherwise.
func (ks *Keyspace) JSONDebugMemory(key []byte, path *JSONPath) (JSONReply, error) {
	asText := false
	_ = readAs(ks, key, kindJSON, (*entry).jsonDoc, func(d *jsonDoc) { asText = d != nil && d.root == nil })
	return ks.jsonQuery(key, path, func(*jsonVal) bool { return true }, "", func() (JSONReply, error) {
		if path.Legacy {
			return jsonIntReply(0), nil
		}
		return jsonArrReply([]JSONReply{}), nil
	}, func(v *jsonVal) JSONReply {
		if asText {
			return jsonIntReply(sizeClass(len(appendJSON(nil, v))))
		}
		return jsonIntReply(v.bytes())
	})
}

// regexps caches nothing: a filter's literal pattern is compiled once
// when the path is parsed; a pattern from the document is compiled here.
func matchRegexp(pattern, s string) bool {
	re, err := regexp.Compile(pattern)
	return err == nil && re.MatchString(s)
}
