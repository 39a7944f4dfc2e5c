package node

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/vcache/vcache/internal/keyslot"
)

// memFields reads INFO memory's fields as numbers, from one reply.
func memFields(t *testing.T, c *redis.Client) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for k, v := range infoFields(t, c, "memory") {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			out[k] = n
		}
	}
	return out
}

// TestReplicaBuffersInUsedMemoryNotMaxmemory: a primary streaming to its
// replicas holds buffers for them; INFO memory shows them as
// mem_clients_slaves, inside used_memory, and, as Redis 7.0 does, in
// mem_not_counted_for_evict (with used_memory_startup): maxmemory
// compares used_memory without them, so writes under noeviction still
// succeed with maxmemory between the two, and fail with OOM below both.
func TestReplicaBuffersInUsedMemoryNotMaxmemory(t *testing.T) {
	nodes := startReplicatedNodes(t, 3)
	ctx := context.Background()
	c := nodes[0].client(t)
	waitFor(t, 20*time.Second, "mem_clients_slaves to hold the replica links' writers", func() bool {
		return infoInt(t, c, "mem_clients_slaves") >= 64<<10
	})
	f := memFields(t, c)
	slaves := f["mem_clients_slaves"]
	if f["mem_not_counted_for_evict"] != slaves+f["used_memory_startup"] {
		t.Fatalf("mem_not_counted_for_evict = %d, mem_clients_slaves = %d, used_memory_startup %d: want the sum",
			f["mem_not_counted_for_evict"], slaves, f["used_memory_startup"])
	}
	if f["used_memory"] < f["used_memory_dataset"]+slaves {
		t.Fatalf("used_memory %d does not hold dataset %d + mem_clients_slaves %d", f["used_memory"], f["used_memory_dataset"], slaves)
	}

	// A key this node serves as primary.
	m := nodes[0].Cluster().Map()
	self := nodes[0].Cluster().Self()
	key := ""
	for i := 0; key == "" && i < 100000; i++ {
		k := fmt.Sprintf("m:%d", i)
		if owner, ok := m.Owner(keyslot.OfString(k)); ok && owner.Primary == self {
			key = k
		}
	}
	if err := c.ConfigSet(ctx, "maxmemory-policy", "noeviction").Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.ConfigSet(ctx, "maxmemory", "0") })
	// maxmemory half the replica buffers below used_memory: what counts
	// is still under it.
	counted := f["used_memory"] - f["mem_not_counted_for_evict"]
	if err := c.ConfigSet(ctx, "maxmemory", fmt.Sprint(counted+slaves/2)).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, key, "v", 0).Err(); err != nil {
		t.Fatalf("SET with maxmemory %d below used_memory %d but above it less mem_not_counted_for_evict %d: %v",
			counted+slaves/2, f["used_memory"], slaves, err)
	}
	if err := c.ConfigSet(ctx, "maxmemory", fmt.Sprint(counted-(1<<20))).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, key, "w", 0).Err(); err == nil || !strings.HasPrefix(err.Error(), "OOM") {
		t.Fatalf("SET with maxmemory 1 MiB below the counted memory: %v, want OOM", err)
	}
}

// TestClientListQueryBufferFields: CLIENT LIST shows each client's query
// buffer as qbuf (used) and qbuf-free (room left), and tot-mem counts it
// with the replies waiting (omem): for the client asking, the running
// command in the reader's 16 KiB buffer; for a client that sent part of
// a large request, what arrived.
func TestClientListQueryBufferFields(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	own, err := c.Do(ctx, "CLIENT", "INFO").Text()
	if err != nil {
		t.Fatal(err)
	}
	qbuf, free, tot := maxField(own, "qbuf"), maxField(own, "qbuf-free"), maxField(own, "tot-mem")
	if qbuf != 26 || free != 16<<10-26 || tot != 16<<10 {
		t.Fatalf("CLIENT INFO: qbuf %d qbuf-free %d tot-mem %d, want 26, %d, %d:\n%s", qbuf, free, tot, 16<<10-26, 16<<10, own)
	}

	h, err := net.Dial("tcp", tn.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	const sent = 2 << 20
	if _, err := fmt.Fprintf(h, "*3\r\n$3\r\nSET\r\n$4\r\nhuge\r\n$%d\r\n%s", 8<<20, strings.Repeat("x", sent)); err != nil {
		t.Fatal(err)
	}
	var line string
	waitFor(t, 20*time.Second, "the sender's qbuf to hold what it sent", func() bool {
		list, err := c.ClientList(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(list, "\n") {
			if strings.Contains(l, fmt.Sprintf(" addr=%s ", h.LocalAddr())) {
				line = l
			}
		}
		return maxField(line, "qbuf") >= sent
	})
	qbuf, free, tot = maxField(line, "qbuf"), maxField(line, "qbuf-free"), maxField(line, "tot-mem")
	if tot != qbuf+free+maxField(line, "omem") || tot < sent {
		t.Fatalf("sender: qbuf %d qbuf-free %d tot-mem %d after %d bytes:\n%s", qbuf, free, tot, sent, line)
	}
}
