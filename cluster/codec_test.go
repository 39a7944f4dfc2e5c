package cluster

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sampleMessages returns one message of every type.
func sampleMessages(t testing.TB) []message {
	m := testMap(t, Migration{ID: 8, Kind: MoveSplit, From: 1, To: 2, Slots: []SlotRange{{100, 199}, {300, 300}}, Started: time.UnixMilli(1700000000000)})
	next := testMap(t)
	return []message{
		mapMsg{m},
		makeDelta(m, next),
		mapRequestMsg{from: "b", epoch: 3, coord: "a"},
		loadMsg{from: "b", boot: 42, seq: 9, epoch: 7, coord: "a", load: NodeLoad{Node: "b", MemoryUsed: 1 << 30, MemoryLimit: 4 << 30,
			CPUUsed: 0.5, CPUCores: 2, Shards: []ShardLoad{{Shard: 2, Memory: 600 << 20, Ops: 1234.5, CPU: 0.25, Network: 1e6, Conns: 17, Vectors: 1000}},
			Offsets: []ShardOffset{{Shard: 2, Offset: 123456, Released: 6}, {Shard: 5, Offset: 99}}},
			leases: true, acks: []ackAge{{id: "a", age: 120 * time.Millisecond}, {id: "c", age: 3 * time.Second}}, answers: true, holding: true},
		profileMsg{from: "b", shard: 2, stats: []SlotStat{{Slot: 5461, Keys: 3, Bytes: 300, Ops: 9}, {Slot: 6000, Keys: 1, Bytes: 10}}},
		eventMsg{Event{ID: "a-1-2", Time: time.UnixMilli(1700000000123), Kind: EventSplit, Shard: 2, Detail: "done", Duration: 1500 * time.Millisecond}},
		migrationDoneMsg{from: "a", boot: 1, id: 8},
		leaseProbeMsg{from: "c", boot: 3, seq: 17},
		leaseAckMsg{from: "a", to: "c", toBoot: 3, seq: 17, epoch: 7, coord: "a"},
		reportSeenMsg{from: "a", boot: 1, to: "b", toBoot: 42, seq: 9, epoch: 7, coord: "a"},
	}
}

func TestMessagesRoundTrip(t *testing.T) {
	for _, msg := range sampleMessages(t) {
		b := msg.encode()
		got, err := decodeMessage(b)
		if err != nil {
			t.Fatalf("decode %T: %v", msg, err)
		}
		if b2 := got.encode(); !bytes.Equal(b, b2) {
			t.Fatalf("%T changed in a round trip:\n%x\n%x", msg, b, b2)
		}
	}
}

func TestLoadMessageKeepsValues(t *testing.T) {
	in := sampleMessages(t)[3].(loadMsg)
	out, err := decodeMessage(in.encode())
	if err != nil {
		t.Fatal(err)
	}
	got := out.(loadMsg)
	if !got.leases || len(got.acks) != 2 || got.acks[1] != (ackAge{id: "c", age: 3 * time.Second}) || !got.answers || !got.holding {
		t.Fatalf("decoded acks %v (leases %v, answers %v, holding %v), want %v", got.acks, got.leases, got.answers, got.holding, in.acks)
	}
	if got.load.Shards[0] != in.load.Shards[0] || got.load.CPUCores != 2 || got.boot != 42 || got.coord != "a" ||
		len(got.load.Offsets) != 2 || got.load.Offsets[1] != (ShardOffset{Shard: 5, Offset: 99}) ||
		got.load.Offsets[0] != (ShardOffset{Shard: 2, Offset: 123456, Released: 6}) {
		t.Fatalf("decoded %+v, want %+v", got, in)
	}
	// The flags of the holds ride in bits of a byte every version sends:
	// the report has the bytes of one without them but for that byte, so
	// versions that know no holds (they read the copies' and the leases'
	// bits only) decode it as before.
	plain := in
	plain.answers, plain.holding = false, false
	b, pb := in.encode(), plain.encode()
	diff := 0
	for i := range min(len(b), len(pb)) {
		if b[i] != pb[i] {
			diff++
		}
	}
	if len(b) != len(pb) || diff != 1 {
		t.Fatalf("the hold flags change the report's layout:\n%x\n%x", b, pb)
	}
	// A report without the offsets, without the state of the copies or
	// without the released shards (as older versions send), still decodes.
	in.load.Offsets, in.acks, in.leases, in.answers, in.holding = nil, nil, false, false, false
	b = in.encode()
	if out, err = decodeMessage(b[:len(b)-1]); err != nil || out.(loadMsg).leases || out.(loadMsg).acks != nil {
		t.Fatalf("report without the ack section: %+v, %v", out, err)
	}
	b = b[:len(b)-1]                       // as versions without leases send it
	out, err = decodeMessage(b[:len(b)-4]) // drop the zero offset count, the copy flags and the zero partial and released counts
	if err != nil || len(out.(loadMsg).load.Shards) != 1 || out.(loadMsg).load.Offsets != nil {
		t.Fatalf("report without offsets: %+v, %v", out, err)
	}
	if out, err = decodeMessage(b[:len(b)-3]); err != nil || out.(loadMsg).load.Copies {
		t.Fatalf("report without the copy section: %+v, %v", out, err)
	}
	in.load.Offsets = []ShardOffset{{Shard: 2, Offset: 5}}
	b = in.encode()
	if out, err = decodeMessage(b[:len(b)-2]); err != nil || out.(loadMsg).load.Offsets[0] != (ShardOffset{Shard: 2, Offset: 5}) {
		t.Fatalf("report without the released section: %+v, %v", out, err)
	}
}

