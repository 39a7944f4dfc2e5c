package node

import (
	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/vector/ft"
)

func cmdFTAggregate(cx *Ctx) {
	req, err := ft.ParseAggregateArgs(cx.Args[1:])
	if err != nil {
		ftError(cx, err)
		return
	}
	cx.Node.search.Config.ApplyAggregateDialect(req) // the query is read in its dialect
	ix := openSearch(cx, req.Index, req.Expand, req.ParseQueryFor)
	if ix == nil {
		return
	}
	if refuseGone(cx, req.Args.Slots) {
		return
	}
	req.Admit = aggregateAdmit(cx.Node, req.Args.Slots)
	ks := cx.Node.ks
	rows, total, err := ix.Aggregate(req, aggregateDocs(ks, ix, req))
	if err != nil {
		ftError(cx, err)
		return
	}
	if !req.Args.WithCursor {
		writeAggRows(cx, total, rows)
		return
	}
	// The index's prefixes go with the cursor: a reader needs read access
	// to them.
	c := ftargs.NewCursor(req.Index, ix.Schema().Prefixes, rows, total, req.Args.CursorCount, req.Args.MaxIdle)
	c.Expand = req.Expand
	id, err := cx.Node.cursors.Add(c)
	if err != nil {
		ftError(cx, err)
		return
	}
	writeCursorChunk(cx, &cx.Node.cursors, id, c, c.Count)
	cx.Node.cursors.Put(id, c)
}

// writeAggRows writes [total, row, row, ...], each row a flat name/value
// array.
func writeAggRows(cx *Ctx, total int64, rows []ftargs.Row) {
	cx.Array(1 + len(rows))
	cx.Int(total)
	for i := range rows {
		writeAny(cx, rows[i].Reply())
	}
}

// writeCursorChunk writes [[total, rows...], id] with up to count rows
// taken from c, and forgets c once it is read to the end (id 0).
func writeCursorChunk(cx *Ctx, t *ftargs.Cursors, id uint64, c *ftargs.Cursor, count int) {
	chunk, done := c.Next(count)
	if done {
		t.Del(id)
		id = 0
	}
	cx.Array(2)
	writeAggRows(cx, c.Total, chunk)
	cx.Int(int64(id))
}

// cmdFTCursor serves FT.CURSOR READ index id [COUNT n], FT.CURSOR DEL
// index id and FT.CURSOR GC index.
func cmdFTCursor(cx *Ctx) {
	cc, err := ftargs.ParseCursor(cx.Args)
	if err != nil {
		cx.Error(err.Error())
		return
	}
	if cc.Sub == "GC" {
		cx.Int(int64(cx.Node.cursors.GC()))
		return
	}
	sub, id, count := cc.Sub, cc.ID, cc.Count
	t := &cx.Node.cursors
	c := t.Take(id, cc.Index, nil)
	if c == nil {
		if sub == "DEL" {
			cx.Error("Cursor does not exist")
		} else {
			cx.Error("Cursor not found")
		}
		return
	}
	prefixes, _ := c.Owner.([]string)
	if prefixesDenied(cx, prefixes, true, false) {
		t.Put(id, c)
		return
	}
	if sub == "DEL" {
		t.Del(id)
		cx.OK()
		return
	}
	if count == 0 {
		count = c.Count
	}
	cx.expand3 = c.Expand // the rows have the first batch's RESP3 shape
	writeCursorChunk(cx, t, id, c, count)
	t.Put(id, c)
}
