package node

import (
	"math"
	"strings"

	"github.com/vcache/vcache/cache"
)

// Set commands. Arguments are parsed (parseSetArgs and friends) before the
// keyspace is called; replies and error texts are Redis 7.0's.

func cmdSAdd(cx *Ctx) {
	n, err := cx.Node.ks.SAdd(cx.Args[1], cx.Args[2:])
	replyInt(cx, int64(n), err)
}

func cmdSRem(cx *Ctx) {
	n, err := cx.Node.ks.SRem(cx.Args[1], cx.Args[2:])
	replyInt(cx, int64(n), err)
}

func cmdSIsMember(cx *Ctx) {
	ok, err := cx.Node.ks.SIsMember(cx.Args[1], cx.Args[2])
	replyDone(cx, ok, err)
}

func cmdSMIsMember(cx *Ctx) {
	oks, err := cx.Node.ks.SMIsMember(cx.Args[1], cx.Args[2:])
	if err != nil {
		cx.Err(err)
		return
	}
	cx.Array(len(oks))
	for _, ok := range oks {
		if ok {
			cx.Int(1)
		} else {
			cx.Int(0)
		}
	}
}

func cmdSMembers(cx *Ctx) { replySetErr(cx)(cx.Node.ks.SMembers(cx.Args[1])) }

// replySetErr answers members as a set (an array in RESP2), as SMEMBERS,
// SINTER and SPOP with a count do, or the error.
func replySetErr(cx *Ctx) func([][]byte, error) {
	return func(vals [][]byte, err error) {
		if err != nil {
			cx.Err(err)
			return
		}
		cx.Set(len(vals))
		for _, v := range vals {
			cx.Bulk(v)
		}
	}
}

func cmdSCard(cx *Ctx) {
	n, err := cx.Node.ks.SCard(cx.Args[1])
	replyInt(cx, int64(n), err)
}

// setCount is SPOP's and SRANDMEMBER's optional count.
type setCount struct {
	given bool
	n     int64
}

// parseSetCount reads the count of SPOP (negative refused) or
// SRANDMEMBER (negative allowed) at args[2], if any.
func parseSetCount(args [][]byte, negative bool) (setCount, string) {
	switch {
	case len(args) == 2:
		return setCount{}, ""
	case len(args) > 3:
		return setCount{}, msgSyntax
	}
	n, err := cache.ParseInt(args[2])
	switch {
	case !negative && (err != nil || n < 0):
		return setCount{}, "ERR value is out of range, must be positive"
	case err != nil:
		return setCount{}, errText(err)
	case n == math.MinInt64:
		return setCount{}, msgCountRange
	}
	return setCount{given: true, n: n}, ""
}

const msgSyntax = "ERR syntax error"

// msgCountRange is Redis's error for a count of SRANDMEMBER, ZRANDMEMBER
// or HRANDFIELD below -9223372036854775807.
const msgCountRange = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"

func cmdSPop(cx *Ctx) {
	c, msg := parseSetCount(cx.Args, false)
	if msg != "" {
		cx.Error(msg)
		return
	}
	if !c.given {
		// The member goes straight from the set to the reply buffer.
		var popped []byte
		found, err := cx.Node.ks.SPopOne(cx.slotOfArg1(), cx.Args[1], func(m string) {
			popped = []byte(m)
			cx.BulkString(m)
		})
		switch {
		case err != nil:
			cx.Err(err)
		case !found:
			cx.Null()
		}
		cx.replArgs = sremArgs(cx.Args[1], [][]byte{popped}, found && err == nil)
		return
	}
	vals, err := cx.Node.ks.SPop(cx.Args[1], c.n)
	replySetErr(cx)(vals, err)
	cx.replArgs = sremArgs(cx.Args[1], vals, err == nil && len(vals) > 0)
}

