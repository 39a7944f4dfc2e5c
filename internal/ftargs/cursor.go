package ftargs

import (
	"errors"
	"math/rand/v2"
	"sync"
	"time"
)

// Cursor limits, as RediSearch's: rows a read gives without COUNT
// (CURSOR_READ_SIZE), the longest and default idle time (CURSOR_MAX_IDLE),
// and how many cursors one server keeps open.
const (
	DefaultCursorCount = 1000
	MaxCursorIdle      = 300 * time.Second
	MaxCursors         = 1024
)

// ErrTooManyCursors is the error of an aggregate past MaxCursors.
var ErrTooManyCursors = errors.New("Too many cursors allocated for index")

// Cursor is an FT.AGGREGATE result not yet read (WITHCURSOR), held by the
// server that ran the aggregate: a node, or the proxy after its merge.
type Cursor struct {
	Index string
	// Expand is the aggregate's FORMAT EXPAND: every read's rows are
	// expanded for a RESP3 client, as the first batch's.
	Expand bool
	// Owner is what the server checks before a read: the index's prefixes
	// on a node, the user that made it on the proxy.
	Owner   any
	Rows    []Row
	Total   int64
	Count   int // rows per read without COUNT
	maxIdle time.Duration
	// guarded by the table's mu
	deadline time.Time
	busy     bool
}

// NewCursor makes a cursor over rows with WITHCURSOR's COUNT and MAXIDLE
// (milliseconds; 0 or past the limit: MaxCursorIdle).
func NewCursor(index string, owner any, rows []Row, total, count, maxIdleMs int64) *Cursor {
	c := &Cursor{Index: index, Owner: owner, Rows: rows, Total: total, Count: int(count), maxIdle: MaxCursorIdle}
	if c.Count <= 0 {
		c.Count = DefaultCursorCount
	}
	if maxIdleMs > 0 && maxIdleMs <= int64(MaxCursorIdle/time.Millisecond) {
		c.maxIdle = time.Duration(maxIdleMs) * time.Millisecond
	}
	return c
}

// Next takes up to n rows off the cursor's front and reports whether it
// is read to the end.
func (c *Cursor) Next(n int) (rows []Row, done bool) {
	n = min(n, len(c.Rows))
	rows, c.Rows = c.Rows[:n], c.Rows[n:]
	return rows, len(c.Rows) == 0
}

// Cursors is a server's open cursors, by id. Expired cursors are swept
// when one is added or read, so no goroutine is needed. It is safe for
// concurrent use; a cursor taken by a reader is its own until Put.
type Cursors struct {
	mu sync.Mutex // guards m and the cursors' deadline and busy
	m  map[uint64]*Cursor
}

func (t *Cursors) sweepLocked(now time.Time) int {
	n := 0
	for id, c := range t.m {
		if !c.busy && now.After(c.deadline) {
			delete(t.m, id)
			n++
		}
	}
	return n
}

// Add stores c, taken by its maker until Put, and returns its id.
func (t *Cursors) Add(c *Cursor) (uint64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	if t.m == nil {
		t.m = map[uint64]*Cursor{}
	}
	if len(t.m) >= MaxCursors {
		t.sweepLocked(now)
		if len(t.m) >= MaxCursors {
			return 0, ErrTooManyCursors
		}
	}
	var id uint64
	for id == 0 || t.m[id] != nil {
		id = rand.Uint64() >> 1
	}
	c.deadline, c.busy = now.Add(c.maxIdle), true
	t.m[id] = c
	return id, nil
}

// Take returns cursor id of index, taken, when it exists, has not expired,
// no other reader has it and mine accepts its owner; else nil.
func (t *Cursors) Take(id uint64, index string, mine func(owner any) bool) *Cursor {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.m[id]
	if c == nil || c.busy || c.Index != index || (mine != nil && !mine(c.Owner)) {
		return nil
	}
	if time.Now().After(c.deadline) {
		delete(t.m, id)
		return nil
	}
	c.busy = true
	return c
}

// Put gives a taken cursor back, restarting its idle time, unless it was
// deleted meanwhile.
func (t *Cursors) Put(id uint64, c *Cursor) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m[id] == c {
		c.busy = false
		c.deadline = time.Now().Add(c.maxIdle)
	}
}

// Del forgets cursor id.
func (t *Cursors) Del(id uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, id)
}

// GC removes the expired cursors and returns how many.
func (t *Cursors) GC() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sweepLocked(time.Now())
}
