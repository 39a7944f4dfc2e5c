package ftargs

import (
	"math"
	"strconv"
	"strings"
)

var posInf = math.Inf(1)

// ValueKind is the type of a pipeline value.
type ValueKind uint8

// The pipeline's value types.
const (
	Null ValueKind = iota
	Number
	String
	Array
)

// Value is one value in an aggregate row.
type Value struct {
	Kind ValueKind
	Num  float64
	Str  string
	Arr  []Value
	// Shown, when not "", is what the reply shows instead: a JSON
	// document's value with DIALECT 3 or FORMAT EXPAND (every match as a
	// JSON array) while the pipeline computes with its first match.
	Shown string
}

// Num returns a number value.
func Num(f float64) Value { return Value{Kind: Number, Num: f} }

// Str returns a string value.
func Str(s string) Value { return Value{Kind: String, Str: s} }

// FormatNum formats a number as RediSearch replies it (%.12g).
func FormatNum(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', 12, 64)
}

// String returns v as text: a number formatted, an array's elements
// joined by commas, "" for null.
func (v Value) String() string {
	switch v.Kind {
	case Number:
		return FormatNum(v.Num)
	case String:
		return v.Str
	case Array:
		parts := make([]string, len(v.Arr))
		for i, e := range v.Arr {
			parts[i] = e.String()
		}
		return strings.Join(parts, ",")
	}
	return ""
}

// ToNumber converts v to a number: a number, or a string that reads as
// one.
func (v Value) ToNumber() (float64, bool) {
	switch v.Kind {
	case Number:
		return v.Num, true
	case String:
		t := strings.TrimSpace(v.Str)
		if t == "" {
			return 0, false
		}
		f, err := strconv.ParseFloat(t, 64)
		if err != nil && !isRangeErr(err) {
			return 0, false
		}
		return f, true
	}
	return 0, false
}

func isRangeErr(err error) bool {
	e, ok := err.(*strconv.NumError)
	return ok && e.Err == strconv.ErrRange
}

// Truthy says whether v counts as true in FILTER and the logical
// operators.
func (v Value) Truthy() bool {
	switch v.Kind {
	case Number:
		return v.Num != 0
	case String:
		return v.Str != ""
	case Array:
		return len(v.Arr) > 0
	}
	return false
}

// Compare orders two values: nulls first, then numbers (strings that read
// as numbers count as numbers) numerically, then strings bytewise.
func Compare(a, b Value) int {
	if a.Kind == Null || b.Kind == Null {
		switch {
		case a.Kind == b.Kind:
			return 0
		case a.Kind == Null:
			return -1
		}
		return 1
	}
	fa, oka := a.ToNumber()
	fb, okb := b.ToNumber()
	if oka && okb {
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	}
	return strings.Compare(a.String(), b.String())
}

// key is v as a map key for grouping and distinct counting.
func (v Value) key() string { return string(v.appendKey(nil)) }

// appendKey appends v's key to dst: "n" for null, "s" and the text for
// a number (formatted) or a string, "a" and each element's key after its
// length and a colon for an array.
func (v Value) appendKey(dst []byte) []byte {
	switch v.Kind {
	case Null:
		return append(dst, 'n')
	case Number:
		dst = append(dst, 's')
		switch f := v.Num; {
		case math.IsNaN(f), math.IsInf(f, 0):
			return append(dst, FormatNum(f)...)
		default:
			return strconv.AppendFloat(dst, f, 'g', 12, 64)
		}
	case Array:
		dst = append(dst, 'a')
		for _, e := range v.Arr {
			k := e.appendKey(nil)
			dst = strconv.AppendInt(dst, int64(len(k)), 10)
			dst = append(dst, ':')
			dst = append(dst, k...)
		}
		return dst
	}
	return append(append(dst, 's'), v.Str...)
}

// Row is one row of an aggregate: named values in order.
type Row struct {
	Names []string
	Vals  []Value
}

// Get returns the value named name.
func (r *Row) Get(name string) (Value, bool) {
	for i, n := range r.Names {
		if n == name {
			return r.Vals[i], true
		}
	}
	return Value{}, false
}

// Set sets the value named name, appending it if new.
func (r *Row) Set(name string, v Value) {
	for i, n := range r.Names {
		if n == name {
			r.Vals[i] = v
			return
		}
	}
	r.Names = append(r.Names, name)
	r.Vals = append(r.Vals, v)
}

// take removes the value named name from the row and returns it.
func (r *Row) take(name string) (Value, bool) {
	for i, n := range r.Names {
		if n == name {
			v := r.Vals[i]
			r.Names = append(r.Names[:i:i], r.Names[i+1:]...)
			r.Vals = append(r.Vals[:i:i], r.Vals[i+1:]...)
			return v, true
		}
	}
	return Value{}, false
}

// Reply returns the row as a flat name/value array for writing: strings,
// nil for null, nested []any for arrays.
func (r *Row) Reply() []any {
	out := make([]any, 0, 2*len(r.Names))
	for i, n := range r.Names {
		out = append(out, n, r.Vals[i].Reply())
	}
	return out
}

// Reply returns v for writing: a string, nil, or []any.
func (v Value) Reply() any {
	if v.Shown != "" {
		return v.Shown
	}
	switch v.Kind {
	case Null:
		return nil
	case Array:
		out := make([]any, len(v.Arr))
		for i, e := range v.Arr {
			out[i] = e.Reply()
		}
		return out
	}
	return v.String()
}
