package cluster

import (
	"net"
	"slices"
	"strconv"
	"testing"
	"time"
)

func gossipPort(t *testing.T, c *Cluster) int {
	t.Helper()
	_, p, err := net.SplitHostPort(c.GossipAddr())
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return n
}

func TestRestartedNodeRejoinsAsSpare(t *testing.T) {
	cs := startCluster(t, 3, nil)
	waitFor(t, 10*time.Second, "one map", func() bool { return converged(cs) })
	stopMember(t, cs[2])
	waitFor(t, 15*time.Second, "n3 out of the map", func() bool {
		_, in := cs[0].Map().Node("n3")
		return !in && converged(cs[:2])
	})

	back := startMember(t, testConfig("n3", 7003))
	join(t, back, cs[0])
	all := []*Cluster{cs[0], cs[1], back}
	waitFor(t, 10*time.Second, "n3 back in every view", func() bool { return converged(all) })
	if n := servedBy(back); n != 0 {
		t.Fatalf("the restarted node serves %d slots", n)
	}
	checkCoverage(t, all)
	// A process back at a new address can be declared dead once more by a
	// late gossip message about its previous run (memberlist incarnations
	// restart at zero); it refutes that and stays.
	var rows []NodeRow
	var row NodeRow
	waitFor(t, 10*time.Second, "n3 listed in CLUSTER NODES", func() bool {
		rows = cs[0].NodeRows(time.Now())
		for _, r := range rows {
			if r.ID == NodeID("n3").RedisID() {
				row = r
				return true
			}
		}
		return false
	})
	if !slices.Equal(row.Flags, []string{"master"}) || row.Master != "-" || len(row.Slots) != 0 || row.LinkState != "connected" {
		t.Fatalf("CLUSTER NODES row of the spare: %+v\n%+v", row, rows)
	}
}

func TestQuickRestartNeverServesStaleSlots(t *testing.T) {
	cs := startCluster(t, 3, nil)
	waitFor(t, 10*time.Second, "one map", func() bool { return converged(cs) })
	before := cs[0].Map()
	old, _ := before.ShardsOf("n3")
	port := gossipPort(t, cs[2])
	stopMember(t, cs[2])

	cfg := testConfig("n3", 7003)
	cfg.BindPort = port // same address: memberlist sees the same node come back
	back := startMember(t, cfg)
	join(t, back, cs[0])
	all := []*Cluster{cs[0], cs[1], back}
	waitFor(t, 15*time.Second, "n3's shards failed over", func() bool {
		for _, s := range old {
			if ok, _ := back.Map().Route(s.Slots[0].Start, "n3"); ok {
				t.Fatalf("restarted n3 serves slot %d of its previous run (epoch %d)", s.Slots[0].Start, back.Map().Epoch())
			}
		}
		p, _ := cs[0].Map().ShardsOf("n3")
		return converged(all) && len(p) == 0 && cs[0].Map().Epoch() > before.Epoch()
	})
	checkCoverage(t, all)
	var restarted bool
	for _, e := range cs[0].Events(100) {
		restarted = restarted || e.Kind == EventRestarted
	}
	if !restarted {
		t.Fatal("no restart event")
	}
}
