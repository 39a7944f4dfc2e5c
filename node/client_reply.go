package node

import (
	"strings"

	"github.com/tidwall/redcon"
)

// CLIENT REPLY ON|OFF|SKIP: a client may silence the replies to its
// commands (all of them, or the next one). Pub/sub messages and
// subscription confirmations still reach it, as in Redis.

// clientReply answers CLIENT REPLY.
func clientReply(cx *Ctx) {
	if len(cx.Args) != 3 {
		cx.Error("ERR wrong number of arguments for 'client|reply' command")
		return
	}
	c := cx.cl
	switch strings.ToLower(string(cx.Args[2])) {
	case "on":
		c.replyOff, c.skipNext, c.skipping = false, false, false
		cx.OK()
	case "off":
		c.replyOff = true
	case "skip":
		if !c.replyOff {
			c.skipNext = true
		}
	default:
		cx.SyntaxError()
	}
}

// quietBuffer is the part of a connection whose unsent replies can be
// taken back.
type quietBuffer interface {
	Buffer() []byte
	SetBuffer([]byte)
}

// execQuiet runs a command whose reply the client does not want: what it
// writes to the connection's buffer is dropped (what it flushed itself,
// pub/sub confirmations, is sent).
func (n *Node) execQuiet(c *client, conn redcon.Conn, args [][]byte) {
	c.skipping, c.skipNext = c.skipNext, false
	defer func() { c.skipping = false }()
	qb, ok := conn.(quietBuffer)
	if !ok {
		n.exec(c, args)
		if c.paused {
			c.skipNext = c.skipping
		}
		return
	}
	mark := len(qb.Buffer())
	n.exec(c, args)
	if c.paused {
		c.skipNext = c.skipping // it runs again later
	}
	b := qb.Buffer()
	if len(b) < mark {
		mark = 0 // flushed meanwhile: what is left is this command's
	}
	if len(b) > mark && (c.replyOff || c.skipping) {
		qb.SetBuffer(b[:mark])
	}
}