// sremArgs is what replicas and a split's log receive for an SPOP, as
// Redis propagates it: an SREM of the members it popped, so that every
// copy loses the same ones (an SPOP run again would pick others at
// random); nothing when it popped none.
func sremArgs(key []byte, popped [][]byte, any bool) [][]byte {
	if !any {
		return [][]byte{}
	}
	return append([][]byte{[]byte("SREM"), key}, popped...)
}

func cmdSRandMember(cx *Ctx) {
	c, msg := parseSetCount(cx.Args, true)
	if msg != "" {
		cx.Error(msg)
		return
	}
	if !c.given {
		vals, err := cx.Node.ks.SRandMember(cx.Args[1], 1)
		replyOne(cx, vals, err)
		return
	}
	if c.n < 0 && sRandRepeats(cx, cx.Args[1], -c.n) {
		return
	}
	replyBulksErr(cx)(cx.Node.ks.SRandMember(cx.Args[1], c.n))
}

// replyOne answers the single member in vals, or null.
func replyOne(cx *Ctx, vals [][]byte, err error) {
	switch {
	case err != nil:
		cx.Err(err)
	case len(vals) == 0:
		cx.Null()
	default:
		cx.Bulk(vals[0])
	}
}

func cmdSMove(cx *Ctx) {
	ok, err := cx.Node.ks.SMove(cx.Args[1], cx.Args[2], cx.Args[3])
	replyDone(cx, ok, err)
}

func cmdSInter(cx *Ctx) {
	replySetErr(cx)(cx.Node.ks.SetCombine(cache.SetInter, cx.Args[1:]))
}

func cmdSUnion(cx *Ctx) {
	replySetErr(cx)(cx.Node.ks.SetCombine(cache.SetUnion, cx.Args[1:]))
}

func cmdSDiff(cx *Ctx) {
	replySetErr(cx)(cx.Node.ks.SetCombine(cache.SetDiff, cx.Args[1:]))
}

func cmdSInterStore(cx *Ctx) { setStore(cx, cache.SetInter) }

func cmdSUnionStore(cx *Ctx) { setStore(cx, cache.SetUnion) }

func cmdSDiffStore(cx *Ctx) { setStore(cx, cache.SetDiff) }

func setStore(cx *Ctx, op cache.SetOp) {
	n, err := cx.Node.ks.SetCombineStore(op, cx.Args[1], cx.Args[2:])
	replyInt(cx, int64(n), err)
}

// interCard is SINTERCARD's parsed arguments.
type interCard struct {
	keys  [][]byte
	limit int64
}

// parseInterCard parses SINTERCARD numkeys key [key ...] [LIMIT limit].
func parseInterCard(args [][]byte) (interCard, string) {
	n, err := cache.ParseInt(args[1])
	if err != nil || n < 1 {
		return interCard{}, "ERR numkeys should be greater than 0"
	}
	if n > int64(len(args)-2) {
		return interCard{}, "ERR Number of keys can't be greater than number of args"
	}
	ic := interCard{keys: args[2 : 2+n]}
	for i := 2 + int(n); i < len(args); i++ {
		if !strings.EqualFold(string(args[i]), "limit") || i+1 >= len(args) {
			return interCard{}, msgSyntax
		}
		i++
		l, err := cache.ParseInt(args[i])
		if err != nil || l < 0 {
			return interCard{}, "ERR LIMIT can't be negative"
		}
		ic.limit = l
	}
	return ic, ""
}

func cmdSInterCard(cx *Ctx) {
	ic, msg := parseInterCard(cx.Args)
	if msg != "" {
		cx.Error(msg)
		return
	}
	n, err := cx.Node.ks.SInterCard(ic.keys, ic.limit)
	replyInt(cx, int64(n), err)
}

func cmdSScan(cx *Ctx) {
	sa, ok := keyScan(cx, "set", false)
	if !ok {
		return
	}
	next, vals, err := cx.Node.ks.SScan(cx.Args[1], sa.cursor, sa.match, sa.count)
	if err != nil {
		cx.Err(err)
		return
	}
	replyScan(cx, next, vals)
}
