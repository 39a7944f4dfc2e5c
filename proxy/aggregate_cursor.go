package proxy

import (
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

// proxyFTCursor serves FT.CURSOR READ|DEL|GC from the proxy's cursors.
func proxyFTCursor(s *session, args [][]byte) {
	cc, err := ftargs.ParseCursor(args)
	if err != nil {
		s.Error(err.Error())
		return
	}
	t := &s.p.cursors
	if cc.Sub == "GC" {
		s.Int(int64(t.GC()))
		return
	}
	sub, id, count := cc.Sub, cc.ID, cc.Count
	c := t.Take(id, cc.Index, func(owner any) bool { return owner == any(s.user) })
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
	mark := len(s.local)
	expand := c.Expand
	s.local = appendCursorChunk(s.local, t, id, c, count)
	t.Put(id, c)
	if s.resp3.Load() {
		// RediSearch's result map, as for FT.AGGREGATE WITHCURSOR, with
		// its FORMAT EXPAND.
		shape := resp.AsFTCursor
		if expand {
			shape = resp.FTExpandShape(shape)
		}
		conv := resp.To3(nil, s.local[mark:], shape)
		s.local = append(s.local[:mark], conv...)
	}
}
