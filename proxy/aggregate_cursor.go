package proxy

import (
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/internal/resp"
)

// appendCursorChunk writes [[total, rows...], id] with up to count rows
// taken from c, forgetting c once read to the end (id 0).
func appendCursorChunk(dst []byte, t *ftargs.Cursors, id uint64, c *ftargs.Cursor, count int) []byte {
	chunk, done := c.Next(count)
	if done {
		t.Del(id)
		id = 0
	}
	dst = resp.AppendArray(dst, 2)
	dst = appendAggRows(dst, c.Total, chunk)
	return resp.AppendInt(dst, int64(id))
}

// cmdFTCursor serves FT.CURSOR READ|DEL|GC from the proxy's cursors.
func cmdFTCursor(s *session, args [][]byte) {
	sub := strings.ToUpper(string(args[1]))
	t := &s.p.cursors
	if sub == "GC" {
		s.Int(int64(t.GC()))
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
	c := t.Take(id, string(args[2]), func(owner any) bool { return owner == any(s.user) })
	if c == nil {
		if sub == "DEL" {
			s.Error("Cursor does not exist")
		} else {
			s.Error("Cursor not found")
		}
		return
	}
	if sub == "DEL" {
		t.Del(id)
		s.Simple("OK")
		return
	}
	if count == 0 {
		count = c.Count
	}
	s.local = appendCursorChunk(s.local, t, id, c, count)
	t.Put(id, c)
}
