package node

import (
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestBacklogFramesOffsetsAndTrim: frames come back in order with their
// slots, offsets count the stream's bytes, and a reader whose offset was
// trimmed away is told so (its replica then needs a full sync).
func TestBacklogFramesOffsetsAndTrim(t *testing.T) {
	b := newBacklog(1024)
	never := func() bool { return false }
	var want []string
	for i := 0; i < 10; i++ {
		k := fmt.Sprintf("k%d", i)
		b.appendCommand(i, [][]byte{[]byte("SET"), []byte(k), []byte("v")})
		want = append(want, k)
	}
	b.appendCommand(-1, [][]byte{[]byte("FLUSHALL")})
	frames, next, err := b.read(nil, 0, time.Millisecond, never)
	if err != nil || next != b.end.Load() || uint64(len(frames)) != next {
		t.Fatalf("read: %d bytes, next %d, end %d, %v", len(frames), next, b.end.Load(), err)
	}
	var got []string
	for p := 0; p < len(frames); {
		slot := binary.LittleEndian.Uint16(frames[p:])
		size := int(binary.LittleEndian.Uint32(frames[p+2:]))
		body := string(frames[p+frameHeader : p+frameHeader+size])
		if slot == frameAllSlots {
			got = append(got, "all:"+body)
		} else {
			got = append(got, fmt.Sprintf("%d:%s", slot, body))
		}
		p += frameHeader + size
	}
	if len(got) != 11 || got[3] != "3:*3\r\n$3\r\nSET\r\n$2\r\nk3\r\n$1\r\nv\r\n" || got[10] != "all:*1\r\n$8\r\nFLUSHALL\r\n" {
		t.Fatalf("frames: %q", got)
	}
	// Nothing new: a read waits, then returns nothing.
	if frames, n2, err := b.read(nil, next, 5*time.Millisecond, never); err != nil || len(frames) != 0 || n2 != next {
		t.Fatalf("idle read: %d bytes, %d, %v", len(frames), n2, err)
	}
	// Write well past the limit: the start is trimmed away.
	for i := 0; i < 200; i++ {
		b.appendCommand(1, [][]byte{[]byte("SET"), []byte("key"), []byte("value")})
	}
	if b.has(0) || !b.has(b.end.Load()) {
		t.Fatalf("has(0) = %v, has(end) = %v after trimming", b.has(0), b.has(b.end.Load()))
	}
	if _, _, err := b.read(nil, 0, time.Millisecond, never); !errors.Is(err, errBacklogGone) {
		t.Fatalf("read from a trimmed offset: %v", err)
	}
	if held := b.held.Load(); held != 1024 {
		t.Fatalf("the backlog holds %d bytes, want its size 1024", held)
	}
}

// TestBacklogRingWraps: the ring keeps exactly its size; frames read from
// the oldest offset it holds come back whole across the wrap, and a frame
// longer than the ring empties it (readers behind it need a full sync)
// without breaking the frames after it.
func TestBacklogRingWraps(t *testing.T) {
	b := newBacklog(1000)
	never := func() bool { return false }
	for i := 0; i < 500; i++ { // frames of 37-39 bytes: the ring wraps many times
		b.appendCommand(i%16384, [][]byte{[]byte("SET"), []byte(fmt.Sprintf("k%d", i)), []byte("v")})
	}
	first, hist := b.span()
	if hist > 1000 || hist < 1000-40 || first+uint64(hist) != b.end.Load() {
		t.Fatalf("span %d+%d, end %d", first, hist, b.end.Load())
	}
	frames, next, err := b.read(nil, first, time.Millisecond, never)
	if err != nil || next != b.end.Load() || len(frames) != hist {
		t.Fatalf("read from %d: %d bytes, next %d, %v", first, len(frames), next, err)
	}
	var last string
	count := 0
	for p := 0; p < len(frames); count++ {
		size := int(binary.LittleEndian.Uint32(frames[p+2:]))
		last = string(frames[p+frameHeader : p+frameHeader+size])
		p += frameHeader + size
		if p > len(frames) {
			t.Fatalf("frame %d runs past the end", count)
		}
	}
	if last != "*3\r\n$3\r\nSET\r\n$4\r\nk499\r\n$1\r\nv\r\n" || count < 20 {
		t.Fatalf("%d frames, last %q", count, last)
	}
	before := b.end.Load()
	b.appendCommand(1, [][]byte{[]byte("SET"), []byte("big"), make([]byte, 2000)})
	if b.has(before) {
		t.Fatal("the backlog still has the offset before a frame longer than itself")
	}
	at := b.end.Load()
	b.appendCommand(2, [][]byte{[]byte("DEL"), []byte("big")})
	frames, _, err = b.read(nil, at, time.Millisecond, never)
	if err != nil || len(frames) != frameHeader+len("*2\r\n$3\r\nDEL\r\n$3\r\nbig\r\n") {
		t.Fatalf("read after the big frame: %q, %v", frames, err)
	}
	if held := b.held.Load(); held != 1000 {
		t.Fatalf("held %d bytes, want 1000", held)
	}
}

// WAIT counts replicas per shard and answers with the fewest: the
// replica of one shard that has caught up does not acknowledge a write
// to another shard of the same primary whose replica lags.
func TestAckedCountsPerShard(t *testing.T) {
	var r replState
	r.replicas = map[*replicaLink]struct{}{}
	a, b := &replicaLink{shard: "a"}, &replicaLink{shard: "b"}
	for _, l := range []*replicaLink{a, b} {
		l.online.Store(true)
		r.replicas[l] = struct{}{}
	}
	a.ack.Store(100)
	b.ack.Store(40)
	if got := r.acked(50); got != 0 {
		t.Errorf("acked(50) = %d with shard b's replica at 40, want 0", got)
	}
	b.ack.Store(60)
	if got := r.acked(50); got != 1 {
		t.Errorf("acked(50) = %d with both replicas past it, want 1", got)
	}
	b.online.Store(false)
	if got := r.acked(50); got != 0 {
		t.Errorf("acked(50) = %d with shard b's replica offline, want 0", got)
	}
	var none replState
	if got := none.acked(1); got != 0 {
		t.Errorf("acked with no replicas = %d", got)
	}
}
