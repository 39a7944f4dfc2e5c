package node

import (
	"math"
	"strings"
	"time"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
)

const msgExpireTime = "ERR invalid expire time in '%s' command"

func cmdGet(cx *Ctx) {
	v, err := cx.Node.ks.GetAt(cx.slotOfArg1(), cx.Args[1])
	replyBulkOrNull(cx, v, err)
}

func cmdSetNX(cx *Ctx) {
	res, err := cx.Node.ks.Set(cx.Args[1], cx.Args[2], cache.SetOptions{NX: true})
	replyDone(cx, res.Done, err)
}

func cmdSetEX(cx *Ctx) { setWithTTL(cx, time.Second) }

func cmdPSetEX(cx *Ctx) { setWithTTL(cx, time.Millisecond) }

func cmdGetSet(cx *Ctx) {
	res, err := cx.Node.ks.Set(cx.Args[1], cx.Args[2], cache.SetOptions{Get: true})
	replyBulkOrNull(cx, res.Old, err)
}

func cmdGetDel(cx *Ctx) {
	v, err := cx.Node.ks.GetDel(cx.Args[1])
	replyBulkOrNull(cx, v, err)
}

func cmdMGet(cx *Ctx) {
	vals := cx.Node.ks.MGet(cx.Args[1:])
	cx.Array(len(vals))
	for _, v := range vals {
		if v == nil {
			cx.Null()
		} else {
			cx.Bulk(v)
		}
	}
}

func cmdMSet(cx *Ctx) { msetKeys(cx, false) }

func cmdMSetNX(cx *Ctx) { msetKeys(cx, true) }

func cmdIncr(cx *Ctx) { incrBy(cx, 1) }

func cmdDecr(cx *Ctx) { incrBy(cx, -1) }

func cmdIncrBy(cx *Ctx) {
	d, err := cache.ParseInt(cx.Args[2])
	if err != nil {
		cx.Err(err)
		return
	}
	incrBy(cx, d)
}

func cmdDecrBy(cx *Ctx) {
	d, err := cache.ParseInt(cx.Args[2])
	if err != nil {
		cx.Err(err)
		return
	}
	if d == math.MinInt64 {
		cx.Error("ERR decrement would overflow")
		return
	}
	incrBy(cx, -d)
}

func cmdIncrByFloat(cx *Ctx) {
	d, err := cache.ParseFloat(cx.Args[2])
	if err != nil {
		cx.Err(err)
		return
	}
	v, err := cx.Node.ks.IncrByFloat(cx.Args[1], d)
	if err != nil {
		cx.Err(err)
		return
	}
	cx.BulkString(cache.FormatFloat(v))
}

func cmdAppend(cx *Ctx) {
	n, err := cx.Node.ks.Append(cx.Args[1], cx.Args[2])
	replyInt(cx, int64(n), err)
}

func cmdStrLen(cx *Ctx) {
	n, err := cx.Node.ks.StrLen(cx.Args[1])
	replyInt(cx, int64(n), err)
}

func cmdSetRange(cx *Ctx) {
	off, err := cache.ParseInt(cx.Args[2])
	if err != nil {
		cx.Err(err)
		return
	}
	n, err := cx.Node.ks.SetRange(cx.Args[1], off, cx.Args[3])
	replyInt(cx, int64(n), err)
}

func replyBulkOrNull(cx *Ctx, v []byte, err error) {
	switch {
	case err != nil:
		cx.Err(err)
	case v == nil:
		cx.Null()
	default:
		cx.Bulk(v)
	}
}

func replyInt(cx *Ctx, n int64, err error) {
	if err != nil {
		cx.Err(err)
		return
	}
	cx.Int(n)
}

func replyDone(cx *Ctx, done bool, err error) {
	if err != nil {
		cx.Err(err)
		return
	}
	if done {
		cx.Int(1)
	} else {
		cx.Int(0)
	}
}

// parseExpiry reads an expiry argument of unit (EX/PX relative, EXAT/PXAT
// absolute) as unix ms; cmd names the command for the error text.
func parseExpiry(cx *Ctx, arg []byte, unit time.Duration, absolute bool, cmd string) (int64, bool) {
	v, err := cache.ParseInt(arg)
	if err != nil {
		cx.Err(err)
		return 0, false
	}
	ms := v
	if unit == time.Second {
		if v > (1<<63-1)/1000 || v < -(1<<63-1)/1000 {
			cx.Error(strings.Replace(msgExpireTime, "%s", cmd, 1))
			return 0, false
		}
		ms = v * 1000
	}
	if v <= 0 {
		cx.Error(strings.Replace(msgExpireTime, "%s", cmd, 1))
		return 0, false
	}
	if !absolute {
		now := time.Now().UnixMilli()
		if ms > 1<<62-now {
			cx.Error(strings.Replace(msgExpireTime, "%s", cmd, 1))
			return 0, false
		}
		ms += now
	}
	return ms, true
}

