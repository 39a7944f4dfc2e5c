package resp

// Shape is how a command's RESP3 reply differs from its RESP2 reply
// besides nulls (the null bulk string and the null array are "_" in
// RESP3 whatever the command). The proxy, which reads RESP2 from the
// nodes, converts each reply for a RESP3 client with To3 and the shape
// its command declares; the node writes the same forms directly.
type Shape uint8

// The shapes of Redis 7's RESP3 replies.
const (
	// AsIs: the same form in both protocols.
	AsIs Shape = iota
	// AsMap: a flat array of key, value, key, value... is a map
	// (HGETALL, CONFIG GET).
	AsMap
	// AsSet: an array is a set (SMEMBERS, SINTER).
	AsSet
	// AsDouble: a bulk string holding a number is a double (ZSCORE,
	// ZINCRBY; an integer reply stays one, as ZADD's without INCR).
	AsDouble
	// AsDoubles: each bulk string of an array is a double (ZMSCORE).
	AsDoubles
	// AsPairs: a flat array of a, b, a, b... is an array of [a, b]
	// arrays (HRANDFIELD WITHVALUES).
	AsPairs
	// AsScorePairs: a flat array of member, score... is an array of
	// [member, score] arrays with the scores doubles (ZRANGE WITHSCORES).
	AsScorePairs
	// AsFlatScores: a flat array of member, score... stays flat, with
	// every second element a double (ZPOPMIN without a count).
	AsFlatScores
	// AsVerbatim: a bulk string is a verbatim string of format txt (INFO,
	// CLIENT INFO, CLIENT LIST).
	AsVerbatim
	// AsKeyScorePairs: an array [key, [[member, score]...]] keeps its
	// form, with the scores doubles (ZMPOP).
	AsKeyScorePairs
	// AsKeyMemberScore: an array [key, member, score] keeps its form,
	// with the score a double (BZPOPMIN, BZPOPMAX).
	AsKeyMemberScore

	// asScoreList: an array of [member, score] arrays keeps its form,
	// with the scores doubles (the second element of AsKeyScorePairs).
	asScoreList
	// numShapes counts the shapes above.
	numShapes
)

// To3 appends to dst the RESP3 form of src, one complete RESP2 reply (as
// a node sends it), for a command whose reply has the given shape. A
// reply that does not have the shape (an error, a null, a map already)
// keeps its form, with its nulls made RESP3's. Input that is not one
// well-formed reply is appended unchanged: To3 never fails or panics.
func To3(dst, src []byte, shape Shape) []byte {
	if (shape == AsIs || isFT(shape) || isTree(shape)) && len(src) > 1 && src[1] != '-' {
		switch Kind(src[0]) {
		case SimpleString, Error, Integer, BulkString:
			// Not a null and nothing inside: as it is (malformed
			// input is appended as it is in any case).
			return append(dst, src...)
		}
	}
	mark := len(dst)
	out, n, ok := to3(dst, src, shape, 0)
	if !ok || n != len(src) {
		return append(dst[:mark], src...)
	}
	return out
}

