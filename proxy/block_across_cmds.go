package proxy

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vcache/vcache/internal/resp"
)

// The blocking commands that wait across nodes (block_across.go), each
// as a plan: its keys, its timeout, its non-blocking form and how that
// form's reply becomes the command's.

// xblock is a blocking command whose keys are on several nodes.
type xblock struct {
	keys    [][]byte
	timeout time.Duration // 0: none
	// first is XREAD's non-blocking form, run once when the command
	// comes (the nodes' errors, WRONGTYPE included, come from it).
	first txCompute
	// pop makes the non-blocking pop, passing over the keys of skip: the
	// first when the command comes (Redis's errors, WRONGTYPE included,
	// come from it), then after wake-ups (retry), passing over keys of
	// another type too, as a blocked client in Redis does. Nil for XREAD,
	// whose wake-up reply is the client's.
	pop func(retry bool, skip []bool) txCompute
	// form turns the non-blocking form's reply (LMPOP's or ZMPOP's) into
	// the command's; nil: as it is.
	form func([]byte) []byte
	zset bool
	// XREAD: the words up to STREAMS (BLOCK included) and each key's id.
	xopts, ids [][]byte
	// XREADGROUP (block_across_group.go): the wake-ups' id of each key,
	// updated by every attempt, and the group, whose clients alone
	// compete for a stream's entries.
	lastIDs map[string][]byte
	group   string
}

// The timeout errors of BLPOP and the others (in seconds) and of XREAD
// BLOCK (in milliseconds), as Redis words them.
const (
	msgTimeoutFloat    = "ERR timeout is not a float or out of range"
	msgTimeoutInt      = "ERR timeout is not an integer or out of range"
	msgTimeoutNegative = "ERR timeout is negative"
)

// parseSeconds reads a blocking command's timeout in seconds, as Redis
// does (a fraction is rounded up to a millisecond).
func parseSeconds(b []byte) (time.Duration, string) {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsNaN(f) || len(b) == 0 || strings.ContainsAny(string(b), " \t\r\n") {
		return 0, msgTimeoutFloat
	}
	ms := math.Ceil(f * 1000)
	if f < 0 || ms >= math.MaxInt64 {
		return 0, msgTimeoutNegative
	}
	return msDuration(int64(ms)), ""
}

// msDuration is ms milliseconds, 0 (forever) when too long for a
// Duration.
func msDuration(ms int64) time.Duration {
	if ms > math.MaxInt64/int64(time.Millisecond) {
		return 0
	}
	return time.Duration(ms) * time.Millisecond
}

// mpopPlan makes the LMPOP or ZMPOP plan of keys in direction dir with
// the options after it (COUNT n).
func mpopPlan(zset bool, keys [][]byte, dir []byte, opts [][]byte) (*xblock, []byte) {
	name := "LMPOP"
	if zset {
		name = "ZMPOP"
	}
	args := append([][]byte{[]byte(name), []byte(strconv.Itoa(len(keys)))}, keys...)
	args = append(append(args, dir), opts...)
	pos := make([]int, len(keys))
	for i := range pos {
		pos[i] = 2 + i
	}
	if f, ok := txMPopOf(args, pos).(*txFixed); ok {
		return nil, f.reply
	}
	want := "+list\r\n"
	if zset {
		want = "+zset\r\n"
	}
	return &xblock{keys: keys, zset: zset, pop: func(retry bool, skip []bool) txCompute {
		m, _ := txMPopOf(args, pos).(*txMPop)
		m.want, m.skip, m.retry = want, skip, retry
		return m
	}}, nil
}

// The blocking pops that wait across nodes, by their plans.
var (
	acrossBLPop      = bpopAcross
	acrossBRPop      = bpopAcross
	acrossBZPopMin   = bpopAcross
	acrossBZPopMax   = bpopAcross
	acrossBLMPop     = bmpopAcross
	acrossBZMPop     = bmpopAcross
	acrossBLMove     = bmoveAcross // block_across_move.go
	acrossBRPopLPush = bmoveAcross
)

// bpopAcross is BLPOP, BRPOP, BZPOPMIN and BZPOPMAX key [key ...] timeout:
// LMPOP (ZMPOP) of one element, answered as [key, element] ([key, member,
// score]).
func bpopAcross(args [][]byte, pos []int) (*xblock, string) {
	timeout, msg := parseSeconds(args[len(args)-1])
	if msg != "" {
		return nil, msg
	}
	name := strings.ToLower(string(args[0]))
	zset := strings.HasPrefix(name, "bz")
	dir := map[string]string{"blpop": "LEFT", "brpop": "RIGHT", "bzpopmin": "MIN", "bzpopmax": "MAX"}[name]
	b, _ := mpopPlan(zset, keysAt(args, pos), []byte(dir), nil)
	b.timeout = timeout
	b.form = flattenPop
	return b, ""
}

// flattenPop turns [key, [element]] into [key, element] and [key,
// [[member, score]]] into [key, member, score]; other replies (null,
// errors) are kept.
func flattenPop(r []byte) []byte {
	v, _, err := resp.Parse(r)
	if err != nil || v.Kind != resp.Array || len(v.Elems) != 2 || len(v.Elems[1].Elems) != 1 {
		return r
	}
	out := []resp.Value{v.Elems[0]}
	if el := v.Elems[1].Elems[0]; el.Kind == resp.Array {
		out = append(out, el.Elems...)
	} else {
		out = append(out, el)
	}
	v = resp.Value{Kind: resp.Array, Elems: out}
	return v.AppendTo(nil)
}

// bmpopAcross is BLMPOP and BZMPOP timeout numkeys key ... dir [COUNT n]:
// as Redis, the other arguments are checked before the timeout.
func bmpopAcross(args [][]byte, pos []int) (*xblock, string) {
	zset := strings.EqualFold(string(args[0]), "bzmpop")
	last := pos[len(pos)-1]
	if last+1 >= len(args) {
		return nil, "ERR syntax error"
	}
	b, errReply := mpopPlan(zset, keysAt(args, pos), args[last+1], args[last+2:])
	if errReply != nil {
		return nil, string(errReply[1 : len(errReply)-2])
	}
	timeout, msg := parseSeconds(args[1])
	if msg != "" {
		return nil, msg
	}
	b.timeout = timeout
	return b, ""
}

// acrossXRead is XREAD [COUNT n] BLOCK ms STREAMS key ... id ...: the
// nodes check the words (the first attempt runs them, BLOCK included,
// inside MULTI where nothing blocks), so a timeout the proxy cannot read
// is left to them.
func acrossXRead(args [][]byte, pos []int) (*xblock, string) {
	b := &xblock{keys: keysAt(args, pos), first: txXReadOf(args, pos)}
	b.xopts = args[:pos[0]]
	b.ids = args[pos[0]+len(pos):]
	for i := 1; i+1 < pos[0]; i++ {
		if strings.EqualFold(string(args[i]), "block") {
			if ms, err := strconv.ParseInt(string(args[i+1]), 10, 64); err == nil && ms > 0 {
				b.timeout = msDuration(ms)
			}
		}
	}
	return b, ""
}
