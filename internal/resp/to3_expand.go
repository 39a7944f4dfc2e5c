package resp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"
)

// FORMAT EXPAND: RediSearch 2.8 answers a JSON index's values in RESP3
// as native structures rather than JSON text. A node writes them as the
// JSON text of every match (as DIALECT 3 does), and the shape's ftExpand
// bit makes the RESP3 conversion expand that text: an object is a map,
// an array an array, a string a bulk string, null a null, a number an
// integer when it is integral and a double otherwise, and a boolean 1 or
// 0 (as RediSearch 2.8 turns them into numbers).

// ftExpand marks an FT shape whose field values are expanded.
const ftExpand Shape = 0x80

// FTExpandShape is shape (one of FT.SEARCH's or FT.AGGREGATE's) for a
// request with FORMAT EXPAND; other shapes are returned unchanged.
func FTExpandShape(shape Shape) Shape {
	if !isFT(shape) {
		return shape
	}
	return shape | ftExpand
}

// jsonNode is a parsed JSON value.
type jsonNode struct {
	kind byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' boolean, 'z' null
	str  string
	num  json.Number
	b    bool
	keys []string
	kids []*jsonNode
}

// appendJSON3 appends the RESP3 form of v when it is a bulk string
// holding one JSON value; ok is false (nothing appended) otherwise.
func appendJSON3(dst []byte, v *Value) ([]byte, bool) {
	if v.Kind != BulkString || v.Null {
		return dst, false
	}
	d := json.NewDecoder(bytes.NewReader(v.Str))
	d.UseNumber()
	n, err := decodeJSONNode(d, 0)
	if err != nil {
		return dst, false
	}
	if _, err := d.Token(); err != io.EOF {
		return dst, false
	}
	return appendJSONNode(dst, n), true
}

var errJSONForm = errors.New("not one JSON value")

func decodeJSONNode(d *json.Decoder, depth int) (*jsonNode, error) {
	if depth > MaxDepth {
		return nil, errJSONForm
	}
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch x := t.(type) {
	case json.Delim:
		n := &jsonNode{kind: 'a'}
		if x == '{' {
			n.kind = 'o'
		} else if x != '[' {
			return nil, errJSONForm
		}
		for d.More() {
			if n.kind == 'o' {
				k, err := d.Token()
				if err != nil {
					return nil, err
				}
				key, ok := k.(string)
				if !ok {
					return nil, errJSONForm
				}
				n.keys = append(n.keys, key)
			}
			kid, err := decodeJSONNode(d, depth+1)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, kid)
		}
		if _, err := d.Token(); err != nil { // the closing delimiter
			return nil, err
		}
		return n, nil
	case string:
		return &jsonNode{kind: 's', str: x}, nil
	case json.Number:
		return &jsonNode{kind: 'n', num: x}, nil
	case bool:
		return &jsonNode{kind: 'b', b: x}, nil
	case nil:
		return &jsonNode{kind: 'z'}, nil
	}
	return nil, errJSONForm
}

func appendJSONNode(dst []byte, n *jsonNode) []byte {
	switch n.kind {
	case 'o':
		dst = AppendMap(dst, len(n.kids))
		for i, k := range n.kids {
			dst = AppendBulk(dst, n.keys[i])
			dst = appendJSONNode(dst, k)
		}
		return dst
	case 'a':
		dst = AppendArray(dst, len(n.kids))
		for _, k := range n.kids {
			dst = appendJSONNode(dst, k)
		}
		return dst
	case 's':
		return AppendBulk(dst, n.str)
	case 'b':
		if n.b {
			return AppendInt(dst, 1)
		}
		return AppendInt(dst, 0)
	case 'z':
		return AppendNull3(dst)
	}
	if i, err := strconv.ParseInt(string(n.num), 10, 64); err == nil {
		return AppendInt(dst, i)
	}
	f, err := strconv.ParseFloat(string(n.num), 64)
	if err != nil {
		return AppendBulk(dst, string(n.num))
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
		return AppendInt(dst, int64(f))
	}
	return AppendDouble(dst, f)
}