// to3 converts the reply at the start of src; it returns how many bytes
// of src it used, or ok false on malformed input.
func to3(dst, src []byte, shape Shape, depth int) (out []byte, n int, ok bool) {
	if isFT(shape) {
		if v, used, err := parse(src, depth); err == nil {
			if out, ok := ft3(dst, &v, shape); ok {
				return out, used, true
			}
		}
		shape = AsIs
	}
	if isTree(shape) {
		if v, used, err := parse(src, depth); err == nil {
			return tree3(dst, &v, shape), used, true
		}
		shape = AsIs
	}
	line, n, ok := header(src)
	if !ok {
		return dst, 0, false
	}
	switch Kind(src[0]) {
	case SimpleString, Error, Integer, Null3, Double, Boolean, BigNum:
		return append(dst, src[:n]...), n, true
	case BulkString, Verbatim, BlobErr:
		size, ok := ParseInt(line)
		if !ok || size < -1 {
			return dst, 0, false
		}
		if size == -1 {
			return AppendNull3(dst), n, true
		}
		end := n + int(size)
		if size > int64(len(src)-n-2) || src[end] != '\r' || src[end+1] != '\n' {
			return dst, 0, false
		}
		body := src[n:end]
		switch {
		case src[0] != '$':
			dst = append(dst, src[:end+2]...)
		case shape == AsDouble && !hasCRLF(body):
			dst = append(dst, ',')
			dst = append(dst, body...)
			dst = append(dst, '\r', '\n')
		case shape == AsVerbatim:
			dst = AppendVerbatim(dst, body)
		default:
			dst = append(dst, src[:end+2]...)
		}
		return dst, end + 2, true
	case Array, Map, Set, Push, Attr:
		count, ok := ParseInt(line)
		if !ok || count < -1 {
			return dst, 0, false
		}
		if count == -1 {
			return AppendNull3(dst), n, true
		}
		elems := count
		if src[0] == '%' || src[0] == '|' {
			elems *= 2
		}
		if depth >= MaxDepth || elems > int64(len(src)-n)/3 {
			return dst, 0, false
		}
		if src[0] != '*' {
			shape = AsIs // already RESP3: copied as it is
			dst = append(dst, src[:n]...)
		} else {
			if (shape == AsMap || shape == AsPairs || shape == AsScorePairs) && count > 0 && !isKey(src[n:]) {
				// Keys and members are strings: this is converted
				// already, or not the shape's reply.
				shape = AsIs
			}
			dst = aggregateHeader(dst, int(count), shape)
		}
		for i := 0; i < int(elems); i++ {
			if shape == AsPairs || shape == AsScorePairs {
				if i%2 == 0 && count%2 == 0 {
					dst = append(dst, "*2\r\n"...)
				}
			}
			sub := AsIs
			switch {
			case i%2 == 1 && (shape == AsScorePairs || shape == AsFlatScores) || shape == AsDoubles:
				sub = AsDouble
			case i == 2 && shape == AsKeyMemberScore:
				sub = AsDouble
			case i == 1 && shape == AsKeyScorePairs:
				sub = asScoreList
			case shape == asScoreList:
				sub = AsFlatScores
			}
			var used int
			dst, used, ok = to3(dst, src[n:], sub, depth+1)
			if !ok {
				return dst, 0, false
			}
			n += used
		}
		return dst, n, true
	}
	return dst, 0, false
}

// aggregateHeader writes the RESP3 header of a RESP2 array of count
// elements, converted to shape.
func aggregateHeader(dst []byte, count int, shape Shape) []byte {
	switch {
	case shape == AsMap && count%2 == 0:
		return AppendMap(dst, count/2)
	case shape == AsSet:
		return AppendSet(dst, count)
	case (shape == AsPairs || shape == AsScorePairs) && count%2 == 0:
		return AppendArray(dst, count/2)
	}
	return AppendArray(dst, count)
}

// header returns the text of the line a reply starts with (after its kind
// byte) and where the line ends.
func header(src []byte) (line []byte, n int, ok bool) {
	for i := 1; i < len(src); i++ {
		if src[i] == '\n' {
			if i < 2 || src[i-1] != '\r' {
				return nil, 0, false
			}
			return src[1 : i-1], i + 1, true
		}
	}
	return nil, 0, false
}

// isKey reports whether b starts with what may be a map key or a set
// member: a string (not the null bulk string) or an integer.
func isKey(b []byte) bool {
	switch Kind(b[0]) {
	case SimpleString, Integer:
		return true
	case BulkString:
		return len(b) > 1 && b[1] != '-'
	}
	return false
}

func hasCRLF(b []byte) bool {
	for _, c := range b {
		if c == '\r' || c == '\n' {
			return true
		}
	}
	return false
}

// To3Elems appends to dst the RESP3 form of src, an array whose elements
// are the replies of several commands (EXEC's), converting element i by
// shapes[i]. A reply that is not an array of len(shapes) elements (a null
// for an aborted transaction, an error) is converted as To3 does with
// AsIs.
func To3Elems(dst, src []byte, shapes []Shape) []byte {
	line, n, ok := header(src)
	if !ok || src[0] != '*' {
		return To3(dst, src, AsIs)
	}
	if count, ok := ParseInt(line); !ok || count != int64(len(shapes)) {
		return To3(dst, src, AsIs)
	}
	mark := len(dst)
	dst = append(dst, src[:n]...)
	for _, shape := range shapes {
		var used int
		if dst, used, ok = to3(dst, src[n:], shape, 1); !ok {
			return append(dst[:mark], src...)
		}
		n += used
	}
	if n != len(src) {
		return append(dst[:mark], src...)
	}
	return dst
}
