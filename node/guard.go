package node

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
)

// errProtocolLimit is returned by a guarded connection's Read after it has
// answered a request that breaks a protocol limit.
var errProtocolLimit = errors.New("protocol limit exceeded")

// limits are the framing limits a guardConn enforces.
type limits struct {
	maxBulk      int64
	maxMultiBulk int64
	maxInline    int
}

// guardListener wraps accepted connections in a guardConn.
type guardListener struct {
	net.Listener
	lim func() limits
	in  *atomic.Int64 // counts the bytes read, when set
}

func (l guardListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &guardConn{Conn: c, lim: l.lim(), in: l.in}, nil
}

// guard states: where in the RESP framing the next byte falls.
const (
	gStart    = iota // first byte of a command
	gCount           // digits of "*<count>\r\n"
	gBulkHdr         // expecting '$'
	gBulkLen         // digits of "$<len>\r\n"
	gBulkBody        // skipping a bulk payload and its CRLF
	gInline          // an inline command line
	gOff             // framing is broken: the RESP reader will reject it
)

// guardConn checks the request stream against size limits before the RESP
// reader (which would buffer whatever a client announces) sees it. A request
// past a limit gets "-ERR Protocol error: ..." and the connection closes,
// just as Redis does. The scan reads headers byte by byte and skips bulk
// payloads by their length, so it costs little next to parsing.
//
// Read is called by one goroutine at a time (the connection's reader), and
// replies to earlier commands are flushed before the next Read, so writing
// the error reply directly keeps replies in order.
type guardConn struct {
	net.Conn
	lim limits
	in  *atomic.Int64

	state   int
	num     int64 // number being parsed
	digits  int   // digits seen in the current header
	neg     bool
	left    int64 // bulks left in this command
	skip    int64 // payload bytes left to skip (incl. CRLF)
	inline  int   // bytes of the current inline line
	pending string
	once    sync.Once
}

func (g *guardConn) Read(p []byte) (int, error) {
	if g.pending != "" {
		g.once.Do(func() { _, _ = g.Conn.Write([]byte("-ERR Protocol error: " + g.pending + "\r\n")) })
		return 0, errProtocolLimit
	}
	n, err := g.Conn.Read(p)
	if n > 0 && g.in != nil {
		g.in.Add(int64(n))
	}
	if n > 0 {
		if bad, keep := g.scan(p[:n]); bad != "" {
			g.pending = bad
			if keep == 0 {
				return g.Read(p)
			}
			return keep, nil
		}
	}
	return n, err
}

// scan advances the framing state over b. On a violation it returns the
// error text and how many leading bytes of b hold whole earlier commands.
func (g *guardConn) scan(b []byte) (bad string, keep int) {
	cmdStart := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch g.state {
		case gOff:
			return "", 0
		case gStart:
			cmdStart = i
			if c == '*' {
				g.state, g.num, g.digits, g.neg = gCount, 0, 0, false
			} else {
				g.state, g.inline = gInline, 1
			}
		case gInline:
			if c == '\n' {
				g.state = gStart
				continue
			}
			g.inline++
			if g.inline > g.lim.maxInline {
				return "too big inline request", cmdStart
			}
		case gCount, gBulkLen:
			switch {
			case c >= '0' && c <= '9':
				g.num = g.num*10 + int64(c-'0')
				g.digits++
				if g.digits > 19 {
					return g.lenError(), cmdStart
				}
			case c == '-' && g.digits == 0:
				g.neg = true
			case c == '\r':
			case c == '\n':
				if g.state == gCount {
					if g.neg || g.num <= 0 {
						g.state = gOff // the reader has its own answer
						continue
					}
					if g.num > g.lim.maxMultiBulk {
						return "invalid multibulk length", cmdStart
					}
					g.left, g.state = g.num, gBulkHdr
				} else {
					if g.neg || g.num > g.lim.maxBulk {
						return "invalid bulk length", cmdStart
					}
					g.skip, g.state = g.num+2, gBulkBody
				}
			default:
				return g.lenError(), cmdStart
			}
		case gBulkHdr:
			if c != '$' {
				return "expected '$', got '" + string(c) + "'", cmdStart
			}
			g.state, g.num, g.digits, g.neg = gBulkLen, 0, 0, false
		case gBulkBody:
			n := int64(len(b) - i)
			if n > g.skip {
				n = g.skip
			}
			g.skip -= n
			i += int(n) - 1
			if g.skip == 0 {
				g.left--
				if g.left == 0 {
					g.state = gStart
				} else {
					g.state = gBulkHdr
				}
			}
		}
	}
	return "", 0
}

func (g *guardConn) lenError() string {
	if g.state == gCount {
		return "invalid multibulk length"
	}
	return "invalid bulk length"
}