// parseExpiryOpt reads the argument of option opt (EX, PX, EXAT or PXAT)
// as parseExpiry does.
func parseExpiryOpt(cx *Ctx, opt string, arg []byte, cmd string) (int64, bool) {
	unit := time.Second
	if opt[0] == 'P' {
		unit = time.Millisecond
	}
	return parseExpiry(cx, arg, unit, strings.HasSuffix(opt, "AT"), cmd)
}

func cmdSet(cx *Ctx) {
	var o cache.SetOptions
	hasExp := false
	args := cx.Args
	for i := 3; i < len(args); i++ {
		opt := strings.ToUpper(string(args[i]))
		switch opt {
		case "NX":
			if o.XX {
				cx.SyntaxError()
				return
			}
			o.NX = true
		case "XX":
			if o.NX {
				cx.SyntaxError()
				return
			}
			o.XX = true
		case "GET":
			o.Get = true
		case "KEEPTTL":
			if hasExp {
				cx.SyntaxError()
				return
			}
			o.KeepTTL = true
		case "EX", "PX", "EXAT", "PXAT":
			if hasExp || o.KeepTTL || i+1 >= len(args) {
				cx.SyntaxError()
				return
			}
			at, ok := parseExpiryOpt(cx, opt, args[i+1], "set")
			if !ok {
				return
			}
			o.At, hasExp = at, true
			i++
		default:
			cx.SyntaxError()
			return
		}
	}
	res, err := cx.Node.ks.SetAt(cx.slotOfArg1(), args[1], args[2], o)
	switch {
	case err != nil:
		cx.Err(err)
	case o.Get:
		if res.Old == nil {
			cx.Null()
		} else {
			cx.Bulk(res.Old)
		}
	case res.Done:
		cx.OK()
	default:
		cx.Null()
	}
}

func setWithTTL(cx *Ctx, unit time.Duration) {
	at, ok := parseExpiry(cx, cx.Args[2], unit, false, cx.Name())
	if !ok {
		return
	}
	if _, err := cx.Node.ks.Set(cx.Args[1], cx.Args[3], cache.SetOptions{At: at}); err != nil {
		cx.Err(err)
		return
	}
	cx.OK()
}

func cmdGetEx(cx *Ctx) {
	var c cache.ExpireChange
	args := cx.Args
	for i := 2; i < len(args); i++ {
		opt := strings.ToUpper(string(args[i]))
		switch opt {
		case "PERSIST":
			if c.Set || c.Persist {
				cx.SyntaxError()
				return
			}
			c.Persist = true
		case "EX", "PX", "EXAT", "PXAT":
			if c.Set || c.Persist || i+1 >= len(args) {
				cx.SyntaxError()
				return
			}
			at, ok := parseExpiryOpt(cx, opt, args[i+1], "getex")
			if !ok {
				return
			}
			c.Set, c.At = true, at
			i++
		default:
			cx.SyntaxError()
			return
		}
	}
	v, err := cx.Node.ks.GetEx(args[1], c)
	replyBulkOrNull(cx, v, err)
}

func msetKeys(cx *Ctx, nx bool) {
	if len(cx.Args)%2 != 1 {
		cx.Error("ERR wrong number of arguments for '" + cx.Name() + "' command")
		return
	}
	ok := cx.Node.ks.MSet(cx.Args[1:], nx)
	if !nx {
		cx.OK()
		return
	}
	replyDone(cx, ok, nil)
}

func incrBy(cx *Ctx, d int64) {
	v, err := cx.Node.ks.IncrBy(cx.Args[1], d)
	replyInt(cx, v, err)
}

func cmdGetRange(cx *Ctx) {
	start, err1 := cache.ParseInt(cx.Args[2])
	end, err2 := cache.ParseInt(cx.Args[3])
	if err1 != nil || err2 != nil {
		cx.Error(command.MsgNotInt)
		return
	}
	v, err := cx.Node.ks.GetRange(cx.Args[1], start, end)
	if err != nil {
		cx.Err(err)
		return
	}
	if v == nil {
		v = []byte{}
	}
	cx.Bulk(v)
}
