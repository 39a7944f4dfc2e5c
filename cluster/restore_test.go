package cluster

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// layoutOf describes a map's shards: slots, primary and replicas.
func layoutOf(m *Map) []string {
	var out []string
	for _, s := range m.Shards() {
		out = append(out, fmt.Sprintf("%d %s %s %v", s.ID, FormatRanges(s.Slots), s.Primary, s.Replicas))
	}
	slices.Sort(out)
	return out
}

func TestWholeClusterRestartRestoresSavedMap(t *testing.T) {
	cs := startCluster(t, 3, nil)
	waitFor(t, 10*time.Second, "one map", func() bool { return converged(cs) })
	before := cs[0].Map()
	saved, err := before.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		stopMember(t, c)
	}

	// Restarted with a first layout of 2 shards, they must come back with
	// the 3 of the saved map instead, on the same nodes.
	var back []*Cluster
	for i := range 3 {
		cfg := testConfig(fmt.Sprintf("n%d", i+1), 7101+i)
		cfg.InitialShards = 2
		if cfg.Restore, err = UnmarshalMap(saved); err != nil {
			t.Fatal(err)
		}
		c := startMember(t, cfg)
		if i > 0 {
			join(t, c, back[0])
		}
		back = append(back, c)
	}
	waitFor(t, 10*time.Second, "one map after the restart", func() bool { return converged(back) })
	after := back[0].Map()
	if got, want := layoutOf(after), layoutOf(before); !slices.Equal(got, want) {
		t.Fatalf("restored layout:\n%v\nsaved:\n%v", got, want)
	}
	if after.Epoch() <= before.Epoch() {
		t.Fatalf("restored map has epoch %d, the saved one %d", after.Epoch(), before.Epoch())
	}
	if n, _ := after.Node("n2"); n.Addr != "127.0.0.1:7102" {
		t.Fatalf("n2's address in the restored map: %q", n.Addr)
	}
	checkCoverage(t, back)
	var restored bool
	for _, e := range back[0].Events(100) {
		restored = restored || (e.Kind == EventBootstrap && e.Detail != "" && e.Detail[:8] == "restored")
	}
	if !restored {
		t.Fatalf("no restore event in %+v", back[0].Events(100))
	}
}

func TestRestoreFailsOverNodesThatDoNotComeBack(t *testing.T) {
	cs := startCluster(t, 3, nil)
	waitFor(t, 10*time.Second, "one map", func() bool { return converged(cs) })
	before := cs[0].Map()
	saved, _ := before.MarshalBinary()
	for _, c := range cs {
		stopMember(t, c)
	}
	var back []*Cluster
	for i := range 2 { // n3 does not come back
		cfg := testConfig(fmt.Sprintf("n%d", i+1), 7201+i)
		cfg.BootstrapExpect = 2
		cfg.RestoreWait = 300 * time.Millisecond
		cfg.Restore, _ = UnmarshalMap(saved)
		c := startMember(t, cfg)
		if i > 0 {
			join(t, c, back[0])
		}
		back = append(back, c)
	}
	waitFor(t, 10*time.Second, "one map after the restart", func() bool { return converged(back) })
	after := back[0].Map()
	if len(after.Shards()) != len(before.Shards()) {
		t.Fatalf("%d shards after the restart, %d before", len(after.Shards()), len(before.Shards()))
	}
	if p, r := after.ShardsOf("n3"); len(p)+len(r) != 0 {
		t.Fatalf("missing n3 still holds shards %v %v", p, r)
	}
	checkCoverage(t, back)
}

func TestUnmarshalMapRejectsOtherBytes(t *testing.T) {
	for _, b := range [][]byte{nil, {msgMap}, {msgLoad, 1, 2}, []byte("not a map")} {
		if _, err := UnmarshalMap(b); err == nil {
			t.Errorf("UnmarshalMap(%q) accepted it", b)
		}
	}
	if _, err := emptyMap().MarshalBinary(); err != ErrNoMap {
		t.Errorf("MarshalBinary of the empty map: %v", err)
	}
}
