//go:build linux

package proxy

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/internal/testutil"
)

// loopClients reads loop_clients from INFO proxy, asked on a connection
// of its own (INFO moves that connection off the loop first).
func loopClients(t *testing.T, addr string) string {
	t.Helper()
	for _, line := range strings.Split(rawDo(addr, "INFO", "proxy"), "\r\n") {
		if v, ok := strings.CutPrefix(line, "loop_clients:"); ok {
			return v
		}
	}
	t.Fatal("INFO proxy has no loop_clients")
	return ""
}

// A client stays on an event loop while it sends single-slot commands and
// commands the proxy answers itself; a pipeline that reaches a split, a
// fan-out or a transaction gets every reply in order and goes on, served
// by a goroutine.
func TestLoopHandsOffInOrder(t *testing.T) {
	p := startProxy(t, Config{}, addrs(startRedises(t, 3)...)...)
	c := dialRaw(t, p.addr)
	for _, cmd := range [][]string{{"CLIENT", "SETNAME", "looper"}, {"SET", "a", "1"}, {"PING"}, {"GET", "a"}} {
		c.send(cmd...)
	}
	for _, want := range []string{"+OK\r\n", "+OK\r\n", "+PONG\r\n", "$1\r\n1\r\n"} {
		if got := c.recv(); got != want {
			t.Fatalf("reply %q, want %q", got, want)
		}
	}
	if n := loopClients(t, p.addr); n != "1" {
		t.Fatalf("loop_clients = %s with one single-slot client, want 1", n)
	}
	pipeline := [][]string{
		{"SET", "b", "2"}, {"MGET", "a", "b", "nosuch"}, {"GET", "b"},
		{"MULTI"}, {"SET", "{b}c", "3"}, {"EXEC"}, {"GET", "{b}c"}, {"DBSIZE"},
	}
	want := []string{
		"+OK\r\n", "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n", "$1\r\n2\r\n",
		"+OK\r\n", "+QUEUED\r\n", "*1\r\n+OK\r\n", "$1\r\n3\r\n", ":3\r\n",
	}
	expectPipeline(t, c, pipeline, want)
	if n := loopClients(t, p.addr); n != "0" {
		t.Errorf("loop_clients = %s after the client's MGET, want 0", n)
	}
	if got := c.do("GET", "a"); got != "$1\r\n1\r\n" {
		t.Errorf("GET after the handoff = %q", got)
	}
	if got := c.do("CLIENT", "GETNAME"); got != "$6\r\nlooper\r\n" {
		t.Errorf("CLIENT GETNAME after the handoff = %q (the session moved with its state)", got)
	}
}

// Commands the loop answers itself (errors included) keep their place
// among forwarded ones.
func TestLoopLocalRepliesKeepTheirPlace(t *testing.T) {
	p := startProxy(t, Config{}, addrs(startRedises(t, 2)...)...)
	c := dialRaw(t, p.addr)
	pipeline := [][]string{
		{"SET", "k", "v"}, {"NOSUCH"}, {"GET", "k"}, {"GET"}, {"ECHO", "e"},
		{"SET", "x{1}", "1"}, {"SELECT", "1"}, {"GET", "k"}, {"HSET", "k", "f", "z"},
	}
	want := []string{
		"+OK\r\n", "-ERR unknown command 'NOSUCH', with args beginning with: \r\n", "$1\r\nv\r\n",
		"-ERR wrong number of arguments for 'get' command\r\n", "$1\r\ne\r\n", "+OK\r\n",
		"-ERR DB index is out of range\r\n", "$1\r\nv\r\n",
		"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
	}
	expectPipeline(t, c, pipeline, want)
	if n := loopClients(t, p.addr); n != "1" {
		t.Errorf("loop_clients = %s, want 1 (nothing above needs a goroutine)", n)
	}
}

// expectPipeline sends the commands in one go and checks their replies.
func expectPipeline(t *testing.T, c *rawConn, cmds [][]string, want []string) {
	t.Helper()
	for _, cmd := range cmds {
		c.send(cmd...)
	}
	for i, w := range want {
		if got := c.recv(); got != w {
			t.Fatalf("%v: %q, want %q", cmds[i], got, w)
		}
	}
}

