package resp

import "strconv"

// AppendSimple appends a simple string reply ("+OK"). A CR or LF in s
// is written as a space, as Redis writes them, so text a client sent
// (echoed in the reply) cannot end the line early and inject replies.
func AppendSimple[S ~string | ~[]byte](dst []byte, s S) []byte {
	dst = append(dst, '+')
	dst = appendLine(dst, s)
	return append(dst, '\r', '\n')
}

// AppendError appends an error reply; msg should start with an error code
// such as "ERR". A CR or LF in msg is written as a space (see
// AppendSimple).
func AppendError[S ~string | ~[]byte](dst []byte, msg S) []byte {
	dst = append(dst, '-')
	dst = appendLine(dst, msg)
	return append(dst, '\r', '\n')
}

// appendLine appends s with each CR and LF replaced by a space.
func appendLine[S ~string | ~[]byte](dst []byte, s S) []byte {
	at := len(dst)
	dst = append(dst, s...)
	for i := at; i < len(dst); i++ {
		if c := dst[i]; c == '\r' || c == '\n' {
			dst[i] = ' '
		}
	}
	return dst
}

// AppendInt appends an integer reply.
func AppendInt(dst []byte, n int64) []byte {
	dst = append(dst, ':')
	dst = strconv.AppendInt(dst, n, 10)
	return append(dst, '\r', '\n')
}

// AppendBulk appends a bulk string reply.
func AppendBulk[S ~string | ~[]byte](dst []byte, b S) []byte {
	dst = append(dst, '$')
	dst = strconv.AppendInt(dst, int64(len(b)), 10)
	dst = append(dst, '\r', '\n')
	dst = append(dst, b...)
	return append(dst, '\r', '\n')
}

// AppendNull appends the null bulk string ("$-1").
func AppendNull(dst []byte) []byte { return append(dst, "$-1\r\n"...) }

// AppendNullArray appends the null array ("*-1").
func AppendNullArray(dst []byte) []byte { return append(dst, "*-1\r\n"...) }

// AppendArray appends the header of an array of n elements; the caller
// appends the elements.
func AppendArray(dst []byte, n int) []byte {
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(n), 10)
	return append(dst, '\r', '\n')
}

// AppendCommand appends a command as a RESP array of bulk strings, the
// form servers expect.
func AppendCommand[S ~string | ~[]byte](dst []byte, args ...S) []byte {
	dst = AppendArray(dst, len(args))
	for _, a := range args {
		dst = AppendBulk(dst, a)
	}
	return dst
}
