package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/testutil"
)

// TestProxyStreamBlockingOverVcacheNodes: through the proxy over three
// vcache nodes, XREAD BLOCK waits for the next XADD after "$"; three
// clients blocked in XREADGROUP of one group get one entry each of three
// XADDs, all pending once; a blocked XREAD times out as nil and CLIENT
// UNBLOCK given to the proxy answers it nil; what the proxy relays is
// what one node answers.
func TestProxyStreamBlockingOverVcacheNodes(t *testing.T) {
	nodes := []string{startNode(t), startNode(t), startNode(t)}
	paddr := serveProxyOver(t, nodes...)
	k := onNode(t, nodes, 1, "events")
	node := nodes[1]
	prod := testutil.Dial(t, paddr)
	if got := prod.Do("XADD", k, "1-1", "f", "old"); got != "$3\r\n1-1\r\n" {
		t.Fatalf("XADD: %q", got)
	}

	r := testutil.Dial(t, paddr)
	r.Send("XREAD", "BLOCK", "0", "STREAMS", k, "$")
	r.Flush()
	testutil.WaitFor(t, 10*time.Second, func() bool { return blockedClients(node) == 1 }, "XREAD blocked")
	prod.Do("XADD", k, "2-1", "f", "new")
	want := fmt.Sprintf("*1\r\n*2\r\n$%d\r\n%s\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nf\r\n$3\r\nnew\r\n", len(k), k)
	if got := r.Recv(); got != want {
		t.Fatalf("XREAD BLOCK through the proxy: %q, want %q", got, want)
	}

	if got := prod.Do("XGROUP", "CREATE", k, "g", "$"); got != "+OK\r\n" {
		t.Fatalf("XGROUP CREATE: %q", got)
	}
	const readers = 3
	rs := make([]*testutil.Conn, readers)
	for i := range rs {
		rs[i] = testutil.Dial(t, paddr)
		rs[i].Send("XREADGROUP", "GROUP", "g", fmt.Sprint("c", i), "COUNT", "5", "BLOCK", "0", "STREAMS", k, ">")
		rs[i].Flush()
		testutil.WaitFor(t, 10*time.Second, func() bool { return blockedClients(node) == i+1 }, fmt.Sprintf("%d readers blocked", i+1))
	}
	for i := range readers {
		prod.Send("XADD", k, fmt.Sprintf("%d-1", 10+i), "n", fmt.Sprint(i))
	}
	for range readers {
		prod.Recv()
	}
	for i, rc := range rs {
		id := fmt.Sprintf("%d-1", 10+i)
		if got := rc.Recv(); !strings.Contains(got, "$"+fmt.Sprint(len(id))+"\r\n"+id+"\r\n") || strings.Count(got, "-1\r\n") != 1 {
			t.Errorf("reader %d: %q, want entry %s alone", i, got, id)
		}
	}
	if got := prod.Do("XPENDING", k, "g"); !strings.HasPrefix(got, "*4\r\n:3\r\n$4\r\n10-1\r\n$4\r\n12-1\r\n*3\r\n") {
		t.Errorf("XPENDING after three served readers: %q", got)
	}

	start := time.Now()
	if got := prod.Do("XREAD", "BLOCK", "50", "STREAMS", k, "$"); got != "*-1\r\n" || time.Since(start) < 50*time.Millisecond {
		t.Errorf("XREAD BLOCK 50 through the proxy: %q after %v", got, time.Since(start))
	}
	u := testutil.Dial(t, paddr)
	id := strings.TrimSpace(strings.TrimPrefix(u.Do("CLIENT", "ID"), ":"))
	u.Send("XREADGROUP", "GROUP", "g", "cu", "BLOCK", "0", "STREAMS", k, ">")
	u.Flush()
	testutil.WaitFor(t, 10*time.Second, func() bool { return blockedClients(node) == 1 }, "XREADGROUP blocked")
	if got := prod.Do("CLIENT", "UNBLOCK", id); got != ":1\r\n" {
		t.Fatalf("CLIENT UNBLOCK %s through the proxy: %q", id, got)
	}
	if got := u.Recv(); got != "*-1\r\n" {
		t.Errorf("unblocked XREADGROUP: %q", got)
	}

	direct := testutil.Dial(t, nodes[1])
	for _, cmd := range [][]string{
		{"XREAD", "BLOCK", "10", "COUNT", "2", "STREAMS", k, "0"},
		{"XREADGROUP", "GROUP", "g", "c0", "BLOCK", "0", "STREAMS", k, "0"},
		{"XREADGROUP", "GROUP", "nog", "c0", "BLOCK", "0", "STREAMS", k, ">"},
		{"XREAD", "BLOCK", "-1", "STREAMS", k, "$"},
	} {
		if got, want := prod.Do(cmd...), direct.Do(cmd...); got != want {
			t.Errorf("%v:\n proxy:  %q\n direct: %q", cmd, got, want)
		}
	}
}
