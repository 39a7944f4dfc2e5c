package node

import "github.com/vcache/vcache/internal/resp"

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
	cx.w.WriteBulk(resp.AppendDoubleText(cx.buf[:0], f))
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
