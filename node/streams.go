package node

import (
	"strings"

	"github.com/vcache/vcache/cache"
)

// Stream commands: entries, ranges, trimming (consumer groups are in
// streams_group.go, XINFO in streams_info.go).

func replyID(cx *Ctx, id cache.StreamID) { cx.BulkString(id.String()) }

// replyEntry writes [id, [field, value, ...]], or [id, nil] for an entry
// deleted since it was delivered.
func replyEntry(cx *Ctx, e cache.StreamEntry) {
	cx.Array(2)
	replyID(cx, e.ID)
	if e.Fields == nil {
		cx.NullArray()
		return
	}
	cx.Array(len(e.Fields))
	for _, f := range e.Fields {
		cx.Bulk(f)
	}
}

func replyEntries(cx *Ctx, es []cache.StreamEntry) {
	cx.Array(len(es))
	for _, e := range es {
		replyEntry(cx, e)
	}
}

func cmdXAdd(cx *Ctx) {
	a, msg := parseXAdd(cx.Args, true)
	if msg != "" {
		cx.Error(msg)
		return
	}
	id, ok, err := cx.Node.ks.XAdd(cx.Args[1], &a.XAddArgs)
	switch {
	case err != nil:
		cx.Err(err)
	case !ok:
		cx.Null()
	default:
		replyID(cx, id)
	}
}

func cmdXTrim(cx *Ctx) {
	a, msg := parseXAdd(cx.Args, false)
	if msg != "" {
		cx.Error(msg)
		return
	}
	n, err := cx.Node.ks.XTrim(cx.Args[1], a.Trim)
	if err != nil {
		cx.Err(err)
		return
	}
	cx.Int(n)
}

func cmdXLen(cx *Ctx) {
	n, err := cx.Node.ks.XLen(cx.Args[1])
	if err != nil {
		cx.Err(err)
		return
	}
	cx.Int(n)
}

func cmdXRange(cx *Ctx) { xrange(cx, false) }

func cmdXRevRange(cx *Ctx) { xrange(cx, true) }

func xrange(cx *Ctx, rev bool) {
	sa, ea := cx.Args[2], cx.Args[3]
	if rev {
		sa, ea = ea, sa
	}
	start, msg := parseIntervalID(sa, 0, true)
	if msg == "" {
		var end cache.StreamID
		end, msg = parseIntervalID(ea, ^uint64(0), false)
		if msg == "" {
			count := -1
			for j := 4; j < len(cx.Args) && msg == ""; j++ {
				if strings.EqualFold(string(cx.Args[j]), "count") && j+1 < len(cx.Args) {
					n, ok := streamInt(cx.Args[j+1])
					if !ok {
						msg = msgNotInteger
					}
					count = int(min(max(n, 0), 1<<31))
					j++
				} else {
					msg = "ERR syntax error"
				}
			}
			if msg == "" {
				if count == 0 {
					cx.NullArray()
					return
				}
				es, err := cx.Node.ks.XRange(cx.Args[1], start, end, max(count, 0), rev)
				if err != nil {
					cx.Err(err)
					return
				}
				replyEntries(cx, es)
				return
			}
		}
	}
	cx.Error(msg)
}

func cmdXDel(cx *Ctx) {
	ids := make([]cache.StreamID, 0, len(cx.Args)-2)
	for _, b := range cx.Args[2:] {
		id, msg := parseStrictID(b)
		if msg != "" {
			cx.Error(msg)
			return
		}
		ids = append(ids, id)
	}
	n, err := cx.Node.ks.XDel(cx.Args[1], ids)
	if err != nil {
		cx.Err(err)
		return
	}
	cx.Int(n)
}

func cmdXSetID(cx *Ctx) {
	a := cache.XSetIDArgs{EntriesAdded: -1}
	var msg string
	if a.ID, msg = parseStrictID(cx.Args[2]); msg != "" {
		cx.Error(msg)
		return
	}
	for i := 3; i < len(cx.Args); i += 2 {
		opt := string(cx.Args[i])
		switch {
		case strings.EqualFold(opt, "entriesadded") && i+1 < len(cx.Args):
			n, ok := streamInt(cx.Args[i+1])
			if !ok {
				cx.Error(msgNotInteger)
				return
			}
			if n < 0 {
				cx.Error("ERR entries_added must be positive")
				return
			}
			a.EntriesAdded = n
		case strings.EqualFold(opt, "maxdeletedid") && i+1 < len(cx.Args):
			if a.MaxDeleted, msg = parseStrictID(cx.Args[i+1]); msg != "" {
				cx.Error(msg)
				return
			}
			if a.ID.Less(a.MaxDeleted) {
				cx.Error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")
				return
			}
		default:
			cx.SyntaxError()
			return
		}
	}
	if err := cx.Node.ks.XSetID(cx.Args[1], a); err != nil {
		cx.Err(err)
		return
	}
	cx.OK()
}

// cmdXRead serves XREAD; BLOCK is honoured only when entries are there
// (see replyNothing).
func cmdXRead(cx *Ctx) {
	a, msg := parseXRead(cx.Args, false)
	if msg != "" {
		cx.Error(msg)
		return
	}
	if refuseBlockInScript(cx, a.block) {
		return
	}
	after := make([]cache.StreamID, len(a.keys))
	for i, k := range a.keys {
		last, _, err := cx.Node.ks.StreamLastID(k)
		if err != nil {
			cx.Err(err)
			return
		}
		switch string(a.ids[i]) {
		case "$":
			after[i] = last
		case ">":
			cx.Error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")
			return
		default:
			if after[i], msg = parseStrictID(a.ids[i]); msg != "" {
				cx.Error(msg)
				return
			}
		}
	}
	type served struct {
		key []byte
		es  []cache.StreamEntry
	}
	var out []served
	for i, k := range a.keys {
		es, ok, err := cx.Node.ks.XRead(k, after[i], a.count)
		if err != nil {
			cx.Err(err)
			return
		}
		if ok {
			out = append(out, served{k, es})
		}
	}
	if len(out) == 0 {
		replyNothing(cx, a.block)
		return
	}
	cx.Array(len(out))
	for _, s := range out {
		cx.Array(2)
		cx.Bulk(s.key)
		replyEntries(cx, s.es)
	}
}

// replyNothing answers a read that found no entry: nil, or with BLOCK an
// error, since vcache does not wait for entries yet (a read with BLOCK
// that finds entries is answered at once, as Redis does). Inside EXEC or
// a script BLOCK does not wait, in Redis too: nil.
func replyNothing(cx *Ctx, block bool) {
	if block && cx.cl.conn != nil && !cx.cl.inExec {
		cx.Error("ERR " + strings.ToUpper(cx.Name()) + " BLOCK found no entries and vcache cannot wait for new ones yet")
		return
	}
	cx.NullArray()
}
