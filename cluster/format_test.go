package cluster

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// respWriter renders replies as RESP2, as redcon would send them.
type respWriter struct{ b bytes.Buffer }

func (w *respWriter) WriteArray(n int) { w.b.WriteString("*" + strconv.Itoa(n) + "\r\n") }
func (w *respWriter) WriteBulkString(s string) {
	w.b.WriteString("$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n")
}
func (w *respWriter) WriteInt64(n int64)   { w.b.WriteString(":" + strconv.FormatInt(n, 10) + "\r\n") }
func (w *respWriter) WriteString(s string) { w.b.WriteString("+" + s + "\r\n") }

// goldenView is a map seen by a: c is dead, d is a warm spare, and slots
// 5000-5002 move from shard 1 (a) to shard 2 (b).
func goldenView(t *testing.T) *Map {
	t.Helper()
	m := testMap(t, Migration{ID: 9, Kind: MoveSplit, From: 1, To: 2, Slots: []SlotRange{{5000, 5002}}, Started: time.UnixMilli(1_700_000_000_000)})
	alive := []Member{m.Nodes()[0], m.Nodes()[1], {ID: "d", Role: RoleNode, Addr: "node-d.vcache:6379", Bus: "10.0.0.4:7946", Boot: 4},
		{ID: "p", Role: RoleProxy, Addr: "10.0.0.9:6379", Bus: "10.0.0.9:7946"}}
	return m.withView("a", 1, alive, false)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestGoldenClusterNodes(t *testing.T) {
	golden(t, "nodes.golden", []byte(FormatNodes(goldenView(t), "a", time.UnixMilli(1_700_000_123_456))))
}

func TestGoldenClusterNodesFromTheTarget(t *testing.T) {
	m := goldenView(t)
	golden(t, "nodes-b.golden", []byte(FormatNodes(m.withView("b", 2, m.Members(), false), "b", time.UnixMilli(1_700_000_123_456))))
}

func TestGoldenClusterSlots(t *testing.T) {
	var w respWriter
	WriteSlots(&w, goldenView(t).SlotsReply())
	golden(t, "slots.golden", w.b.Bytes())
}

func TestGoldenClusterShards(t *testing.T) {
	var w respWriter
	WriteShards(&w, goldenView(t).ShardsReply())
	golden(t, "shards.golden", w.b.Bytes())
}

func TestGoldenClusterInfo(t *testing.T) {
	golden(t, "info.golden", []byte(FormatInfo(goldenView(t).Info("a", 120, 340))))
}

func TestGoldenClusterEvents(t *testing.T) {
	var w respWriter
	WriteEvents(&w, []Event{
		{ID: "a-1-2", Time: time.UnixMilli(1_700_000_001_000), Kind: EventSplit, Shard: 1, Detail: "done: slots 5000-5002 moved from shard 1 to shard 2", Duration: 1234 * time.Millisecond},
		{ID: "a-1-1", Time: time.UnixMilli(1_700_000_000_000), Kind: EventFailover, Shard: 3, Detail: "primary c failed; promoted replica a", Duration: 850 * time.Millisecond},
	})
	golden(t, "events.golden", w.b.Bytes())
}

func TestGoldenAutoscale(t *testing.T) {
	m := testMap(t)
	p := testPolicy()
	a := NewAutoscaler(p)
	feed(a, 1, steady(0, 12, 620))
	feed(a, 2, steady(0, 12, 300))
	feed(a, 3, steady(0, 12, 40))
	now := t0.Add(12 * time.Second)
	in := Input{Map: m, Alive: members("a", "b", "c", "d"), Profiles: map[ShardID][]SlotStat{1: {{Slot: 10, Bytes: 5}, {Slot: 20, Bytes: 5}}}}
	st := Status{Epoch: m.Epoch(), Coordinator: m.Coordinator(), Budget: p.Budget, ScaleAt: p.ScaleAt, Shards: a.Status(now, m), Plans: a.Plans(now, in)}
	golden(t, "autoscale-status.golden", []byte(FormatStatus(st)))
	golden(t, "autoscale-plan.golden", []byte(FormatPlans(st.Plans)))
}

func TestInfoState(t *testing.T) {
	m := testMap(t)
	if in := m.withView("a", 1, m.Nodes(), false).Info("a", 0, 0); in.State != "ok" || in.SlotsOK != 16384 || in.Size != 3 || in.KnownNodes != 3 {
		t.Fatalf("healthy map: %+v", in)
	}
	if in := goldenView(t).Info("a", 0, 0); in.State != "fail" || in.SlotsFail != 5461 {
		t.Fatalf("map with a dead primary: %+v", in)
	}
	if in := m.withView("a", 1, m.Nodes(), true).Info("a", 0, 0); in.State != "fail" {
		t.Fatalf("minority member: %+v", in)
	}
}
