package ftargs

import (
	"encoding/json"
	"math"
	"strconv"
)

// FirstMatch reads text, the JSON array of a path's matches, and returns
// its first match (the first element of it, if an array) as a node's
// pipeline holds it: a string as it is, a number in %.12g form, a
// boolean as 1 or 0, null as null, an object or array as its text.
func FirstMatch(text string) (Value, bool) {
	var all []json.RawMessage
	if err := json.Unmarshal([]byte(text), &all); err != nil || len(all) == 0 {
		return Value{}, false
	}
	first := all[0]
	if len(first) > 0 && first[0] == '[' {
		var inner []json.RawMessage
		if err := json.Unmarshal(first, &inner); err != nil || len(inner) == 0 {
			return Value{}, false
		}
		first = inner[0]
	}
	switch first[0] {
	case '"':
		var s string
		if json.Unmarshal(first, &s) != nil {
			return Value{}, false
		}
		return Str(s), true
	case 't':
		return Str("1"), true
	case 'f':
		return Str("0"), true
	case 'n':
		return Value{}, true
	case '{', '[':
		return Str(string(first)), true
	}
	f, err := strconv.ParseFloat(string(first), 64)
	if err != nil {
		return Value{}, false
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
		return Str(strconv.FormatInt(int64(f), 10)), true
	}
	return Str(strconv.FormatFloat(f, 'g', 12, 64)), true
}
