package script

import (
	"bytes"
	"encoding/json"
	"math"
	"sort"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// maxJSONDepth is cjson's default nesting limit.
const maxJSONDepth = 1000

// cjsonConfig is what cjson's configuration functions set.
type cjsonConfig struct {
	encodeDepth, decodeDepth int
	invalidNumbers           bool // encode NaN and Inf (as nan, inf)
}

// cjsonLib makes the cjson table: encode, decode, null and the
// configuration functions (encode_max_depth, decode_max_depth,
// encode_invalid_numbers; encode_keep_buffer is accepted).
func cjsonLib(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	cfg := &cjsonConfig{encodeDepth: maxJSONDepth, decodeDepth: maxJSONDepth}
	setter := func(set func(L *lua.LState)) *lua.LFunction {
		return L.NewFunction(func(L *lua.LState) int {
			if L.GetTop() > 0 {
				set(L)
			}
			return 0
		})
	}
	t.RawSetString("encode_max_depth", setter(func(L *lua.LState) { cfg.encodeDepth = max(1, L.CheckInt(1)) }))
	t.RawSetString("decode_max_depth", setter(func(L *lua.LState) { cfg.decodeDepth = max(1, L.CheckInt(1)) }))
	t.RawSetString("encode_invalid_numbers", setter(func(L *lua.LState) { cfg.invalidNumbers = lua.LVAsBool(L.Get(1)) }))
	t.RawSetString("encode_keep_buffer", setter(func(*lua.LState) {}))
	null := L.NewUserData()
	t.RawSetString("null", null)
	t.RawSetString("encode", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() != 1 {
			L.ArgError(1, "expected 1 argument")
		}
		var buf bytes.Buffer
		if msg := encodeJSON(&buf, L.Get(1), null, 1, cfg); msg != "" {
			L.RaiseError("%s", msg)
		}
		L.Push(lua.LString(buf.String()))
		return 1
	}))
	t.RawSetString("decode", L.NewFunction(func(L *lua.LState) int {
		s := L.CheckString(1)
		if jsonDepth(s) > cfg.decodeDepth {
			L.RaiseError("Found too many nested data structures (%d) at character 1", cfg.decodeDepth+1)
		}
		d := json.NewDecoder(bytes.NewReader([]byte(s)))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			L.RaiseError("Expected value but found invalid token at character 1")
		}
		if d.More() {
			L.RaiseError("Expected the end but found invalid token")
		}
		L.Push(fromJSON(L, v, null))
		return 1
	}))
	return t
}

func encodeJSON(buf *bytes.Buffer, v lua.LValue, null *lua.LUserData, depth int, cfg *cjsonConfig) string {
	if _, ok := v.(*lua.LTable); ok && depth > cfg.encodeDepth {
		return "Cannot serialise, excessive nesting (" + strconv.Itoa(depth) + ")"
	}
	switch v := v.(type) {
	case *lua.LNilType:
		buf.WriteString("null")
	case lua.LBool:
		buf.WriteString(strconv.FormatBool(bool(v)))
	case lua.LNumber:
		f := float64(v)
		if (math.IsInf(f, 0) || math.IsNaN(f)) && !cfg.invalidNumbers {
			return "Cannot serialise number: must not be NaN or Inf"
		}
		buf.WriteString(numString(f))
	case lua.LString:
		encodeString(buf, string(v))
	case *lua.LUserData:
		if v != null {
			return "Cannot serialise userdata: type not supported"
		}
		buf.WriteString("null")
	case *lua.LTable:
		if n, ok := arrayLen(v); ok && n > 0 {
			buf.WriteByte('[')
			for i := 1; i <= n; i++ {
				if i > 1 {
					buf.WriteByte(',')
				}
				if msg := encodeJSON(buf, v.RawGetInt(i), null, depth+1, cfg); msg != "" {
					return msg
				}
			}
			buf.WriteByte(']')
			return ""
		}
		type kv struct {
			k string
			v lua.LValue
		}
		var fields []kv
		bad := ""
		v.ForEach(func(k, val lua.LValue) {
			switch k := k.(type) {
			case lua.LString:
				fields = append(fields, kv{string(k), val})
			case lua.LNumber:
				fields = append(fields, kv{numString(float64(k)), val})
			default:
				bad = "Cannot serialise " + k.Type().String() + ": table key must be a number or string"
			}
		})
		if bad != "" {
			return bad
		}
		sort.Slice(fields, func(i, j int) bool { return fields[i].k < fields[j].k })
		buf.WriteByte('{')
		for i, f := range fields {
			if i > 0 {
				buf.WriteByte(',')
			}
			encodeString(buf, f.k)
			buf.WriteByte(':')
			if msg := encodeJSON(buf, f.v, null, depth+1, cfg); msg != "" {
				return msg
			}
		}
		buf.WriteByte('}')
	default:
		return "Cannot serialise " + v.Type().String() + ": type not supported"
	}
	return ""
}

// arrayLen reports whether t's keys are exactly 1..n.
func arrayLen(t *lua.LTable) (int, bool) {
	n, count, ok := 0, 0, true
	t.ForEach(func(k, _ lua.LValue) {
		f, isNum := k.(lua.LNumber)
		if !isNum || f < 1 || float64(f) != math.Trunc(float64(f)) {
			ok = false
			return
		}
		count++
		n = max(n, int(f))
	})
	return n, ok && n == count
}

func encodeString(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			buf.WriteString(`\"`)
		case '\\':
			buf.WriteString(`\\`)
		case '/':
			buf.WriteString(`\/`)
		case '\n':
			buf.WriteString(`\n`)
		case '\r':
			buf.WriteString(`\r`)
		case '\t':
			buf.WriteString(`\t`)
		case '\b':
			buf.WriteString(`\b`)
		case '\f':
			buf.WriteString(`\f`)
		default:
			if c < 0x20 || c == 0x7f {
				buf.WriteString(`\u00`)
				buf.WriteByte("0123456789abcdef"[c>>4])
				buf.WriteByte("0123456789abcdef"[c&15])
			} else {
				buf.WriteByte(c)
			}
		}
	}
	buf.WriteByte('"')
}

func fromJSON(L *lua.LState, v any, null *lua.LUserData) lua.LValue {
	switch v := v.(type) {
	case nil:
		return null
	case bool:
		return lua.LBool(v)
	case json.Number:
		f, _ := strconv.ParseFloat(string(v), 64)
		return lua.LNumber(f)
	case string:
		return lua.LString(v)
	case []any:
		t := L.CreateTable(len(v), 0)
		for _, e := range v {
			t.Append(fromJSON(L, e, null))
		}
		return t
	case map[string]any:
		t := L.CreateTable(0, len(v))
		for k, e := range v {
			t.RawSetString(k, fromJSON(L, e, null))
		}
		return t
	}
	return lua.LNil
}

// jsonDepth returns the deepest nesting of arrays and objects in s.
func jsonDepth(s string) int {
	depth, deepest, inStr := 0, 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}
