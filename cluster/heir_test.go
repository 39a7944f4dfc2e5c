package cluster

import (
	"strings"
	"testing"
	"time"
)

// heirMap is testMap with a second replica for shard 1: a (primary), b
// and c (replicas).
func heirMap(t *testing.T) *layout {
	t.Helper()
	l := testMap(t).edit()
	l.shard(1).Replicas = []NodeID{"b", "c"}
	return l
}

func newHeirRule(copies map[NodeID]map[ShardID]ShardOffset, wait time.Duration) *heirRule {
	loads := map[NodeID]NodeLoad{}
	for _, id := range []NodeID{"a", "b", "c"} {
		loads[id] = NodeLoad{Node: id, Copies: true}
	}
	return &heirRule{copies: copies, loads: loads, known: map[NodeID]announced{}, epoch: 7,
		since: map[ShardID]time.Time{}, wait: wait, kept: map[ShardID]bool{}}
}

// TestFailoverPrefersAWholeCopy: the coordinator promotes a replica whose
// full sync completed over one still in it, whatever their order and
// offsets, and the whole copy with the highest offset among several.
func TestFailoverPrefersAWholeCopy(t *testing.T) {
	p := DefaultConfig().Policy()
	now := time.Unix(1000, 0)
	alive := members("b", "c")
	for _, tc := range []struct {
		name   string
		copies map[NodeID]map[ShardID]ShardOffset
		want   NodeID
	}{
		{"first replica mid-sync", map[NodeID]map[ShardID]ShardOffset{
			"b": {1: {Shard: 1, Offset: 900, Partial: true}}, "c": {1: {Shard: 1, Offset: 500}}}, "c"},
		{"first replica has no copy yet", map[NodeID]map[ShardID]ShardOffset{
			"c": {1: {Shard: 1, Offset: 10}}}, "c"},
		{"both whole: highest offset", map[NodeID]map[ShardID]ShardOffset{
			"b": {1: {Shard: 1, Offset: 400}}, "c": {1: {Shard: 1, Offset: 500}}}, "c"},
		{"both whole, b ahead", map[NodeID]map[ShardID]ShardOffset{
			"b": {1: {Shard: 1, Offset: 600}}, "c": {1: {Shard: 1, Offset: 500}}}, "b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := heirMap(t)
			var events []string
			record := func(k EventKind, s ShardID, d string, _ time.Duration) { events = append(events, d) }
			h := newHeirRule(tc.copies, time.Minute)
			l.handleFailures(map[NodeID]failure{"a": {at: now}}, newPlacer(p, alive, nil, l), now, record, h)
			s := l.shard(1)
			if s.Primary != tc.want || len(s.Replicas) != 1 || s.Replicas[0] == tc.want {
				t.Fatalf("shard 1 = %+v, want %s promoted and the other kept as replica", s, tc.want)
			}
			if len(events) == 0 || !strings.Contains(events[0], "promoted replica "+string(tc.want)) {
				t.Fatalf("events %q", events)
			}
		})
	}
}

// TestFailoverWaitsRatherThanPromoteAPartialCopy: with every replica in its
// full sync, the shard keeps its dead primary (its slots unserved) and an
// event says why; after PartialCopyWait the most advanced partial copy is
// promoted, and the event says the shard lost data.
func TestFailoverWaitsRatherThanPromoteAPartialCopy(t *testing.T) {
	p := DefaultConfig().Policy()
	now := time.Unix(1000, 0)
	alive := members("b", "c")
	copies := map[NodeID]map[ShardID]ShardOffset{
		"b": {1: {Shard: 1, Offset: 100, Partial: true}}, "c": {1: {Shard: 1, Offset: 300, Partial: true}}}
	h := newHeirRule(copies, 10*time.Second)
	var events []string
	record := func(k EventKind, s ShardID, d string, _ time.Duration) { events = append(events, d) }
	for i, at := range []time.Duration{0, time.Second, 9 * time.Second} {
		l := heirMap(t)
		h.kept = map[ShardID]bool{}
		l.handleFailures(map[NodeID]failure{"a": {at: now}}, newPlacer(p, alive, nil, l), now.Add(at), record, h)
		h.done()
		if s := l.shard(1); s.Primary != "a" || len(s.Replicas) != 2 {
			t.Fatalf("decision %d (+%s): shard 1 = %+v, want it left with its dead primary", i, at, s)
		}
	}
	if len(events) != 1 || !strings.Contains(events[0], "stay unserved") || !strings.Contains(events[0], "c in full sync") {
		t.Fatalf("events while waiting %q, want one saying the slots stay unserved", events)
	}
	l := heirMap(t)
	h.kept = map[ShardID]bool{}
	l.handleFailures(map[NodeID]failure{"a": {at: now}}, newPlacer(p, alive, nil, l), now.Add(10*time.Second), record, h)
	h.done()
	if s := l.shard(1); s.Primary != "c" {
		t.Fatalf("after the wait shard 1 = %+v, want the most advanced partial copy c", s)
	}
	if last := events[len(events)-1]; !strings.Contains(last, "partial") || !strings.Contains(last, "lost") {
		t.Fatalf("promotion event %q does not say the copy is partial", last)
	}
	if len(h.since) != 0 {
		t.Fatalf("wait of shard 1 not forgotten after the promotion: %v", h.since)
	}
}

