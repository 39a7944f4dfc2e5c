package node

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tidwall/redcon"

	"github.com/vcache/vcache/cluster"
)

// The cluster package keeps, in its testdata, the typed answers of the
// CLUSTER command for one map (a dead primary, a warm spare, slots in
// migration); these tests render them as the node sends them and compare
// the bytes with golden replies.

// clusterTyped reads one of the cluster package's typed golden answers.
func clusterTyped(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "cluster", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// clusterGolden compares got with testdata/cluster/name.
func clusterGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	want, err := os.ReadFile(filepath.Join("testdata", "cluster", name))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden reply:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// respOf returns what write sends as RESP2.
func respOf(write func(w replyWriter)) []byte {
	var b bytes.Buffer
	w := redcon.NewWriter(&b)
	write(w)
	w.Flush()
	return b.Bytes()
}

func TestGoldenClusterNodes(t *testing.T) {
	for _, name := range []string{"nodes", "nodes-b"} {
		var rows []cluster.NodeRow
		clusterTyped(t, name+".json", &rows)
		clusterGolden(t, name+".golden", []byte(formatClusterNodes(rows)))
	}
}

func TestGoldenClusterSlots(t *testing.T) {
	var es []cluster.SlotsEntry
	clusterTyped(t, "slots.json", &es)
	clusterGolden(t, "slots.golden", respOf(func(w replyWriter) { writeClusterSlots(w, es) }))
}

func TestGoldenClusterShards(t *testing.T) {
	var ss []cluster.ShardEntry
	clusterTyped(t, "shards.json", &ss)
	clusterGolden(t, "shards.golden", respOf(func(w replyWriter) { writeClusterShards(w, ss) }))
}

func TestGoldenClusterInfo(t *testing.T) {
	var in cluster.Info
	clusterTyped(t, "info.json", &in)
	clusterGolden(t, "info.golden", []byte(formatClusterInfo(in)))
}

func TestGoldenClusterEvents(t *testing.T) {
	clusterGolden(t, "events.golden", respOf(func(w replyWriter) {
		writeClusterEvents(w, []cluster.Event{
			{ID: "a-1-2", Time: time.UnixMilli(1_700_000_001_000), Kind: cluster.EventSplit, Shard: 1, Detail: "done: slots 5000-5002 moved from shard 1 to shard 2", Duration: 1234 * time.Millisecond},
			{ID: "a-1-1", Time: time.UnixMilli(1_700_000_000_000), Kind: cluster.EventFailover, Shard: 3, Detail: "primary c failed; promoted replica a", Duration: 850 * time.Millisecond},
		})
	}))
}

func TestGoldenAutoscale(t *testing.T) {
	var st cluster.Status
	clusterTyped(t, "autoscale.json", &st)
	clusterGolden(t, "autoscale-status.golden", []byte(formatAutoscaleStatus(st)))
	clusterGolden(t, "autoscale-plan.golden", []byte(formatAutoscalePlans(st.Plans)))
}
