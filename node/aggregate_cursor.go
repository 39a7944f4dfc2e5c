package node

import (
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/vcache/vcache/internal/ftargs"
)

const (
	// defaultCursorCount is the rows a cursor gives per read without
	// COUNT (RediSearch's CURSOR_READ_SIZE).
	defaultCursorCount = 1000
	// maxCursorIdle is the longest a cursor waits unread (and the
	// default), RediSearch's CURSOR_MAX_IDLE.
	maxCursorIdle = 300 * time.Second
	// maxCursors bounds the cursors a node keeps open.
	maxCursors = 1024
)

var errTooManyCursors = errors.New("Too many cursors allocated for index")

// cursorIdle returns MAXIDLE in milliseconds as a duration, at most
// maxCursorIdle (0: the default).
func cursorIdle(ms int64) time.Duration {
	if ms <= 0 || ms > int64(maxCursorIdle/time.Millisecond) {
		return maxCursorIdle
	}
	return time.Duration(ms) * time.Millisecond
}

// aggCursor is an FT.AGGREGATE result not yet read.
type aggCursor struct {
	index    string
	prefixes []string // the index's, for the reader's ACL check
	rows     []ftargs.Row
	total    int64
	count    int // rows per read
	maxIdle  time.Duration
	deadline time.Time // expires unless read before
	busy     bool      // taken by a reader
}

// cursorTable is a node's open cursors. Expired cursors are swept when a
// cursor is added or looked up, so no goroutine is needed.
type cursorTable struct {
	mu sync.Mutex // guards m
	m  map[uint64]*aggCursor
}

func (t *cursorTable) sweepLocked(now time.Time) int {
	n := 0
	for id, c := range t.m {
		if !c.busy && now.After(c.deadline) {
			delete(t.m, id)
			n++
		}
	}
	return n
}

// add stores c and returns its id.
func (t *cursorTable) add(c *aggCursor) (uint64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	if t.m == nil {
		t.m = map[uint64]*aggCursor{}
	}
	if len(t.m) >= maxCursors {
		t.sweepLocked(now)
		if len(t.m) >= maxCursors {
			return 0, errTooManyCursors
		}
	}
	var id uint64
	for id == 0 || t.m[id] != nil {
		id = rand.Uint64() >> 1
	}
	c.deadline = now.Add(c.maxIdle)
	c.busy = true
	t.m[id] = c
	return id, nil
}

// take returns the cursor id of index, marked busy, or nil if there is
// none (or it expired, or another reader has it).
func (t *cursorTable) take(id uint64, index string) *aggCursor {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.m[id]
	if c == nil || c.busy || c.index != index {
		return nil
	}
	if time.Now().After(c.deadline) {
		delete(t.m, id)
		return nil
	}
	c.busy = true
	return c
}

// put gives a taken cursor back, restarting its idle time, unless it was
// deleted meanwhile.
func (t *cursorTable) put(id uint64, c *aggCursor) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m[id] == c {
		c.busy = false
		c.deadline = time.Now().Add(c.maxIdle)
	}
}

func (t *cursorTable) del(id uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, id)
}

// gc removes expired cursors and returns how many.
func (t *cursorTable) gc() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sweepLocked(time.Now())
}
