package node

import (
	"strings"

	"github.com/vcache/vcache/cache"
)

// zrangeForm is how a ZRANGE-family command fixes the range kind and
// direction (auto: from the BYSCORE/BYLEX/REV options, as ZRANGE).
type zrangeForm struct {
	by      cache.ZRangeBy
	byAuto  bool
	rev     bool
	revAuto bool
	store   bool
}

// parseZRange reads "<min> <max> [BYSCORE|BYLEX] [REV] [WITHSCORES]
// [LIMIT offset count]" from args (args[0] is <min>).
func parseZRange(args [][]byte, form zrangeForm) (cache.ZRangeSpec, bool, error) {
	sp := cache.ZRangeSpec{By: form.by, Rev: form.rev, Limit: -1}
	withScores, limited := false, false
	for j := 2; j < len(args); j++ {
		opt := strings.ToUpper(string(args[j]))
		switch {
		case !form.store && opt == "WITHSCORES":
			withScores = true
		case opt == "LIMIT" && len(args)-j-1 >= 2:
			var err error
			if sp.Offset, err = cache.ParseInt(args[j+1]); err != nil {
				return sp, false, err
			}
			if sp.Limit, err = cache.ParseInt(args[j+2]); err != nil {
				return sp, false, err
			}
			limited = sp.Limit != -1
			j += 2
		case form.revAuto && opt == "REV":
			sp.Rev = true
		case form.byAuto && opt == "BYLEX":
			sp.By, form.byAuto = cache.ZByLex, false
		case form.byAuto && opt == "BYSCORE":
			sp.By, form.byAuto = cache.ZByScore, false
		default:
			return sp, false, errSyntax
		}
	}
	if limited && sp.By == cache.ZByRank {
		return sp, false, respError{"ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"}
	}
	if withScores && sp.By == cache.ZByLex {
		return sp, false, respError{"ERR syntax error, WITHSCORES not supported in combination with BYLEX"}
	}
	lo, hi := args[0], args[1]
	if sp.Rev && sp.By != cache.ZByRank {
		lo, hi = hi, lo // given as max, min
	}
	var err error
	switch sp.By {
	case cache.ZByRank:
		if sp.Start, err = cache.ParseInt(lo); err == nil {
			sp.Stop, err = cache.ParseInt(hi)
		}
	case cache.ZByScore:
		sp.Score, err = cache.ParseScoreRange(lo, hi)
	case cache.ZByLex:
		sp.Lex, err = cache.ParseLexRange(lo, hi)
	}
	return sp, withScores, err
}

var errSyntax = respError{"ERR syntax error"}

func zrangeCmd(form zrangeForm) Handler {
	return func(cx *Ctx) {
		sp, withScores, err := parseZRange(cx.Args[2:], form)
		if err != nil {
			cx.Err(err)
			return
		}
		ms, err := cx.Node.ks.ZRange(cx.Args[1], sp)
		if err != nil {
			cx.Err(err)
			return
		}
		replyZMembers(cx, ms, withScores)
	}
}

var (
	cmdZRange           = zrangeCmd(zrangeForm{byAuto: true, revAuto: true})
	cmdZRangeByScore    = zrangeCmd(zrangeForm{by: cache.ZByScore})
	cmdZRevRangeByScore = zrangeCmd(zrangeForm{by: cache.ZByScore, rev: true})
	cmdZRangeByLex      = zrangeCmd(zrangeForm{by: cache.ZByLex})
	cmdZRevRangeByLex   = zrangeCmd(zrangeForm{by: cache.ZByLex, rev: true})
	cmdZRevRange        = zrangeCmd(zrangeForm{rev: true})
	cmdZRemRangeByRank  = zremrangeCmd(cache.ZByRank)
	cmdZRemRangeByScore = zremrangeCmd(cache.ZByScore)
	cmdZRemRangeByLex   = zremrangeCmd(cache.ZByLex)
	zrangeStoreForm     = zrangeForm{byAuto: true, revAuto: true, store: true}
)

func cmdZRangeStore(cx *Ctx) {
	sp, _, err := parseZRange(cx.Args[3:], zrangeStoreForm)
	if err != nil {
		cx.Err(err)
		return
	}
	n, err := cx.Node.ks.ZRangeStore(cx.Args[1], cx.Args[2], sp)
	replyInt(cx, int64(n), err)
}

func zremrangeCmd(by cache.ZRangeBy) Handler {
	return func(cx *Ctx) {
		sp := cache.ZRangeSpec{By: by, Limit: -1}
		var err error
		switch by {
		case cache.ZByRank:
			if sp.Start, err = cache.ParseInt(cx.Args[2]); err == nil {
				sp.Stop, err = cache.ParseInt(cx.Args[3])
			}
		case cache.ZByScore:
			sp.Score, err = cache.ParseScoreRange(cx.Args[2], cx.Args[3])
		case cache.ZByLex:
			sp.Lex, err = cache.ParseLexRange(cx.Args[2], cx.Args[3])
		}
		if err != nil {
			cx.Err(err)
			return
		}
		n, err := cx.Node.ks.ZRemRange(cx.Args[1], sp)
		replyInt(cx, int64(n), err)
	}
}
