package cache

import (
	"errors"
	"math"
)

// JSON documents (RedisJSON's ReJSON-RL type): a tree of jsonVal parsed
// once from the client's text and serialized on the way out, so updates
// (NUMINCRBY, ARRAPPEND, SET of a member) change the tree in place.

// JSONTypeName is what TYPE answers for a JSON document, as RedisJSON's.
const JSONTypeName = "ReJSON-RL"

// jsonKind is a JSON value's type.
type jsonKind uint8

const (
	jNull jsonKind = iota
	jFalse
	jTrue
	jInt
	jFloat
	jString
	jArray
	jObject
)

// jsonVal is one JSON value, 64 bytes (a size class). Guarded by the
// stripe lock of its key.
type jsonVal struct {
	k   jsonKind
	i   int64      // jInt: the value; jFloat: its IEEE 754 bits
	s   string     // jString
	arr []*jsonVal // jArray elements; jObject member values
	obj *jsonObj   // jObject: the member names
}

// jsonObj is an object's member names, in insertion order (the value's
// arr holds the values at the same positions); idx maps names to
// positions once the object is large.
type jsonObj struct {
	keys []string
	idx  map[string]int
}

// newObject returns an empty object.
func newObject() *jsonVal {
	return &jsonVal{k: jObject, arr: []*jsonVal{}, obj: &jsonObj{keys: []string{}}}
}

// newFloat returns a number that is not an integer.
func newFloat(f float64) *jsonVal { return &jsonVal{k: jFloat, i: int64(math.Float64bits(f))} }

// fl returns a jFloat's value.
func (v *jsonVal) fl() float64 { return math.Float64frombits(uint64(v.i)) }

// names returns an object's member names (nil for other values).
func (v *jsonVal) names() []string {
	if v.obj == nil {
		return nil
	}
	return v.obj.keys
}

// jsonIndexAt is the member count from which an object keeps a name index.
const jsonIndexAt = 16

// maxJSONDepth bounds nesting, as RedisJSON's recursion limit does.
const maxJSONDepth = 128

// Errors of JSON documents, in RedisJSON's words (node/json.go adds the
// RESP codes: WRONGTYPE for ErrJSONPathType, ERR for the others).
var (
	ErrJSONSyntax    = errors.New("invalid JSON")
	ErrJSONPath      = errors.New("invalid JSON path")
	ErrJSONNoPath    = errors.New("Path does not exist")
	ErrJSONNewAtRoot = errors.New("new objects must be created at the root")
	ErrJSONNoKey     = errors.New("could not perform this operation on a key that doesn't exist")
	ErrJSONOverflow  = errors.New("numeric overflow")
	ErrJSONIndex     = errors.New("index out of bounds")
	ErrJSONArrayIdx  = errors.New("array index out of range")
	ErrJSONDepth     = errors.New("recursion limit exceeded")
	// ErrJSONPathType is a value of another type than the command's.
	ErrJSONPathType = errors.New("wrong type of path value")
)

// jsonError is a JSON error with its own text, of a kind above.
type jsonError struct {
	kind error
	msg  string
}

func (e *jsonError) Error() string { return e.msg }
func (e *jsonError) Unwrap() error { return e.kind }

// jsonTypeErr is RedisJSON's error for a path whose value has another type.
func jsonTypeErr(expected string) error {
	return &jsonError{ErrJSONPathType, "wrong type of path value - expected " + expected}
}

// jsonNotFoundOr is RedisJSON's legacy error for a missing path or a value of
// another type.
func jsonNotFoundOr(what string) error {
	return &jsonError{ErrJSONNoPath, "Path does not exist or " + what}
}

// typeName is JSON.TYPE's name of v.
func (v *jsonVal) typeName() string {
	switch v.k {
	case jNull:
		return "null"
	case jFalse, jTrue:
		return "boolean"
	case jInt:
		return "integer"
	case jFloat:
		return "number"
	case jString:
		return "string"
	case jArray:
		return "array"
	}
	return "object"
}

// member returns the position of an object's member name, or -1.
func (v *jsonVal) member(name string) int {
	if v.obj.idx != nil {
		if i, ok := v.obj.idx[name]; ok {
			return i
		}
		return -1
	}
	for i, k := range v.obj.keys {
		if k == name {
			return i
		}
	}
	return -1
}

// setMember sets (or adds, last) an object's member.
func (v *jsonVal) setMember(name string, val *jsonVal) {
	if i := v.member(name); i >= 0 {
		v.arr[i] = val
		return
	}
	o := v.obj
	o.keys = append(o.keys, name)
	v.arr = append(v.arr, val)
	if o.idx != nil {
		o.idx[name] = len(o.keys) - 1
	} else if len(o.keys) >= jsonIndexAt {
		v.reindex()
	}
}

// delMember removes an object's member at position i, keeping the order.
func (v *jsonVal) delMember(i int) {
	v.obj.keys = append(v.obj.keys[:i], v.obj.keys[i+1:]...)
	v.arr = append(v.arr[:i], v.arr[i+1:]...)
	if v.obj.idx != nil {
		v.reindex()
	}
}

func (v *jsonVal) reindex() {
	o := v.obj
	if len(o.keys) < jsonIndexAt {
		o.idx = nil
		return
	}
	o.idx = make(map[string]int, len(o.keys))
	for i, k := range o.keys {
		o.idx[k] = i
	}
}

// clone returns a deep copy of v.
func (v *jsonVal) clone() *jsonVal {
	c := &jsonVal{k: v.k, i: v.i, s: v.s}
	if v.arr != nil {
		c.arr = make([]*jsonVal, len(v.arr))
		for i, e := range v.arr {
			c.arr[i] = e.clone()
		}
	}
	if v.obj != nil {
		c.obj = &jsonObj{keys: append([]string(nil), v.obj.keys...)}
		c.reindex()
	}
	return c
}

// equal reports whether a and b are the same JSON value (of the same type:
// 1 and 1.0 differ, as in RedisJSON; objects regardless of member order).
func (a *jsonVal) equal(b *jsonVal) bool {
	if a.k != b.k {
		return false
	}
	switch a.k {
	case jInt:
		return a.i == b.i
	case jFloat:
		return a.fl() == b.fl()
	case jString:
		return a.s == b.s
	case jArray:
		if len(a.arr) != len(b.arr) {
			return false
		}
		for i := range a.arr {
			if !a.arr[i].equal(b.arr[i]) {
				return false
			}
		}
	case jObject:
		if len(a.obj.keys) != len(b.obj.keys) {
			return false
		}
		for i, k := range a.obj.keys {
			j := b.member(k)
			if j < 0 || !a.arr[i].equal(b.arr[j]) {
				return false
			}
		}
	}
	return true
}

func (v *jsonVal) isNum() bool { return v.k == jInt || v.k == jFloat }

func (v *jsonVal) num() float64 {
	if v.k == jInt {
		return float64(v.i)
	}
	return v.fl()
}

// bytes estimates v's heap bytes.
func (v *jsonVal) bytes() int64 {
	n := int64(64) // the node
	switch v.k {
	case jString:
		n += sizeClass(len(v.s))
	case jArray:
		n += sizeClass(8 * cap(v.arr))
		for _, e := range v.arr {
			n += e.bytes()
		}
	case jObject:
		n += 32 + sizeClass(8*cap(v.arr)) + sizeClass(16*cap(v.obj.keys)) // 32: the jsonObj
		for i, e := range v.arr {
			n += sizeClass(len(v.obj.keys[i])) + e.bytes()
		}
		if v.obj.idx != nil {
			n += int64(48 * len(v.obj.idx))
		}
	}
	return n
}
