package node

import (
	"math"
	"strings"

	"github.com/vcache/vcache/cache"
)

func cmdHSet(cx *Ctx) {
	if len(cx.Args)%2 != 0 {
		cx.Error("ERR wrong number of arguments for 'hset' command")
		return
	}
	n, err := cx.Node.ks.HSetAt(cx.slotOfArg1(), cx.Args[1], cx.Args[2:], false)
	replyInt(cx, int64(n), err)
}

func cmdHMSet(cx *Ctx) {
	if len(cx.Args)%2 != 0 {
		cx.Error("ERR wrong number of arguments for 'hmset' command")
		return
	}
	if _, err := cx.Node.ks.HSetAt(cx.slotOfArg1(), cx.Args[1], cx.Args[2:], false); err != nil {
		cx.Err(err)
		return
	}
	cx.OK()
}

func cmdHSetNX(cx *Ctx) {
	n, err := cx.Node.ks.HSetAt(cx.slotOfArg1(), cx.Args[1], cx.Args[2:], true)
	replyInt(cx, int64(n), err)
}

func cmdHGet(cx *Ctx) {
	v, err := cx.Node.ks.HGet(cx.Args[1], cx.Args[2])
	replyBulkOrNull(cx, v, err)
}

func cmdHMGet(cx *Ctx) {
	vals, err := cx.Node.ks.HMGet(cx.Args[1], cx.Args[2:])
	if err != nil {
		cx.Err(err)
		return
	}
	replyBulks(cx, vals)
}

func cmdHGetAll(cx *Ctx) {
	vals, err := cx.Node.ks.HGetAll(cx.Args[1])
	if err != nil {
		cx.Err(err)
		return
	}
	cx.Map(len(vals) / 2)
	for _, v := range vals {
		cx.Bulk(v)
	}
}

func cmdHKeys(cx *Ctx) { replyBulksErr(cx)(cx.Node.ks.HKeys(cx.Args[1])) }

func cmdHVals(cx *Ctx) { replyBulksErr(cx)(cx.Node.ks.HVals(cx.Args[1])) }

func cmdHDel(cx *Ctx) {
	n, err := cx.Node.ks.HDel(cx.Args[1], cx.Args[2:])
	replyInt(cx, int64(n), err)
}

func cmdHExists(cx *Ctx) {
	ok, err := cx.Node.ks.HExists(cx.Args[1], cx.Args[2])
	replyDone(cx, ok, err)
}

func cmdHLen(cx *Ctx) {
	n, err := cx.Node.ks.HLen(cx.Args[1])
	replyInt(cx, int64(n), err)
}

func cmdHStrLen(cx *Ctx) {
	n, err := cx.Node.ks.HStrLen(cx.Args[1], cx.Args[2])
	replyInt(cx, int64(n), err)
}

func cmdHIncrBy(cx *Ctx) {
	d, err := cache.ParseInt(cx.Args[3])
	if err != nil {
		cx.Err(err)
		return
	}
	v, err := cx.Node.ks.HIncrBy(cx.Args[1], cx.Args[2], d)
	replyInt(cx, v, err)
}

func cmdHIncrByFloat(cx *Ctx) {
	d, err := cache.ParseFloat(cx.Args[3])
	if err != nil {
		cx.Err(err)
		return
	}
	if math.IsInf(d, 0) || math.IsNaN(d) {
		cx.Error("ERR value is NaN or Infinity") // Redis checks the increment first
		return
	}
	v, err := cx.Node.ks.HIncrByFloat(cx.Args[1], cx.Args[2], d)
	if err != nil {
		cx.Err(err)
		return
	}
	cx.BulkString(cache.FormatFloat(v))
}

func replyBulks(cx *Ctx, vals [][]byte) {
	cx.Array(len(vals))
	for _, v := range vals {
		if v == nil {
			cx.Null()
		} else {
			cx.Bulk(v)
		}
	}
}

func replyBulksErr(cx *Ctx) func([][]byte, error) {
	return func(vals [][]byte, err error) {
		if err != nil {
			cx.Err(err)
			return
		}
		replyBulks(cx, vals)
	}
}

func cmdHRandField(cx *Ctx) {
	args := cx.Args
	if len(args) == 2 {
		vals, err := cx.Node.ks.HRandField(args[1], 1, false)
		if err != nil {
			cx.Err(err)
			return
		}
		if len(vals) == 0 {
			cx.Null()
			return
		}
		cx.Bulk(vals[0])
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
	if len(args) == 4 {
		if !strings.EqualFold(string(args[3]), "withvalues") {
			cx.SyntaxError()
			return
		}
		with = true
		if count < -(math.MaxInt64/2) || count > math.MaxInt64/2 {
			cx.Error("ERR value is out of range")
			return
		}
	} else if len(args) > 4 {
		cx.SyntaxError()
		return
	}
	if count < 0 && hRandRepeats(cx, args[1], -count, with) {
		return
	}
	vals, err := cx.Node.ks.HRandField(args[1], count, with)
	if err != nil {
		cx.Err(err)
		return
	}
	if with && cx.Proto() == 3 {
		// RESP3: an array of [field, value] pairs.
		cx.Array(len(vals) / 2)
		for i := 0; i+1 < len(vals); i += 2 {
			cx.Array(2)
			cx.Bulk(vals[i])
			cx.Bulk(vals[i+1])
		}
		return
	}
	replyBulks(cx, vals)
}

func cmdHScan(cx *Ctx) {
	sa, ok := keyScan(cx, "hash", true)
	if !ok {
		return
	}
	next, vals, err := cx.Node.ks.HScan(cx.Args[1], sa.cursor, sa.match, sa.count, sa.noValues)
	if err != nil {
		cx.Err(err)
		return
	}
	replyScan(cx, next, vals)
}
