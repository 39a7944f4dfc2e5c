package resp

import (
	"math"
	"strconv"
)

// The RESP3 reply kinds a RESP2 client never sees, by prefix byte.
const (
	Null3    Kind = '_'
	Double   Kind = ','
	Boolean  Kind = '#'
	Map      Kind = '%'
	Set      Kind = '~'
	Push     Kind = '>'
	Verbatim Kind = '='
	BigNum   Kind = '('
	BlobErr  Kind = '!'
	Attr     Kind = '|'
)

// AppendNull3 appends RESP3's null ("_"), which stands for both the null
// bulk string and the null array of RESP2.
func AppendNull3(dst []byte) []byte { return append(dst, "_\r\n"...) }

// AppendMap appends the header of a RESP3 map of n key-value pairs; the
// caller appends the 2n elements, key first.
func AppendMap(dst []byte, n int) []byte { return appendHeader(dst, '%', n) }

// AppendSet appends the header of a RESP3 set of n elements.
func AppendSet(dst []byte, n int) []byte { return appendHeader(dst, '~', n) }

// AppendPush appends the header of a RESP3 push of n elements.
func AppendPush(dst []byte, n int) []byte { return appendHeader(dst, '>', n) }

func appendHeader(dst []byte, kind byte, n int) []byte {
	dst = append(dst, kind)
	dst = strconv.AppendInt(dst, int64(n), 10)
	return append(dst, '\r', '\n')
}

// AppendDouble appends a RESP3 double (",1.5"), written as FormatDouble
// writes it.
func AppendDouble(dst []byte, f float64) []byte {
	dst = append(dst, ',')
	dst = AppendDoubleText(dst, f)
	return append(dst, '\r', '\n')
}

// AppendDoubleText appends f as Redis 7.0 writes a double reply in either
// protocol: C's "%.17g" ("0.10000000000000001", "2", "1e+20"), and "inf",
// "-inf" or "nan".
func AppendDoubleText(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case math.IsNaN(f):
		return append(dst, "nan"...)
	}
	return strconv.AppendFloat(dst, f, 'g', 17, 64)
}

// FormatDouble returns f as AppendDoubleText writes it.
func FormatDouble(f float64) string { return string(AppendDoubleText(nil, f)) }

// AppendBool appends a RESP3 boolean ("#t" or "#f").
func AppendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, "#t\r\n"...)
	}
	return append(dst, "#f\r\n"...)
}

// AppendVerbatim appends a RESP3 verbatim string of format "txt" (INFO,
// CLIENT INFO and CLIENT LIST answer with one).
func AppendVerbatim[S ~string | ~[]byte](dst []byte, s S) []byte {
	dst = append(dst, '=')
	dst = strconv.AppendInt(dst, int64(len(s)+4), 10)
	dst = append(dst, "\r\ntxt:"...)
	dst = append(dst, s...)
	return append(dst, '\r', '\n')
}
