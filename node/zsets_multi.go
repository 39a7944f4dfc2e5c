package node

import (
	"fmt"
	"math"
	"strings"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/zargs"
)

// parseNumKeys reads the numkeys argument at args[i] and returns the keys
// after it and the arguments after those.
func parseNumKeys(cx *Ctx, i int) (keys, rest [][]byte, ok bool) {
	args := cx.Args
	n, err := cache.ParseInt(args[i])
	if err != nil {
		cx.Err(err)
		return nil, nil, false
	}
	if n < 1 {
		cx.Error(fmt.Sprintf("ERR at least 1 input key is needed for '%s' command", cx.Name()))
		return nil, nil, false
	}
	if n > int64(len(args)-i-1) {
		cx.SyntaxError()
		return nil, nil, false
	}
	return args[i+1 : i+1+int(n)], args[i+1+int(n):], true
}

// parseCombine reads [WEIGHTS w...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
// (the last only when withScoresOK; WEIGHTS and AGGREGATE not for ZDIFF).
func parseCombine(rest [][]byte, nkeys int, op cache.ZSetOp, withScoresOK bool) (cache.ZCombineSpec, bool, string) {
	c, msg := zargs.ParseCombine(rest, nkeys, op == cache.ZDiff, withScoresOK, func(b []byte) (float64, bool) {
		w, err := cache.ParseScore(b)
		return w, err == nil
	})
	if msg != "" {
		return cache.ZCombineSpec{}, false, msg
	}
	aggs := [...]cache.ZAggregate{zargs.Sum: cache.ZAggSum, zargs.Min: cache.ZAggMin, zargs.Max: cache.ZAggMax}
	return cache.ZCombineSpec{Op: op, Weights: c.Weights, Agg: aggs[c.Agg]}, c.WithScores, ""
}

func zcombineCmd(op cache.ZSetOp) Handler {
	return func(cx *Ctx) {
		keys, rest, ok := parseNumKeys(cx, 1)
		if !ok {
			return
		}
		sp, withScores, msg := parseCombine(rest, len(keys), op, true)
		if msg != "" {
			cx.Error(msg)
			return
		}
		ms, err := cx.Node.ks.ZCombine(keys, sp)
		if err != nil {
			cx.Err(err)
			return
		}
		replyZMembers(cx, ms, withScores)
	}
}

func zcombineStoreCmd(op cache.ZSetOp) Handler {
	return func(cx *Ctx) {
		keys, rest, ok := parseNumKeys(cx, 2)
		if !ok {
			return
		}
		sp, _, msg := parseCombine(rest, len(keys), op, false)
		if msg != "" {
			cx.Error(msg)
			return
		}
		n, err := cx.Node.ks.ZCombineStore(cx.Args[1], keys, sp)
		replyInt(cx, int64(n), err)
	}
}

var (
	cmdZUnion      = zcombineCmd(cache.ZUnion)
	cmdZInter      = zcombineCmd(cache.ZInter)
	cmdZDiff       = zcombineCmd(cache.ZDiff)
	cmdZUnionStore = zcombineStoreCmd(cache.ZUnion)
	cmdZInterStore = zcombineStoreCmd(cache.ZInter)
	cmdZDiffStore  = zcombineStoreCmd(cache.ZDiff)
)

func cmdZInterCard(cx *Ctx) {
	keys, rest, ok := parseNumKeys(cx, 1)
	if !ok {
		return
	}
	limit := int64(0)
	for j := 0; j < len(rest); j += 2 {
		if len(rest)-j < 2 || !strings.EqualFold(string(rest[j]), "LIMIT") {
			cx.SyntaxError()
			return
		}
		var err error
		if limit, err = parsePositive(rest[j+1], cache.ErrLimitNegativ); err != nil {
			cx.Err(err)
			return
		}
	}
	n, err := cx.Node.ks.ZInterCard(keys, int(min(limit, math.MaxInt32)))
	replyInt(cx, int64(n), err)
}

func cmdZMPop(cx *Ctx) {
	keys, max, count, ok := parseZMPop(cx, 1)
	if !ok {
		return
	}
	i, ms, err := cx.Node.ks.ZMPop(keys, count, max)
	switch {
	case err != nil:
		cx.Err(err)
	case i < 0:
		cx.NullArray()
	default:
		replyKeyZMembers(cx, keys[i], ms)
	}
}

// replyKeyZMembers answers ZMPOP and BZMPOP: [key, [[member, score]...]].
func replyKeyZMembers(cx *Ctx, key []byte, ms []cache.ZMember) {
	cx.Array(2)
	cx.Bulk(key)
	cx.Array(len(ms))
	for _, m := range ms {
		cx.Array(2)
		cx.BulkString(m.Member)
		replyScore(cx, m.Score)
	}
}

// parseZMPop reads ZMPOP's arguments from numkeys (at args[i]) on: the
// keys, MIN or MAX, and the count; it answers the error when ok is false.
func parseZMPop(cx *Ctx, i int) (keys [][]byte, max bool, count int, ok bool) {
	args := cx.Args
	n, err := cache.ParseInt(args[i])
	if err != nil || n < 1 {
		cx.Err(cache.ErrNumKeysZero)
		return nil, false, 0, false
	}
	where := int64(i) + 1 + n
	if n >= int64(len(args)) || where >= int64(len(args)) {
		cx.SyntaxError()
		return nil, false, 0, false
	}
	switch strings.ToUpper(string(args[where])) {
	case "MIN":
	case "MAX":
		max = true
	default:
		cx.SyntaxError()
		return nil, false, 0, false
	}
	c := int64(-1)
	for j := int(where) + 1; j < len(args); j++ {
		if c != -1 || !strings.EqualFold(string(args[j]), "COUNT") || j == len(args)-1 {
			cx.SyntaxError()
			return nil, false, 0, false
		}
		j++
		if c, err = cache.ParseInt(args[j]); err != nil || c < 1 {
			cx.Err(cache.ErrCountZero)
			return nil, false, 0, false
		}
	}
	if c == -1 {
		c = 1
	}
	return args[i+1 : where], max, int(min(c, math.MaxInt32)), true
}