// Random bytes on many connections at once: each such client gets at
// most its error and its connection closed; the proxy keeps serving.
func TestGarbageClosesOnlyItsClient(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(startRedises(t, 2)...)...)
		rng := rand.New(rand.NewPCG(7, uint64(mode+2)))
		alphabet := []byte("*$\r\n0123456789-+:GETSETPINGabc \"'")
		var wg sync.WaitGroup
		for i := range 200 {
			junk := make([]byte, 1+rng.IntN(300))
			for j := range junk {
				if i%2 == 0 {
					junk[j] = byte(rng.IntN(256))
				} else {
					junk[j] = alphabet[rng.IntN(len(alphabet))]
				}
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				nc, err := net.Dial("tcp", p.addr)
				if err != nil {
					t.Error(err)
					return
				}
				defer nc.Close()
				nc.Write(junk)
				// Half the clients hang up at once, the others wait to be
				// answered (or for their incomplete command to time out here).
				if i%4 < 2 {
					nc.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
					io.Copy(io.Discard, nc)
				}
			}()
		}
		wg.Wait()
		c := dialRaw(t, p.addr)
		expectPipeline(t, c, [][]string{{"SET", "after", "junk"}, {"GET", "after"}, {"PING"}},
			[]string{"+OK\r\n", "$4\r\njunk\r\n", "+PONG\r\n"})
		raw := testutil.Dial(t, p.addr)
		raw.Write([]byte("*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n"))
		raw.SetReadDeadline(time.Now().Add(5 * time.Second))
		got, _ := io.ReadAll(raw)
		if want := "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n"; string(got) != want {
			t.Errorf("a command then garbage: %q, want %q and the connection closed", got, want)
		}
	})
}

// maxBatch reads backend0's max_batch from INFO proxy.
func maxBatch(t *testing.T, addr string) int {
	t.Helper()
	for _, line := range strings.Split(rawDo(addr, "INFO", "proxy"), "\r\n") {
		if rest, ok := strings.CutPrefix(line, "backend0:"); ok {
			for _, kv := range strings.Split(rest, ",") {
				if v, ok := strings.CutPrefix(kv, "max_batch="); ok {
					n, err := strconv.Atoi(v)
					if err != nil {
						t.Fatalf("max_batch=%q", v)
					}
					return n
				}
			}
		}
	}
	t.Fatal("no backend0 line in INFO proxy")
	return 0
}

// TestBatchesInFlight: while a write to the node awaits its replies, the
// requests other clients send are held and then go out together in one
// write; every client gets its own reply. With no limit each goes out in
// the round that read it.
func TestBatchesInFlight(t *testing.T) {
	const others = 20
	for _, limit := range []int{1, 0} {
		t.Run(strconv.Itoa(limit), func(t *testing.T) {
			rs := startRedis(t)
			cfg := DefaultConfig()
			cfg.Loops, cfg.BatchesInFlight = 1, limit
			p := startProxy(t, cfg, rs.addr)
			first := dialRaw(t, p.addr)
			if got := first.do("SET", "k", "first"); got != "+OK\r\n" {
				t.Fatalf("SET = %q", got)
			}
			// The node holds every command for a while: the GET's write
			// stays in flight.
			if got := dialRaw(t, rs.addr).do("CLIENT", "PAUSE", "700", "ALL"); got != "+OK\r\n" {
				t.Fatalf("CLIENT PAUSE = %q", got)
			}
			node := func() BackendMetrics { return p.Metrics().Backends[0] }
			written := node().Requests
			first.send("GET", "k")
			if err := first.w.Flush(); err != nil {
				t.Fatal(err)
			}
			eventually(t, 5*time.Second, "the GET to be written to the node", func() bool {
				return node().Requests > written
			})
			conns := make([]*rawConn, others)
			for i := range conns {
				conns[i] = dialRaw(t, p.addr)
				conns[i].send("SET", "k"+strconv.Itoa(i), "v"+strconv.Itoa(i))
				if err := conns[i].w.Flush(); err != nil {
					t.Fatal(err)
				}
				// Each request is read in a round of its own.
				eventually(t, 5*time.Second, "the proxy to read SET k"+strconv.Itoa(i), func() bool {
					return node().Inflight >= int64(i+2)
				})
			}
			if got := first.recv(); got != "$5\r\nfirst\r\n" {
				t.Errorf("GET k = %q", got)
			}
			for i, c := range conns {
				if got := c.recv(); got != "+OK\r\n" {
					t.Errorf("client %d: SET = %q", i, got)
				}
				v := "v" + strconv.Itoa(i)
				if got := c.do("GET", "k"+strconv.Itoa(i)); got != fmt.Sprintf("$%d\r\n%s\r\n", len(v), v) {
					t.Errorf("client %d: GET = %q", i, got)
				}
			}
			mb := maxBatch(t, p.addr)
			if limit == 1 && mb < others {
				t.Errorf("largest write to the node: %d requests; want the %d held ones together", mb, others)
			}
			if limit == 0 && mb >= others {
				t.Errorf("largest write to the node: %d requests with no limit; want them sent as they came", mb)
			}
		})
	}
}
