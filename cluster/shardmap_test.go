package cluster

import (
	"errors"
	"testing"
	"time"
)

// testMap builds a map for unit tests: three nodes a, b, c at 10.0.0.1-3,
// shard 1 on a (replica b) with 0-5460, shard 2 on b (replica c) with
// 5461-10922, shard 3 on c (replica a) with 10923-16383.
func testMap(t testing.TB, migs ...Migration) *Map {
	t.Helper()
	nodes := []Member{
		{ID: "a", Role: RoleNode, Addr: "10.0.0.1:6379", Bus: "10.0.0.1:7946", Boot: 1},
		{ID: "b", Role: RoleNode, Addr: "10.0.0.2:6379", Bus: "10.0.0.2:7946", Boot: 2},
		{ID: "c", Role: RoleNode, Addr: "10.0.0.3:6379", Bus: "10.0.0.3:7946", Boot: 3},
	}
	shards := []Shard{
		{ID: 1, Slots: []SlotRange{{0, 5460}}, Primary: "a", Replicas: []NodeID{"b"}},
		{ID: 2, Slots: []SlotRange{{5461, 10922}}, Primary: "b", Replicas: []NodeID{"c"}},
		{ID: 3, Slots: []SlotRange{{10923, 16383}}, Primary: "c", Replicas: []NodeID{"a"}},
	}
	m, err := buildMap(7, "a", 4, nodes, shards, migs)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestBuildMapRefusesBadMaps(t *testing.T) {
	nodes := []Member{{ID: "a", Addr: "h:1"}, {ID: "b", Addr: "h:2"}}
	for _, tc := range []struct {
		name   string
		shards []Shard
		migs   []Migration
	}{
		{"two owners", []Shard{{ID: 1, Slots: []SlotRange{{0, 10}}, Primary: "a"}, {ID: 2, Slots: []SlotRange{{10, 20}}, Primary: "b"}}, nil},
		{"unknown primary", []Shard{{ID: 1, Slots: []SlotRange{{0, 10}}, Primary: "z"}}, nil},
		{"replica is primary", []Shard{{ID: 1, Primary: "a", Replicas: []NodeID{"a"}}}, nil},
		{"slot out of range", []Shard{{ID: 1, Slots: []SlotRange{{16000, 16384}}, Primary: "a"}}, nil},
		{"id not below next", []Shard{{ID: 9, Primary: "a"}}, nil},
		{"migration of foreign slots", []Shard{{ID: 1, Slots: []SlotRange{{0, 10}}, Primary: "a"}, {ID: 2, Primary: "b"}},
			[]Migration{{ID: 1, Kind: MoveSplit, From: 1, To: 2, Slots: []SlotRange{{5, 11}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := buildMap(1, "a", 5, nodes, tc.shards, tc.migs); !errors.Is(err, errBadMap) {
				t.Fatalf("buildMap accepted it: %v", err)
			}
		})
	}
}

func TestRoute(t *testing.T) {
	m := testMap(t)
	for _, tc := range []struct {
		slot     int
		self     NodeID
		serve    bool
		redirect error
	}{
		{0, "a", true, nil},
		{0, "b", false, &Redirect{ErrMoved, 0, "10.0.0.1:6379"}},
		{5461, "a", false, &Redirect{ErrMoved, 5461, "10.0.0.2:6379"}},
		{16383, "c", true, nil},
		{12182, "b", false, &Redirect{ErrMoved, 12182, "10.0.0.3:6379"}},
	} {
		serve, redirect := m.Route(tc.slot, tc.self)
		if serve != tc.serve || !sameRoute(redirect, tc.redirect) {
			t.Errorf("Route(%d, %s) = %v %v, want %v %v", tc.slot, tc.self, serve, redirect, tc.serve, tc.redirect)
		}
	}
	if addr, ok := m.AddrOfSlot(12182); !ok || addr != "10.0.0.3:6379" {
		t.Errorf("AddrOfSlot(12182) = %q %v", addr, ok)
	}
	empty := emptyMap()
	if serve, redirect := empty.Route(0, "a"); serve || !errors.Is(redirect, ErrNotServed) {
		t.Errorf("empty map routes %v %q", serve, redirect)
	}
	if _, ok := empty.AddrOfSlot(0); ok {
		t.Error("empty map has an address for slot 0")
	}
}

// sameRoute reports whether err is want: the same redirect, or the same
// sentinel.
func sameRoute(err, want error) bool {
	var r, w *Redirect
	if errors.As(want, &w) {
		return errors.As(err, &r) && *r == *w
	}
	return err == want
}

func TestRouteLocalView(t *testing.T) {
	m := testMap(t)
	members := m.Nodes()
	if serve, r := m.withView("a", 1, members, true).Route(0, "a"); serve || !errors.Is(r, ErrDown) {
		t.Errorf("minority member: %v %q, want CLUSTERDOWN", serve, r)
	}
	if serve, r := m.withView("a", 99, members, false).Route(0, "a"); serve || !errors.Is(r, ErrRestarted) {
		t.Errorf("restarted member: %v %q, want TRYAGAIN", serve, r)
	}
	if serve, _ := m.withView("a", 1, members, false).Route(0, "a"); !serve {
		t.Error("member with its own boot does not serve its slot")
	}
}

func TestRouteKeysDuringMigration(t *testing.T) {
	// Slots 100-199 move from shard 1 (a) to shard 2 (b).
	m := testMap(t, Migration{ID: 8, Kind: MoveSplit, From: 1, To: 2, Slots: []SlotRange{{100, 199}}, Started: time.UnixMilli(1)})
	for _, tc := range []struct {
		name           string
		self           NodeID
		asking         bool
		total, missing int
		serve          bool
		redirect       error
	}{
		{"source has the key", "a", false, 1, 0, true, nil},
		{"source lost the key", "a", false, 1, 1, false, &Redirect{ErrAsk, 150, "10.0.0.2:6379"}},
		{"source has some keys", "a", false, 3, 1, false, ErrTryAgain},
		{"source has none of many", "a", false, 3, 3, false, &Redirect{ErrAsk, 150, "10.0.0.2:6379"}},
		{"target with ASKING", "b", true, 1, 1, true, nil},
		{"target with ASKING, multi-key missing", "b", true, 2, 1, false, ErrTryAgain},
		{"target without ASKING", "b", false, 1, 0, false, &Redirect{ErrMoved, 150, "10.0.0.1:6379"}},
		{"third node", "c", true, 1, 0, false, &Redirect{ErrMoved, 150, "10.0.0.1:6379"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			serve, redirect := m.RouteKeys(150, tc.self, tc.asking, tc.total, tc.missing)
			if serve != tc.serve || !sameRoute(redirect, tc.redirect) {
				t.Fatalf("RouteKeys = %v %v, want %v %v", serve, redirect, tc.serve, tc.redirect)
			}
		})
	}
	if serve, _ := m.RouteKeys(99, "a", false, 1, 1); !serve {
		t.Error("a slot outside the migration was redirected")
	}
}

func TestNewerPrecedence(t *testing.T) {
	for _, tc := range []struct {
		e1    uint64
		c1    NodeID
		e2    uint64
		c2    NodeID
		newer bool
	}{
		{2, "b", 1, "a", true},
		{1, "a", 2, "b", false},
		{3, "a", 3, "b", true}, // same epoch: the coordinator sorting first wins
		{3, "b", 3, "a", false},
		{3, "a", 3, "a", false},
		{1, "a", 0, "", true},
	} {
		if got := newer(tc.e1, tc.c1, tc.e2, tc.c2); got != tc.newer {
			t.Errorf("newer(%d %s, %d %s) = %v", tc.e1, tc.c1, tc.e2, tc.c2, got)
		}
	}
}

func TestIsReplica(t *testing.T) {
	m := testMap(t)
	if !m.IsReplica(0, "b") || m.IsReplica(0, "a") || m.IsReplica(0, "c") {
		t.Fatal("slot 0: want b as its only replica")
	}
}