// TestRestartedPrimaryKeepsItsShardOverAPartialCopy: a primary that
// restarted with data for its shard keeps it when its replicas are mid
// sync; one that came back empty gives way to the partial copy; one whose
// reports do not yet cover the current map is waited for.
func TestRestartedPrimaryKeepsItsShardOverAPartialCopy(t *testing.T) {
	p := DefaultConfig().Policy()
	now := time.Unix(1000, 0)
	alive := members("a", "b", "c")
	copies := map[NodeID]map[ShardID]ShardOffset{"b": {1: {Shard: 1, Offset: 100, Partial: true}}}
	for _, tc := range []struct {
		name  string
		epoch uint64
		mem   uint64
		want  NodeID
		event string
	}{
		{"came back with data", 7, 4096, "a", "keeps the shard"},
		{"came back empty", 7, 0, "b", "came back empty"},
		{"not reported under this map yet", 6, 4096, "a", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHeirRule(copies, time.Minute)
			h.known["a"] = announced{epoch: tc.epoch, boot: 9}
			h.loads["a"] = NodeLoad{Node: "a", Copies: true, Shards: []ShardLoad{{Shard: 1, Memory: tc.mem}}}
			var events []string
			record := func(k EventKind, s ShardID, d string, _ time.Duration) { events = append(events, d) }
			l := heirMap(t)
			l.handleFailures(map[NodeID]failure{"a": {at: now, restarted: true}}, newPlacer(p, alive, nil, l), now, record, h)
			if s := l.shard(1); s.Primary != tc.want {
				t.Fatalf("shard 1 = %+v, want primary %s", s, tc.want)
			}
			if got := strings.Join(events, "\n"); (tc.event == "") != (got == "") || !strings.Contains(got, tc.event) {
				t.Fatalf("events %q, want one with %q", got, tc.event)
			}
		})
	}
}

// TestLoadReportCarriesPartialCopies: the Partial flag of a replica's
// offsets survives the gossip encoding.
func TestLoadReportCarriesPartialCopies(t *testing.T) {
	in := loadMsg{from: "b", boot: 2, seq: 1, epoch: 7, coord: "a", load: NodeLoad{Node: "b", Copies: true,
		Offsets: []ShardOffset{{Shard: 1, Offset: 10, Partial: true}, {Shard: 3, Offset: 20}}}}
	msg, err := decodeMessage(in.encode())
	if err != nil {
		t.Fatal(err)
	}
	if !msg.(loadMsg).load.Copies {
		t.Fatal("Copies lost in the encoding")
	}
	got := msg.(loadMsg).load.Offsets
	if len(got) != 2 || got[0] != in.load.Offsets[0] || got[1] != in.load.Offsets[1] {
		t.Fatalf("offsets after decoding %+v, want %+v", got, in.load.Offsets)
	}
}

// TestFailoverWithoutCopyReports: replicas whose reports do not describe
// their copies (no load source) are promoted as before, the first one.
func TestFailoverWithoutCopyReports(t *testing.T) {
	l := heirMap(t)
	now := time.Unix(1000, 0)
	h := &heirRule{copies: map[NodeID]map[ShardID]ShardOffset{}, loads: map[NodeID]NodeLoad{}, known: map[NodeID]announced{},
		since: map[ShardID]time.Time{}, wait: time.Minute, kept: map[ShardID]bool{}}
	l.handleFailures(map[NodeID]failure{"a": {at: now}}, newPlacer(DefaultConfig().Policy(), members("b", "c"), nil, l), now,
		func(EventKind, ShardID, string, time.Duration) {}, h)
	if s := l.shard(1); s.Primary != "b" {
		t.Fatalf("shard 1 = %+v, want its first replica b promoted", s)
	}
}
