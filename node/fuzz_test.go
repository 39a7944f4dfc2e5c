package node

import (
	"bytes"
	"io"
	"net"
	"testing"

	"github.com/tidwall/redcon"

	"github.com/vcache/vcache/internal/resp"
)

// fuzzConn is the connection side a handler may touch (QUIT, SHUTDOWN and
// CLIENT KILL close it); replies go to a discarding RESP writer.
type fuzzConn struct {
	*redcon.Writer
	ctx any
}

func (c *fuzzConn) RemoteAddr() string             { return "127.0.0.1:1" }
func (c *fuzzConn) Close() error                   { return nil }
func (c *fuzzConn) WriteInt(n int)                 { c.Writer.WriteInt(n) }
func (c *fuzzConn) WriteUint64(n uint64)           { c.Writer.WriteUint64(n) }
func (c *fuzzConn) WriteAny(v any)                 { c.Writer.WriteAny(v) }
func (c *fuzzConn) Context() any                   { return c.ctx }
func (c *fuzzConn) SetContext(v any)               { c.ctx = v }
func (c *fuzzConn) SetReadBuffer(int)              {}
func (c *fuzzConn) Detach() redcon.DetachedConn    { return nil }
func (c *fuzzConn) ReadPipeline() []redcon.Command { return nil }
func (c *fuzzConn) PeekPipeline() []redcon.Command { return nil }
func (c *fuzzConn) NetConn() net.Conn              { return nil }

// FuzzCommandPath feeds arbitrary bytes through the RESP command reader the
// server uses, with its limits, and the dispatcher with every handler: nothing may panic.
func FuzzCommandPath(f *testing.F) {
	for _, s := range []string{
		"*1\r\n$4\r\nPING\r\n",
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n",
		"*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nEX\r\n$2\r\n10\r\n",
		"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
		"*4\r\n$4\r\nHSET\r\n$1\r\nh\r\n$1\r\nf\r\n$1\r\nv\r\n",
		"*3\r\n$6\r\nINCRBY\r\n$1\r\nn\r\n$20\r\n99999999999999999999\r\n",
		"*2\r\n$4\r\nSCAN\r\n$1\r\n0\r\n",
		"*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$1\r\n*\r\n",
		"*2\r\n$7\r\nCOMMAND\r\n$4\r\nDOCS\r\n",
		"*1\r\n$5\r\nMULTI\r\n*1\r\n$4\r\nEXEC\r\n",
		"*4\r\n$8\r\nGETRANGE\r\n$1\r\nk\r\n$1\r\n0\r\n$2\r\n-1\r\n",
		"PING\r\nECHO \"a b\"\r\n",
		"*4\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\na\r\n$1\r\nb\r\n*4\r\n$6\r\nLRANGE\r\n$1\r\nl\r\n$1\r\n0\r\n$2\r\n-1\r\n",
		"*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n*3\r\n$5\r\nRPUSH\r\n$1\r\nq\r\n$1\r\nv\r\n",
		// a transaction's part prepared and committed as the decision node
		"*4\r\n$13\r\nVCACHE.TXLOCK\r\n$1\r\nt\r\n$4\r\n1000\r\n$1\r\nk\r\n*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$16\r\nVCACHE.TXPREPARE\r\n$1\r\nt\r\n*2\r\n$15\r\nVCACHE.TXSTATUS\r\n$1\r\nt\r\n*2\r\n$15\r\nVCACHE.TXCOMMIT\r\n$1\r\nt\r\n*2\r\n$15\r\nVCACHE.TXUNLOCK\r\n$1\r\nt\r\n",
		"*1\r\n$x\r\n",
		"*-1\r\n",
		"$5\r\nhello\r\n",
	} {
		f.Add([]byte(s))
	}
	n, err := New(DefaultConfig(), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		conn := &fuzzConn{Writer: redcon.NewWriter(io.Discard)}
		if !n.accept(conn) {
			t.Skip("client limit")
		}
		defer n.closed(conn, nil)
		c := conn.Context().(*client)
		lim := n.limits()
		rd := resp.NewCommandReader(bytes.NewReader(data), int(lim.maxBulk))
		rd.SetLimits(int(lim.maxMultiBulk), lim.maxInline)
		for i := 0; i < 64; i++ {
			cmds, err := rd.ReadCommands()
			for _, cmd := range cmds {
				n.exec(c, cmd.Args)
			}
			if err != nil {
				return
			}
		}
	})
}
