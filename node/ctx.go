package node

import (
	"strconv"
	"time"

	"github.com/tidwall/redcon"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/keyslot"
)

// Handler executes one command. It reads cx.Args, calls the keyspace and
// writes exactly one reply through cx. It must not keep cx after it returns:
// each connection reuses one Ctx.
type Handler func(cx *Ctx)

// Ctx is the command being executed and the way to answer it.
type Ctx struct {
	// Node is the node serving the command.
	Node *Node
	// Args is the command line; Args[0] is the name as the client sent it.
	// The slices are only valid until the handler returns.
	Args [][]byte

	spec *command.Spec
	cl   *client
	w    replyWriter
	// failed is set when the handler answers an error (failed_calls).
	failed bool
	// buf is scratch space for the RESP3 replies (reply3.go).
	buf []byte
	// slot1 is the hash slot of Args[1] plus one, when run computed it
	// (for a script call, of its first declared key); 0: not known.
	slot1 int
	// began is when the command started, since the node's start.
	began time.Duration
	// replArgs, when a handler sets it, is what replicas receive instead
	// of Args (relative TTLs made absolute, as Redis propagates them).
	replArgs [][]byte
	// expand3, when a handler sets it, adds FORMAT EXPAND to the RESP3
	// shape of its reply (an FT.CURSOR READ of an EXPAND aggregate:
	// runShaped).
	expand3 bool
}

// slotOfArg1 returns the hash slot of Args[1] (the key of the commands
// that ask).
func (cx *Ctx) slotOfArg1() int {
	if cx.slot1 > 0 {
		return cx.slot1 - 1
	}
	return keyslot.Of(cx.Args[1])
}

// replyWriter is the part of redcon.Conn a handler writes replies with.
type replyWriter interface {
	WriteString(s string)
	WriteBulk(b []byte)
	WriteBulkString(s string)
	WriteInt64(n int64)
	WriteArray(n int)
	WriteNull()
	WriteRaw(b []byte)
	WriteError(msg string)
}

var _ replyWriter = redcon.Conn(nil)

// OK replies +OK.
func (cx *Ctx) OK() { cx.w.WriteString("OK") }

// Simple replies with a simple string (+s).
func (cx *Ctx) Simple(s string) { cx.w.WriteString(s) }

// Bulk replies with a bulk string.
func (cx *Ctx) Bulk(b []byte) { cx.w.WriteBulk(b) }

// BulkString replies with a bulk string.
func (cx *Ctx) BulkString(s string) { cx.w.WriteBulkString(s) }

// Null replies with the null bulk string ($-1; _ in RESP3).
func (cx *Ctx) Null() {
	if cx.cl.resp3.Load() {
		cx.w.WriteRaw(null3)
		return
	}
	cx.w.WriteNull()
}

// NullArray replies with the null array (*-1; _ in RESP3).
func (cx *Ctx) NullArray() {
	if cx.cl.resp3.Load() {
		cx.w.WriteRaw(null3)
		return
	}
	cx.w.WriteRaw(nullArray)
}

var (
	null3     = []byte("_\r\n")
	nullArray = []byte("*-1\r\n")
)

// Int replies with an integer.
func (cx *Ctx) Int(n int64) { cx.w.WriteInt64(n) }

// Array starts an array of n elements; n replies must follow.
func (cx *Ctx) Array(n int) { cx.w.WriteArray(n) }

// Float replies with a float as a bulk string, formatted as Redis does
// (shortest representation that reads back the same, no exponent for
// ordinary magnitudes).
func (cx *Ctx) Float(f float64) { cx.w.WriteBulkString(FormatFloat(f)) }

// Error replies with an error; msg starts with its code ("ERR ...").
func (cx *Ctx) Error(msg string) { cx.failed = true; cx.w.WriteError(msg) }

// Err replies with the RESP text of err (see errText).
func (cx *Ctx) Err(err error) { cx.failed = true; cx.w.WriteError(errText(err)) }

// SyntaxError replies "ERR syntax error".
func (cx *Ctx) SyntaxError() { cx.failed = true; cx.w.WriteError("ERR syntax error") }

// Name returns the command's canonical lower-case name.
func (cx *Ctx) Name() string { return cx.spec.Name }

// FormatFloat formats f as Redis's INCRBYFLOAT and HINCRBYFLOAT replies do:
// up to 17 significant digits, trailing zeros removed, no exponent.
func FormatFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if len(s) > 24 {
		s = strconv.FormatFloat(f, 'g', 17, 64)
	}
	return s
}
