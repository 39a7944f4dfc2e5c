package node

import (
	"strings"
	"time"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
)

// List commands. Blocking ones (BLPOP, ...) are in blocking.go; the
// argument parsers they share are in lists_parse.go.

func cmdLPush(cx *Ctx)  { push(cx, true, false) }
func cmdRPush(cx *Ctx)  { push(cx, false, false) }
func cmdLPushX(cx *Ctx) { push(cx, true, true) }
func cmdRPushX(cx *Ctx) { push(cx, false, true) }

func push(cx *Ctx, left, existing bool) {
	n, err := cx.Node.ks.PushAt(cx.slotOfArg1(), cx.Args[1], cx.Args[2:], left, existing)
	replyInt(cx, int64(n), err)
}

func cmdLPop(cx *Ctx) { pop(cx, true) }
func cmdRPop(cx *Ctx) { pop(cx, false) }

// pop answers LPOP/RPOP key [count]: without count one element (or
// null), with it an array (null array for a missing key).
func pop(cx *Ctx, left bool) {
	if len(cx.Args) > 3 {
		cx.Error(command.ArityError(cx.Name()))
		return
	}
	count := 1
	if len(cx.Args) == 3 {
		c, ok := parseCount(cx.Args[2])
		if !ok {
			cx.Error(msgPositive)
			return
		}
		count = c
	}
	// The elements go straight from the list to the reply buffer: the
	// array's length first, with a count.
	begin := noBegin
	if len(cx.Args) == 3 {
		begin = cx.Array
	}
	found, err := cx.Node.ks.PopEach(cx.slotOfArg1(), cx.Args[1], left, count, begin, cx.Bulk)
	switch {
	case err != nil:
		cx.Err(err)
	case found:
	case len(cx.Args) == 2:
		cx.Null()
	default:
		cx.NullArray()
	}
}

// noBegin is PopEach's begin for a reply that is no array.
func noBegin(int) {}

func cmdLLen(cx *Ctx) {
	n, err := cx.Node.ks.LLen(cx.Args[1])
	replyInt(cx, int64(n), err)
}

func cmdLRange(cx *Ctx) {
	start, err1 := cache.ParseInt(cx.Args[2])
	stop, err2 := cache.ParseInt(cx.Args[3])
	if err1 != nil || err2 != nil {
		cx.Err(cache.ErrNotInteger)
		return
	}
	// The elements go straight from the list to the reply buffer.
	if err := cx.Node.ks.LRangeEach(cx.Args[1], start, stop, cx.Array, cx.Bulk); err != nil {
		cx.Err(err)
	}
}

func cmdLIndex(cx *Ctx) {
	i, err := cache.ParseInt(cx.Args[2])
	if err != nil {
		cx.Err(err)
		return
	}
	v, err := cx.Node.ks.LIndex(cx.Args[1], i)
	replyBulkOrNull(cx, v, err)
}

func cmdLSet(cx *Ctx) {
	i, err := cache.ParseInt(cx.Args[2])
	if err != nil {
		cx.Err(err)
		return
	}
	if err := cx.Node.ks.LSet(cx.Args[1], i, cx.Args[3]); err != nil {
		cx.Err(err)
		return
	}
	cx.OK()
}

func cmdLInsert(cx *Ctx) {
	var before bool
	switch strings.ToLower(string(cx.Args[2])) {
	case "before":
		before = true
	case "after":
	default:
		cx.SyntaxError()
		return
	}
	n, err := cx.Node.ks.LInsert(cx.Args[1], before, cx.Args[3], cx.Args[4])
	replyInt(cx, int64(n), err)
}

func cmdLRem(cx *Ctx) {
	count, err := cache.ParseInt(cx.Args[2])
	if err != nil {
		cx.Err(err)
		return
	}
	n, err := cx.Node.ks.LRem(cx.Args[1], count, cx.Args[3])
	replyInt(cx, int64(n), err)
}

func cmdLTrim(cx *Ctx) {
	start, err1 := cache.ParseInt(cx.Args[2])
	stop, err2 := cache.ParseInt(cx.Args[3])
	if err1 != nil || err2 != nil {
		cx.Err(cache.ErrNotInteger)
		return
	}
	if err := cx.Node.ks.LTrim(cx.Args[1], start, stop); err != nil {
		cx.Err(err)
		return
	}
	cx.OK()
}

func cmdLPos(cx *Ctx) {
	q, msg := parseLPos(cx.Args[3:])
	if msg != "" {
		cx.Error(msg)
		return
	}
	idx, err := cx.Node.ks.LPos(cx.Args[1], cx.Args[2], q)
	switch {
	case err != nil:
		cx.Err(err)
	case q.Count < 0 && len(idx) == 0:
		cx.Null()
	case q.Count < 0:
		cx.Int(idx[0])
	default:
		cx.Array(len(idx))
		for _, i := range idx {
			cx.Int(i)
		}
	}
}

func cmdLMove(cx *Ctx) {
	from, ok1 := parseSide(cx.Args[3])
	to, ok2 := parseSide(cx.Args[4])
	if !ok1 || !ok2 {
		cx.SyntaxError()
		return
	}
	v, err := cx.Node.ks.LMove(cx.Args[1], cx.Args[2], from, to)
	replyBulkOrNull(cx, v, err)
}

func cmdRPopLPush(cx *Ctx) {
	v, err := cx.Node.ks.LMove(cx.Args[1], cx.Args[2], false, true)
	replyBulkOrNull(cx, v, err)
}

func cmdLMPop(cx *Ctx) {
	m, msg := parseMPop(cx.Args[1:])
	if msg != "" {
		cx.Error(msg)
		return
	}
	if keysDenied(cx, 2, 1+len(m.keys)) {
		return
	}
	i, vals, err := cx.Node.ks.MPop(m.keys, m.left, m.count)
	replyMPop(cx, m.keys, i, vals, err)
}

// replyMPop answers [key, [elements]] for the key at i, or a null array.
func replyMPop(cx *Ctx, keys [][]byte, i int, vals [][]byte, err error) {
	switch {
	case err != nil:
		cx.Err(err)
	case i < 0:
		cx.NullArray()
	default:
		cx.Array(2)
		cx.Bulk(keys[i])
		replyBulks(cx, vals)
	}
}

// keysDenied checks the client's key permissions on Args[first..last]
// (the keys of LMPOP and BLMPOP, whose spec names the first only) and
// answers NOPERM when one is denied.
func keysDenied(cx *Ctx, first, last int) bool {
	u := cx.cl.user
	if u == nil || last <= first {
		return false
	}
	s := *cx.spec
	s.FirstKey, s.LastKey, s.Step = first, last, 1
	d := u.Perms().Check(s.ID, &s, cx.Args)
	if d == nil {
		return false
	}
	now := time.Now()
	cx.Node.acl.Log().Add(*d, cx.cl.multi != nil, cx.cl.info(now), now)
	cx.Error(d.Error())
	return true
}
