package node

import (
	"strings"

	"github.com/vcache/vcache/internal/resp"
)

// The reply forms that differ between RESP2 and RESP3. Each writes the
// RESP3 form to a connection that said HELLO 3 and its RESP2 equivalent
// otherwise, so a handler writes one reply for both. The command's spec
// declares the same shape (command.Spec.Reply3), which the proxy uses to
// convert the node's RESP2 replies for its RESP3 clients.

// Map starts a map of n key-value pairs; 2n replies follow, key first
// (a flat array of 2n elements in RESP2).
func (cx *Ctx) Map(n int) {
	if cx.cl.resp3.Load() {
		cx.raw(resp.AppendMap(cx.buf[:0], n))
		return
	}
	cx.w.WriteArray(2 * n)
}

// Set starts a set of n elements (an array in RESP2).
func (cx *Ctx) Set(n int) {
	if cx.cl.resp3.Load() {
		cx.raw(resp.AppendSet(cx.buf[:0], n))
		return
	}
	cx.w.WriteArray(n)
}

// Push starts an out-of-band push of n elements (an array in RESP2).
func (cx *Ctx) Push(n int) {
	if cx.cl.resp3.Load() {
		cx.raw(resp.AppendPush(cx.buf[:0], n))
		return
	}
	cx.w.WriteArray(n)
}

// Double replies with a double (a bulk string in RESP2), written as Redis
// 7.0 writes scores: "%.17g", inf, -inf.
func (cx *Ctx) Double(f float64) {
	if cx.cl.resp3.Load() {
		cx.raw(resp.AppendDouble(cx.buf[:0], f))
		return
	}
	b := resp.AppendDoubleText(cx.buf[:0], f)
	cx.w.WriteBulk(b)
	cx.buf = b[:0] // kept for the next one: no allocation a score
}

// Bool replies with a boolean (the integer 1 or 0 in RESP2).
func (cx *Ctx) Bool(b bool) {
	if cx.cl.resp3.Load() {
		cx.raw(resp.AppendBool(cx.buf[:0], b))
		return
	}
	if b {
		cx.w.WriteInt64(1)
	} else {
		cx.w.WriteInt64(0)
	}
}

// Verbatim replies with a text as a verbatim string of format txt (a bulk
// string in RESP2), as INFO and CLIENT LIST do.
func (cx *Ctx) Verbatim(s string) {
	if cx.cl.resp3.Load() {
		cx.w.WriteRaw(resp.AppendVerbatim(nil, s))
		return
	}
	cx.w.WriteBulkString(s)
}

// raw writes b, a reply in cx.buf, and keeps the buffer for the next one.
func (cx *Ctx) raw(b []byte) {
	cx.w.WriteRaw(b)
	cx.buf = b[:0]
}

// runReply3 runs e's handler for a RESP3 client: through runShaped when
// its reply's RESP3 form is not the RESP2 one with other headers
// (RediSearch's replies, the tree shapes of resp.Restructures), directly
// otherwise (the handler writes maps, sets and doubles itself).
func runReply3(cx *Ctx, e *cmdEntry, args [][]byte) {
	if shape := e.spec.Shape3(args); e.spec.Group == "search" || resp.Restructures(shape) {
		runShaped(cx, e.handler, shape)
		return
	}
	e.handler(cx)
}

// runShaped runs h for a RESP3 client of a command whose RESP3 reply is
// not its RESP2 reply with other headers (RediSearch's result maps,
// resp.AsFTSearch...): h writes into a buffer, and the reply is converted
// to the shape as the proxy converts a node's.
func runShaped(cx *Ctx, h Handler, shape resp.Shape) {
	w := cx.w
	var b respBuf
	cx.w = &b
	cx.expand3 = false
	h(cx)
	cx.w = w
	if cx.expand3 {
		shape, cx.expand3 = resp.FTExpandShape(shape), false
	}
	if len(b) > 0 && b[0] == '-' {
		if _, ok := w.(errCounter); ok {
			msg, _, _ := strings.Cut(string(b[1:]), "\r")
			cx.Node.errs.add(msg)
		}
	}
	w.WriteRaw(resp.To3(cx.buf[:0], b, shape))
}

// respBuf is a replyWriter that appends RESP to a byte slice.
type respBuf []byte

func (b *respBuf) WriteString(s string)     { *b = resp.AppendSimple(*b, s) }
func (b *respBuf) WriteBulk(p []byte)       { *b = resp.AppendBulk(*b, p) }
func (b *respBuf) WriteBulkString(s string) { *b = resp.AppendBulk(*b, s) }
func (b *respBuf) WriteInt64(n int64)       { *b = resp.AppendInt(*b, n) }
func (b *respBuf) WriteArray(n int)         { *b = resp.AppendArray(*b, n) }
func (b *respBuf) WriteNull()               { *b = resp.AppendNull(*b) }
func (b *respBuf) WriteError(msg string)    { *b = resp.AppendError(*b, msg) }

// WriteRaw keeps p, except that RESP3's null (which Ctx.Null writes for a
// RESP3 client) is kept as RESP2's: To3 reads RESP2 and makes it "_"
// again.
func (b *respBuf) WriteRaw(p []byte) {
	if string(p) == "_\r\n" {
		*b = resp.AppendNull(*b)
		return
	}
	*b = append(*b, p...)
}