func TestDeltaRebuildsTheMap(t *testing.T) {
	old := testMap(t)
	l := old.edit()
	l.shard(1).Slots = []SlotRange{{0, 4999}}
	l.shard(2).Slots = []SlotRange{{5000, 10922}}
	l.shard(3).Replicas = nil
	l.nodes["d"] = Member{ID: "d", Role: RoleNode, Addr: "10.0.0.4:6379"}
	id := l.addShard(l.nodes["d"])
	l.shard(id).Replicas = []NodeID{"c"}
	next, err := l.build(8, "a")
	if err != nil {
		t.Fatal(err)
	}
	d := makeDelta(old, next)
	decoded, err := decodeMessage(d.encode())
	if err != nil {
		t.Fatal(err)
	}
	got, err := applyDelta(old, decoded.(deltaMsg))
	if err != nil {
		t.Fatal(err)
	}
	if !sameLayout(got, next) || got.Epoch() != 8 || !bytes.Equal(got.encoded, next.encoded) {
		t.Fatalf("delta rebuilt another map:\n%+v\nwant\n%+v", got.NodeRows("a", time.Unix(0, 0)), next.NodeRows("a", time.Unix(0, 0)))
	}
	if len(d.encode()) >= len(next.encoded) {
		t.Errorf("delta of %d bytes is not smaller than the map's %d", len(d.encode()), len(next.encoded))
	}
	if _, err := applyDelta(next, d); err == nil {
		t.Fatal("a delta applied to a base it was not made from")
	}
}

func TestDecodeRejectsGarbage(t *testing.T) {
	good := sampleMessages(t)[0].encode()
	for _, b := range [][]byte{
		nil,
		{0},
		{99, 1, 2},
		good[:len(good)-1],
		append(bytes.Clone(good), 0),
		{msgProfile, 1, 'b', 2, 2, 5, 0, 0, 0, 0, 0, 0, 0}, // slots not increasing
	} {
		if _, err := decodeMessage(b); err == nil {
			t.Errorf("decodeMessage(%x) accepted garbage", b)
		}
	}
}

func TestMetaFitsAndRoundTrips(t *testing.T) {
	long := string(bytes.Repeat([]byte("x"), maxMetaField-6)) + ":65535"
	meta := encodeMeta(RoleNode, ^uint64(0), long, string(bytes.Repeat([]byte("z"), 64)))
	if len(meta) > 512 {
		t.Fatalf("meta of %d bytes is over memberlist's 512", len(meta))
	}
}

func FuzzDecodeMessage(f *testing.F) {
	for _, msg := range sampleMessages(f) {
		f.Add(msg.encode())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		msg, err := decodeMessage(b)
		if err != nil {
			return
		}
		b2 := msg.encode()
		msg2, err := decodeMessage(b2)
		if err != nil {
			t.Fatalf("re-encoded %T does not decode: %v", msg, err)
		}
		if b3 := msg2.encode(); !bytes.Equal(b2, b3) {
			t.Fatalf("%T is not stable:\n%x\n%x", msg, b2, b3)
		}
	})
}

func TestFuzzSeedsAreValidMessages(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzDecodeMessage", "seed-*"))
	if err != nil || len(files) < 10 {
		t.Fatalf("seed corpus: %v, %d files", err, len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, lit, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
		raw, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lit, "[]byte("), ")"))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if _, err := decodeMessage([]byte(raw)); err != nil {
			t.Errorf("%s does not decode: %v", f, err)
		}
	}
}
