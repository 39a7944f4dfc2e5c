package node

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// TestQueryBufferCountsTowardMaxmemory: a client that sends part of a
// huge request (a 64 MiB bulk of which 24 MiB arrive) makes the node hold
// what came. That memory shows in INFO memory (mem_clients_normal,
// used_memory) and CLIENT LIST qbuf, and under noeviction it makes writes
// fail with OOM; when the client goes, the memory is given back and
// writes work again. Event loops and goroutine-per-connection alike.
func TestQueryBufferCountsTowardMaxmemory(t *testing.T) {
	inEachServingMode(t, func(t *testing.T, tn *testNode) {
		ctx := context.Background()
		c := tn.client(t)
		if err := c.ConfigSet(ctx, "maxmemory-policy", "noeviction").Err(); err != nil {
			t.Fatal(err)
		}
		const room, sent = 8 << 20, 24 << 20
		used0 := infoInt(t, c, "used_memory")
		if err := c.ConfigSet(ctx, "maxmemory", fmt.Sprint(used0+room)).Err(); err != nil {
			t.Fatal(err)
		}
		if got := infoInt(t, c, "mem_clients_normal"); got != 0 {
			t.Fatalf("mem_clients_normal = %d before any large request", got)
		}
		h, err := net.Dial("tcp", tn.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		if _, err := fmt.Fprintf(h, "*3\r\n$3\r\nSET\r\n$4\r\nhuge\r\n$%d\r\n", 64<<20); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Write([]byte(strings.Repeat("x", sent))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 20*time.Second, "mem_clients_normal to hold the partial request", func() bool {
			return infoInt(t, c, "mem_clients_normal") >= sent
		})
		// The reader grows with what arrives, not with what the
		// header announced.
		if got := infoInt(t, c, "mem_clients_normal"); got > 3*sent {
			t.Fatalf("mem_clients_normal = %d for %d bytes received", got, sent)
		}
		if used := infoInt(t, c, "used_memory"); used < used0+sent {
			t.Fatalf("used_memory = %d while a client's query buffer holds %d bytes, want at least %d", used, sent, used0+sent)
		}
		list, err := c.ClientList(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		var line string
		for _, l := range strings.Split(list, "\n") {
			if strings.Contains(l, fmt.Sprintf(" addr=%s ", h.LocalAddr())) {
				line = l
			}
		}
		if maxField(line, "qbuf") < sent {
			t.Fatalf("CLIENT LIST: the sender's qbuf is below %d:\n%s", sent, list)
		}
		if err := c.Set(ctx, "k", "v", 0).Err(); err == nil || !strings.HasPrefix(err.Error(), "OOM command not allowed") {
			t.Fatalf("SET while a query buffer fills maxmemory = %v, want OOM", err)
		}

		h.Close()
		waitFor(t, 20*time.Second, "mem_clients_normal back to 0", func() bool {
			return infoInt(t, c, "mem_clients_normal") == 0
		})
		if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
			t.Fatalf("SET after the client left: %v", err)
		}
		if n, err := c.Exists(ctx, "huge").Result(); err != nil || n != 0 {
			t.Fatalf("EXISTS huge = %d, %v: the partial request was run", n, err)
		}
	})
}

// maxField returns the largest value of field=N over CLIENT LIST's lines.
func maxField(list, field string) int64 {
	var most int64
	for _, line := range strings.Split(strings.TrimSpace(list), "\n") {
		for _, f := range strings.Fields(line) {
			if v, ok := strings.CutPrefix(f, field+"="); ok {
				var n int64
				fmt.Sscan(v, &n)
				most = max(most, n)
			}
		}
	}
	return most
}
