package node

import (
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/vector/ft"
)

func cmdFTAggregate(cx *Ctx) {
	req, err := ft.ParseAggregateArgs(cx.Args[1:])
	if err != nil {
		ftError(cx, err)
		return
	}
	ix, err := cx.Node.search.Get(req.Index)
	if err != nil {
		ftError(cx, err)
		return
	}
	prefixes := ix.Schema().Prefixes
	if indexDenied(cx, prefixes, true, false) {
		return
	}
	if err := req.ParseQuery(); err != nil {
		ftError(cx, err)
		return
	}
	if cx.Node.Cluster() != nil {
		req.Admit = cx.Node.owns
	}
	ks := cx.Node.ks
	rows, total, err := ix.Aggregate(req, docLoader(ks, ix))
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
	c := ftargs.NewCursor(req.Index, prefixes, rows, total, req.Args.CursorCount, req.Args.MaxIdle)
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
	sub := strings.ToUpper(string(cx.Args[1]))
	if sub == "GC" {
		cx.Int(int64(cx.Node.cursors.GC()))
		return
	}
	if (sub != "READ" && sub != "DEL") || len(cx.Args) < 4 {
		if sub != "READ" && sub != "DEL" {
			cx.Error("Unknown subcommand")
		} else {
			cx.Error("ERR wrong number of arguments for 'ft.cursor' command")
		}
		return
	}
	id, err := strconv.ParseUint(string(cx.Args[3]), 10, 63)
	if err != nil {
		cx.Error("Bad cursor ID")
		return
	}
	count := 0
	if sub == "READ" && len(cx.Args) > 4 {
		if len(cx.Args) != 6 || !strings.EqualFold(string(cx.Args[4]), "COUNT") {
			cx.Error("Unknown argument `" + string(cx.Args[4]) + "` at position 3 for <main>")
			return
		}
		n, err := strconv.ParseInt(string(cx.Args[5]), 10, 64)
		if err != nil || n < 0 {
			cx.Error("Bad arguments for COUNT: Could not convert argument to expected type")
			return
		}
		count = int(min(n, 1<<30))
	} else if sub == "DEL" && len(cx.Args) > 4 {
		cx.Error("ERR wrong number of arguments for 'ft.cursor' command")
		return
	}
	t := &cx.Node.cursors
	c := t.Take(id, string(cx.Args[2]), nil)
	if c == nil {
		if sub == "DEL" {
			cx.Error("Cursor does not exist")
		} else {
			cx.Error("Cursor not found")
		}
		return
	}
	prefixes, _ := c.Owner.([]string)
	if indexDenied(cx, prefixes, true, false) {
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
	writeCursorChunk(cx, t, id, c, count)
	t.Put(id, c)
}
