package proxy

import (
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/tidwall/redcon"
)

// fakeNode is a RESP server whose replies a test scripts: handle gets
// the connection's state and the command and returns the raw reply.
type fakeNode struct {
	addr string
	mu   sync.Mutex // guards calls
	// calls counts commands by upper-case name.
	calls map[string]int
}

// fakeConn is one connection's state on a fake node.
type fakeConn struct {
	asking bool
}

func startFakeNode(t testing.TB, handle func(fc *fakeConn, args []string) string) *fakeNode {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeNode{addr: ln.Addr().String(), calls: map[string]int{}}
	srv := redcon.NewServer("", func(conn redcon.Conn, cmd redcon.Command) {
		fc, _ := conn.Context().(*fakeConn)
		if fc == nil {
			fc = &fakeConn{}
			conn.SetContext(fc)
		}
		args := make([]string, len(cmd.Args))
		for i, a := range cmd.Args {
			args[i] = string(a)
		}
		name := strings.ToUpper(args[0])
		f.mu.Lock()
		f.calls[name]++
		f.mu.Unlock()
		if name == "ASKING" {
			fc.asking = true
			conn.WriteString("OK")
			return
		}
		reply := handle(fc, args)
		fc.asking = false
		conn.WriteRaw([]byte(reply))
	}, nil, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	return f
}

func (f *fakeNode) count(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[name]
}
