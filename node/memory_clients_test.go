package node

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/keyslot"
)

// TestClientBuffersCountTowardMaxmemory: clients that pipeline GETs of a
// large value and never read the replies make the node hold them. That
// memory shows in INFO memory (mem_clients_normal, used_memory) and in
// CLIENT LIST omem, and under maxmemory noeviction it makes writes fail
// with OOM until the clients go, as in Redis. Event loops keep the
// replies in their pending buffers; connections served by goroutines
// (TLS, handed-off ones) hold them in a blocked write: both count.
func TestClientBuffersCountTowardMaxmemory(t *testing.T) {
	inEachServingMode(t, testClientBuffers)
}

func testClientBuffers(t *testing.T, tn *testNode) {
	ctx := context.Background()
	c := tn.client(t)
	const size = 256 << 10
	if err := c.Set(ctx, "big", strings.Repeat("x", size), 0).Err(); err != nil {
		t.Fatal(err)
	}
	used0 := infoInt(t, c, "used_memory")
	const room = 16 << 20
	if err := c.ConfigSet(ctx, "maxmemory-policy", "noeviction").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.ConfigSet(ctx, "maxmemory", fmt.Sprint(used0+room)).Err(); err != nil {
		t.Fatal(err)
	}
	// The client that sent the value may still hold a query buffer grown
	// for it (until it is fitted to the client's small commands since).
	idle := infoInt(t, c, "mem_clients_normal")
	if idle > 1<<20 {
		t.Fatalf("mem_clients_normal = %d before any client lags", idle)
	}

	// 6 clients × 40 GETs × 256 KiB = 60 MiB of replies, most of which the
	// sockets (small receive buffers) cannot take.
	const clients, gets = 6, 40
	var hogs []net.Conn
	defer func() {
		for _, h := range hogs {
			h.Close()
		}
	}()
	req := strings.Repeat("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n", gets)
	for i := 0; i < clients; i++ {
		h, err := net.Dial("tcp", tn.addr)
		if err != nil {
			t.Fatal(err)
		}
		h.(*net.TCPConn).SetReadBuffer(4096)
		hogs = append(hogs, h)
		if _, err := h.Write([]byte(req)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 20*time.Second, "mem_clients_normal above the room left under maxmemory", func() bool {
		return infoInt(t, c, "mem_clients_normal") > room
	})
	if used := infoInt(t, c, "used_memory"); used <= used0+room {
		t.Fatalf("used_memory = %d with %d bytes of pending replies, want above %d", used, infoInt(t, c, "mem_clients_normal"), used0+room)
	}
	list, err := c.ClientList(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	lagging := 0
	for _, line := range strings.Split(strings.TrimSpace(list), "\n") {
		var omem int64
		for _, f := range strings.Fields(line) {
			if v, ok := strings.CutPrefix(f, "omem="); ok {
				fmt.Sscan(v, &omem)
			}
		}
		if omem > size {
			lagging++
		}
	}
	if lagging == 0 {
		t.Fatalf("CLIENT LIST shows no client with omem above one reply:\n%s", list)
	}
	if err := c.Set(ctx, "k", "v", 0).Err(); err == nil || !strings.HasPrefix(err.Error(), "OOM command not allowed") {
		t.Fatalf("SET with clients' buffers filling maxmemory = %v, want OOM", err)
	}
	if v, err := c.Get(ctx, "k").Result(); err == nil {
		t.Fatalf("k was written despite OOM: %q", v)
	}

	// The clients go: their buffers are freed and writes work again.
	for _, h := range hogs {
		h.Close()
	}
	hogs = nil
	waitFor(t, 20*time.Second, "mem_clients_normal back to where it was", func() bool {
		return infoInt(t, c, "mem_clients_normal") <= idle
	})
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET after the clients left: %v", err)
	}
}

// TestReplicationBacklogInInfoMemory: while a replica streams, INFO
// memory shows the backlog (mem_replication_backlog).
func TestReplicationBacklogInInfoMemory(t *testing.T) {
	nodes := startReplicatedNodes(t, 3)
	ctx := context.Background()
	c := nodes[0].client(t)
	before := infoInt(t, c, "mem_replication_backlog")
	m := nodes[0].Cluster().Map()
	self := nodes[0].Cluster().Self()
	n := 0
	for i := 0; n < 200 && i < 100000; i++ {
		k := fmt.Sprintf("b:%d", i)
		if owner, ok := m.Owner(keyslot.OfString(k)); ok && owner.Primary == self {
			if err := c.Set(ctx, k, strings.Repeat("y", 1000), 0).Err(); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	// The backlog is a ring of repl-backlog-size, allocated when a replica
	// first streams: it holds the writes but does not grow with them.
	size := infoInt(t, c, "repl_backlog_size")
	if got := infoInt(t, c, "mem_replication_backlog"); got != size || before != size {
		t.Fatalf("mem_replication_backlog = %d after 200 KB of writes (was %d), want repl_backlog_size %d", got, before, size)
	}
	if hist := infoInt(t, c, "repl_backlog_histlen"); hist < 200*1000 {
		t.Fatalf("repl_backlog_histlen = %d after 200 KB of writes", hist)
	}
}
