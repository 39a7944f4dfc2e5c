package cluster

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenView is a map seen by a: c is dead, d is a warm spare, and slots
// 5000-5002 move from shard 1 (a) to shard 2 (b).
func goldenView(t *testing.T) *Map {
	t.Helper()
	m := testMap(t, Migration{ID: 9, Kind: MoveSplit, From: 1, To: 2, Slots: []SlotRange{{5000, 5002}}, Started: time.UnixMilli(1_700_000_000_000)})
	alive := []Member{m.Nodes()[0], m.Nodes()[1], {ID: "d", Role: RoleNode, Addr: "node-d.vcache:6379", Bus: "10.0.0.4:7946", Boot: 4},
		{ID: "p", Role: RoleProxy, Addr: "10.0.0.9:6379", Bus: "10.0.0.9:7946"}}
	return m.withView("a", 1, alive, false)
}

// goldenJSON compares v, as indented JSON, with testdata/name. These are
// the typed answers of the CLUSTER command for goldenView; the node's tests
// render the same files as RESP and compare them with their golden replies.
func goldenJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, name, append(b, '\n'))
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
	goldenJSON(t, "nodes.json", goldenView(t).NodeRows("a", time.UnixMilli(1_700_000_123_456)))
}

func TestGoldenClusterNodesFromTheTarget(t *testing.T) {
	m := goldenView(t)
	goldenJSON(t, "nodes-b.json", m.withView("b", 2, m.Members(), false).NodeRows("b", time.UnixMilli(1_700_000_123_456)))
}

func TestGoldenClusterSlots(t *testing.T) {
	goldenJSON(t, "slots.json", goldenView(t).SlotsReply())
}

func TestGoldenClusterShards(t *testing.T) {
	goldenJSON(t, "shards.json", goldenView(t).ShardsReply())
}

func TestGoldenClusterInfo(t *testing.T) {
	goldenJSON(t, "info.json", goldenView(t).Info("a", 120, 340))
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
	for i := range st.Shards {
		st.Shards[i].Updated = st.Shards[i].Updated.UTC() // the same file in every time zone
	}
	goldenJSON(t, "autoscale.json", st)
}

// TestNodeRows checks the rows that say who is who: myself, the dead
// primary, the spare, and the slots in migration on the myself row only.
func TestNodeRows(t *testing.T) {
	rows := goldenView(t).NodeRows("a", time.UnixMilli(1_700_000_123_456))
	if len(rows) != 4 {
		t.Fatalf("%d rows, want a, b, c and the spare d: %+v", len(rows), rows)
	}
	a, c, d := rows[0], rows[2], rows[3]
	if !slices.Equal(a.Flags, []string{"myself", "master"}) || a.PongRecv != 0 || len(a.Moves) != 3 ||
		a.Moves[0] != (SlotMove{Slot: 5000, Node: NodeID("b").RedisID()}) {
		t.Errorf("myself row: %+v", a)
	}
	if !slices.Equal(c.Flags, []string{"master", "fail"}) || c.LinkState != "disconnected" || c.PongRecv != 0 || len(c.Moves) != 0 {
		t.Errorf("dead primary's row: %+v", c)
	}
	if d.Addr != "node-d.vcache:6379" || len(d.Slots) != 0 || d.PongRecv != 1_700_000_123_456 {
		t.Errorf("spare's row: %+v", d)
	}
	b := goldenView(t).withView("b", 2, goldenView(t).Members(), false).NodeRows("b", time.UnixMilli(0))[1]
	if len(b.Moves) != 3 || !b.Moves[2].Importing || b.Moves[2].Node != NodeID("a").RedisID() {
		t.Errorf("importing side's row: %+v", b)
	}
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
