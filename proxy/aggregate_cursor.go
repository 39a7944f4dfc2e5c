package proxy

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vcache/vcache/internal/acl"
	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/internal/resp"
)

const (
	// defaultCursorCount is the rows a cursor gives per read without
	// COUNT (RediSearch's CURSOR_READ_SIZE).
	defaultCursorCount = 1000
	// maxCursorIdle is the longest a cursor waits unread (and the
	// default), RediSearch's CURSOR_MAX_IDLE.
	maxCursorIdle = 300 * time.Second
	// maxCursors bounds the cursors a proxy keeps open.
	maxCursors = 1024
)

var errTooManyCursors = errors.New("Too many cursors allocated for index")

func cursorIdle(ms int64) time.Duration {
	if ms <= 0 || ms > int64(maxCursorIdle/time.Millisecond) {
		return maxCursorIdle
	}
	return time.Duration(ms) * time.Millisecond
}

// proxyCursor is an FT.AGGREGATE result not yet read. Only a session of
// the user that made it may read it.
type proxyCursor struct {
	index    string
	user     *acl.User
	rows     []ftargs.Row
	total    int64
	count    int
	maxIdle  time.Duration
	deadline time.Time
	busy     bool
}

// cursorTable is the proxy's open cursors; expired ones are swept when a
// cursor is added or looked up.
type cursorTable struct {
	mu sync.Mutex // guards m
	m  map[uint64]*proxyCursor
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

func (t *cursorTable) add(c *proxyCursor) (uint64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	if t.m == nil {
		t.m = map[uint64]*proxyCursor{}
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
	c.deadline, c.busy = now.Add(c.maxIdle), true
	t.m[id] = c
	return id, nil
}

func (t *cursorTable) take(id uint64, index string, user *acl.User) *proxyCursor {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.m[id]
	if c == nil || c.busy || c.index != index || c.user != user {
		return nil
	}
	if time.Now().After(c.deadline) {
		delete(t.m, id)
		return nil
	}
	c.busy = true
	return c
}

func (t *cursorTable) put(id uint64, c *proxyCursor) {
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

func (t *cursorTable) gc() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sweepLocked(time.Now())
}

// appendCursorChunk writes [[total, rows...], id] with up to count rows
// taken from c, forgetting c once read to the end (id 0).
func appendCursorChunk(dst []byte, t *cursorTable, id uint64, c *proxyCursor, count int) []byte {
	n := min(count, len(c.rows))
	chunk := c.rows[:n]
	c.rows = c.rows[n:]
	if len(c.rows) == 0 {
		t.del(id)
		id = 0
	}
	dst = resp.AppendArray(dst, 2)
	dst = appendAggRows(dst, c.total, chunk)
	return resp.AppendInt(dst, int64(id))
}

// cmdFTCursor serves FT.CURSOR READ|DEL|GC from the proxy's cursors.
func cmdFTCursor(s *session, args [][]byte) {
	sub := strings.ToUpper(string(args[1]))
	t := &s.p.cursors
	if sub == "GC" {
		s.Int(int64(t.gc()))
		return
	}
	if sub != "READ" && sub != "DEL" {
		s.Error("Unknown subcommand")
		return
	}
	if len(args) < 4 || sub == "DEL" && len(args) > 4 {
		s.Error(arityError("ft.cursor"))
		return
	}
	id, err := strconv.ParseUint(string(args[3]), 10, 63)
	if err != nil {
		s.Error("Bad cursor ID")
		return
	}
	count := 0
	if sub == "READ" && len(args) > 4 {
		if len(args) != 6 || !strings.EqualFold(string(args[4]), "COUNT") {
			s.Error("Unknown argument `" + string(args[4]) + "` at position 3 for <main>")
			return
		}
		n, err := strconv.ParseInt(string(args[5]), 10, 64)
		if err != nil || n < 0 {
			s.Error("Bad arguments for COUNT: Could not convert argument to expected type")
			return
		}
		count = int(min(n, 1<<30))
	}
	c := t.take(id, string(args[2]), s.user)
	if c == nil {
		if sub == "DEL" {
			s.Error("Cursor does not exist")
		} else {
			s.Error("Cursor not found")
		}
		return
	}
	if sub == "DEL" {
		t.del(id)
		s.Simple("OK")
		return
	}
	if count == 0 {
		count = c.count
	}
	s.local = appendCursorChunk(s.local, t, id, c, count)
	t.put(id, c)
}
