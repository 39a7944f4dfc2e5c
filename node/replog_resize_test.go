package node

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestBacklogResize: shrinking the backlog (CONFIG SET repl-backlog-size)
// keeps the newest whole frames, in order and at their offsets, tells a
// reader of a dropped offset so, and keeps appending and wrapping in the
// new ring; growing keeps every frame.
func TestBacklogResize(t *testing.T) {
	b := newBacklog(4096)
	never := func() bool { return false }
	for i := 0; i < 40; i++ {
		b.appendCommand(i, [][]byte{[]byte("SET"), []byte(fmt.Sprintf("k%02d", i)), []byte("v")})
	}
	end := b.end.Load()
	b.resize(300)
	if b.size() != 300 || b.held.Load() != 300 {
		t.Fatalf("size %d held %d", b.size(), b.held.Load())
	}
	start, held := b.span()
	if held > 300 || held == 0 || start+uint64(held) != end {
		t.Fatalf("after shrink: start %d held %d end %d", start, held, end)
	}
	if _, _, err := b.read(nil, 0, time.Millisecond, never); !errors.Is(err, errBacklogGone) {
		t.Fatalf("read from 0 after shrink: %v", err)
	}
	frames, next, err := b.read(nil, start, time.Millisecond, never)
	if err != nil || next != end || !strings.HasSuffix(string(frames), "k39\r\n$1\r\nv\r\n") {
		t.Fatalf("read from %d: %q %d %v", start, frames, next, err)
	}
	for i := 40; i < 60; i++ {
		b.appendCommand(i, [][]byte{[]byte("SET"), []byte(fmt.Sprintf("k%02d", i)), []byte("v")})
	}
	start, _ = b.span()
	if frames, _, err = b.read(nil, start, time.Millisecond, never); err != nil || !strings.HasSuffix(string(frames), "k59\r\n$1\r\nv\r\n") {
		t.Fatalf("after wrapping: %q %v", frames, err)
	}
	before := string(frames)
	b.resize(1 << 16)
	if frames, _, err = b.read(nil, start, time.Millisecond, never); err != nil || string(frames) != before {
		t.Fatalf("after growing: %q %v", frames, err)
	}
}
