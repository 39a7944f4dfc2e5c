package node

import (
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/vcache/vcache/cache"
)

// Sorted-set commands: the single-key ones. Ranges are in zsets_range.go,
// the multi-key ones in zsets_multi.go.

// replyScore answers a score as Redis 7.0 does: a double in RESP3, a bulk
// string in RESP2, written "%.17g", inf, -inf either way.
func replyScore(cx *Ctx, s float64) { cx.Double(s) }

// replyZMembers answers members, each with its score when withScores: in
// RESP3 an array of [member, score] pairs, in RESP2 flat (member, score,
// member...).
func replyZMembers(cx *Ctx, ms []cache.ZMember, withScores bool) {
	if withScores && cx.Proto() == 3 {
		cx.Array(len(ms))
		for _, m := range ms {
			cx.Array(2)
			cx.BulkString(m.Member)
			replyScore(cx, m.Score)
		}
		return
	}
	replyZFlat(cx, ms, withScores)
}

// replyZFlat answers members, each followed by its score when withScores,
// in one flat array in either protocol (ZPOPMIN without a count).
func replyZFlat(cx *Ctx, ms []cache.ZMember, withScores bool) {
	if withScores {
		cx.Array(2 * len(ms))
	} else {
		cx.Array(len(ms))
	}
	for _, m := range ms {
		cx.BulkString(m.Member)
		if withScores {
			replyScore(cx, m.Score)
		}
	}
}

func cmdZAdd(cx *Ctx) {
	args := cx.Args
	var f cache.ZAddFlags
	i := 2
opts:
	for ; i < len(args); i++ {
		switch strings.ToUpper(string(args[i])) {
		case "NX":
			f.NX = true
		case "XX":
			f.XX = true
		case "GT":
			f.GT = true
		case "LT":
			f.LT = true
		case "CH":
			f.CH = true
		case "INCR":
			f.Incr = true
		default:
			break opts
		}
	}
	rest := args[i:]
	switch {
	case len(rest) == 0 || len(rest)%2 != 0:
		cx.SyntaxError()
		return
	case f.NX && f.XX:
		cx.Error("ERR XX and NX options at the same time are not compatible")
		return
	case (f.GT && f.NX) || (f.LT && f.NX) || (f.GT && f.LT):
		cx.Error("ERR GT, LT, and/or NX options at the same time are not compatible")
		return
	case f.Incr && len(rest) > 2:
		cx.Error("ERR INCR option supports a single increment-element pair")
		return
	}
	var small [16]cache.ZMember // the usual ZADD's members, without garbage
	items := small[:0]
	if len(rest)/2 > len(small) {
		items = make([]cache.ZMember, 0, len(rest)/2)
	}
	items = items[:len(rest)/2]
	for j := range items {
		s, err := cache.ParseScore(rest[2*j])
		if err != nil {
			cx.Err(err)
			return
		}
		items[j] = cache.ZMember{Member: argString(rest[2*j+1]), Score: s}
	}
	n, score, done, err := cx.Node.ks.ZAdd(args[1], f, items)
	switch {
	case err != nil:
		cx.Err(err)
	case !f.Incr:
		cx.Int(int64(n))
	case done:
		replyScore(cx, score)
	default:
		cx.Null()
	}
}

func cmdZIncrBy(cx *Ctx) {
	d, err := cache.ParseScore(cx.Args[2])
	if err != nil {
		cx.Err(err)
		return
	}
	items := []cache.ZMember{{Member: string(cx.Args[3]), Score: d}}
	_, score, _, err := cx.Node.ks.ZAdd(cx.Args[1], cache.ZAddFlags{Incr: true}, items)
	if err != nil {
		cx.Err(err)
		return
	}
	replyScore(cx, score)
}

func cmdZRem(cx *Ctx) {
	n, err := cx.Node.ks.ZRem(cx.Args[1], cx.Args[2:])
	replyInt(cx, int64(n), err)
}

func cmdZScore(cx *Ctx) {
	s, ok, err := cx.Node.ks.ZScore(cx.Args[1], cx.Args[2])
	switch {
	case err != nil:
		cx.Err(err)
	case !ok:
		cx.Null()
	default:
		replyScore(cx, s)
	}
}

func cmdZMScore(cx *Ctx) {
	scores, ok, err := cx.Node.ks.ZMScore(cx.Args[1], cx.Args[2:])
	if err != nil {
		cx.Err(err)
		return
	}
	cx.Array(len(scores))
	for i, s := range scores {
		if ok[i] {
			replyScore(cx, s)
		} else {
			cx.Null()
		}
	}
}

func cmdZRank(cx *Ctx)    { zrank(cx, false) }
func cmdZRevRank(cx *Ctx) { zrank(cx, true) }

func zrank(cx *Ctx, rev bool) {
	r, _, ok, err := cx.Node.ks.ZRank(cx.Args[1], cx.Args[2], rev)
	switch {
	case err != nil:
		cx.Err(err)
	case !ok:
		cx.Null()
	default:
		cx.Int(int64(r))
	}
}

func cmdZCard(cx *Ctx) {
	n, err := cx.Node.ks.ZCard(cx.Args[1])
	replyInt(cx, int64(n), err)
}

func cmdZCount(cx *Ctx) {
	r, err := cache.ParseScoreRange(cx.Args[2], cx.Args[3])
	if err != nil {
		cx.Err(err)
		return
	}
	n, err := cx.Node.ks.ZCount(cx.Args[1], r)
	replyInt(cx, int64(n), err)
}

func cmdZLexCount(cx *Ctx) {
	r, err := cache.ParseLexRange(cx.Args[2], cx.Args[3])
	if err != nil {
		cx.Err(err)
		return
	}
	n, err := cx.Node.ks.ZLexCount(cx.Args[1], r)
	replyInt(cx, int64(n), err)
}

// parsePositive reads a count that must be >= 0 (Redis's
// getPositiveLong): anything else is errPositive.
func parsePositive(b []byte, errPositive error) (int64, error) {
	n, err := cache.ParseInt(b)
	if err != nil || n < 0 {
		return 0, errPositive
	}
	return n, nil
}

func cmdZPopMin(cx *Ctx) { zpop(cx, false) }
func cmdZPopMax(cx *Ctx) { zpop(cx, true) }

func zpop(cx *Ctx, max bool) {
	if len(cx.Args) > 3 {
		cx.SyntaxError()
		return
	}
	count := int64(1)
	if len(cx.Args) == 3 {
		var err error
		if count, err = parsePositive(cx.Args[2], cache.ErrNotPositive); err != nil {
			cx.Err(err)
			return
		}
	}
	if len(cx.Args) == 2 {
		m, ok, err := cx.Node.ks.ZPopOne(cx.slotOfArg1(), cx.Args[1], max)
		switch {
		case err != nil:
			cx.Err(err)
		case !ok:
			replyZFlat(cx, nil, true)
		default:
			replyZFlat(cx, []cache.ZMember{m}, true)
		}
		return
	}
	ms, err := cx.Node.ks.ZPopAt(cx.slotOfArg1(), cx.Args[1], int(min(count, math.MaxInt32)), max)
	if err != nil {
		cx.Err(err)
		return
	}
	replyZMembers(cx, ms, true)
}

func cmdZRandMember(cx *Ctx) {
	args := cx.Args
	if len(args) == 2 {
		ms, err := cx.Node.ks.ZRandMember(args[1], 1)
		switch {
		case err != nil:
			cx.Err(err)
		case len(ms) == 0:
			cx.Null()
		default:
			cx.BulkString(ms[0].Member)
		}
		return
	}
	count, err := cache.ParseInt(args[2])
	if err != nil {
		cx.Err(err)
		return
	}
	if count == math.MinInt64 {
		cx.Error(msgCountRange)
		return
	}
	with := false
	switch {
	case len(args) > 4 || (len(args) == 4 && !strings.EqualFold(string(args[3]), "withscores")):
		cx.SyntaxError()
		return
	case len(args) == 4:
		with = true
		if count < -(math.MaxInt64/2) || count > math.MaxInt64/2 {
			cx.Error("ERR value is out of range")
			return
		}
	}
	if count < 0 && zRandRepeats(cx, args[1], -count, with) {
		return
	}
	ms, err := cx.Node.ks.ZRandMember(args[1], count)
	if err != nil {
		cx.Err(err)
		return
	}
	replyZMembers(cx, ms, with)
}

func cmdZScan(cx *Ctx) {
	sa, ok := keyScan(cx, "zset", false)
	if !ok {
		return
	}
	next, ms, err := cx.Node.ks.ZScan(cx.Args[1], sa.cursor, sa.match, sa.count)
	if err != nil {
		cx.Err(err)
		return
	}
	// Scores are bulk strings in RESP3 too, as in Redis 7.0.
	cx.Array(2)
	cx.BulkString(strconv.FormatUint(next, 10))
	cx.Array(2 * len(ms))
	for _, m := range ms {
		cx.BulkString(m.Member)
		cx.BulkString(cache.FormatScore(m.Score))
	}
}

// argString views an argument as a string without copying, for calls that
// copy what they keep (ZAdd); it must not outlive the request.
func argString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
