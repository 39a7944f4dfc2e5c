package proxy

import (
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/resp"
)

// The commands the proxy computes inside a transaction that spans nodes
// (multi_compute.go): what each reads, and how it answers and writes, as
// redis-server does for the same command on one server.

// The commands the proxy computes (the table's compute): each makes the
// txCompute of a command line from its words and its keys' positions
// (nil: the proxy does not compute this line; it is queued as any other).
var (
	computeSUnion      = byKeys(txSetOp(setOpUnion, false))
	computeSInter      = byKeys(txSetOp(setOpInter, false))
	computeSDiff       = byKeys(txSetOp(setOpDiff, false))
	computeSUnionStore = byKeys(txSetOp(setOpUnion, true))
	computeSInterStore = byKeys(txSetOp(setOpInter, true))
	computeSDiffStore  = byKeys(txSetOp(setOpDiff, true))
	computeSInterCard  = byKeys(txSInterCard)
	computeZUnion      = byKeys(txZOp(setOpUnion, false))
	computeZInter      = byKeys(txZOp(setOpInter, false))
	computeZDiff       = byKeys(txZOp(setOpDiff, false))
	computeZUnionStore = byKeys(txZOp(setOpUnion, true))
	computeZInterStore = byKeys(txZOp(setOpInter, true))
	computeZDiffStore  = byKeys(txZOp(setOpDiff, true))
	computeZInterCard  = byKeys(txZInterCard)
	computeSMove       = byKeys(txSMove)
	computeLMove       = byKeys(txLMove)
	computeRPopLPush   = byKeys(txLMove)
	computeRename      = byKeys(txRename)
	computeRenameNX    = byKeys(txRename)
	computeCopy        = byKeys(txCopy)
	computeZRangeStore = byKeys(txZRangeStore)
	computeMSetNX      = byKeys(txMSetNXOf) // multi_compute_strings.go
	computeBitOp       = byKeys(txBitOpOf)
)

// byKeys makes a compute of mk, which takes the keys themselves.
func byKeys(mk func(args, keys [][]byte) txCompute) func(args [][]byte, pos []int) txCompute {
	return func(args [][]byte, pos []int) txCompute { return mk(args, keysAt(args, pos)) }
}

// fixed is a txFixed answering the error msg.
func fixed(keys [][]byte, msg string) txCompute {
	return &txFixed{k: keys, reply: resp.AppendError(nil, msg)}
}

func isErr(r []byte) bool { return len(r) > 0 && r[0] == '-' }

// txGather is a set or sorted-set operation: a zGather (zsetgather.go)
// computed over reads made under the transaction's locks.
type txGather struct {
	*zGather
	plain bool // SUNION, SINTER, SDIFF, SINTERCARD: a set reply in the first set's order
}

func txSetOp(op setOp, store bool) func(args, keys [][]byte) txCompute {
	return func(args, _ [][]byte) txCompute {
		m := &zGather{op: op, keys: args[1:]}
		if store {
			m.dst, m.keys = args[1], args[2:]
		}
		return &txGather{zGather: m, plain: !store}
	}
}

func txSInterCard(args, keys [][]byte) txCompute {
	n, err := strconv.ParseInt(string(args[1]), 10, 64)
	switch {
	case err != nil:
		return fixed(keys, "ERR numkeys should be greater than 0")
	case n < 1:
		return fixed(keys, "ERR numkeys should be greater than 0")
	case n > int64(len(args)-2):
		return fixed(keys, "ERR Number of keys can't be greater than number of args")
	}
	limit, msg := parseCardLimit(args[2+n:])
	if msg != "" {
		return fixed(keys, msg)
	}
	return &txGather{zGather: &zGather{op: setOpInter, card: true, keys: args[2 : 2+n], limit: limit}, plain: true}
}

func txZOp(op setOp, store bool) func(args, keys [][]byte) txCompute {
	return func(args, keys [][]byte) txCompute {
		at := 1
		if store {
			at = 2
		}
		m, msg := parseZGather(args, op, store, at)
		if msg != "" {
			return fixed(keys, msg)
		}
		return &txGather{zGather: m}
	}
}

func txZInterCard(args, keys [][]byte) txCompute {
	n, err := strconv.ParseInt(string(args[1]), 10, 64)
	switch {
	case err != nil:
		return fixed(keys, "ERR value is not an integer or out of range")
	case n < 1:
		return fixed(keys, "ERR at least 1 input key is needed for 'zintercard' command")
	case n > int64(len(args)-2):
		return fixed(keys, "ERR syntax error")
	}
	limit, msg := parseCardLimit(args[2+n:])
	if msg != "" {
		return fixed(keys, msg)
	}
	return &txGather{zGather: &zGather{op: setOpInter, zset: true, card: true, keys: args[2 : 2+n], limit: limit}}
}

func (g *txGather) keys() [][]byte {
	if g.dst != nil {
		return append([][]byte{g.dst}, g.zGather.keys...)
	}
	return g.zGather.keys
}

// reads asks for each source's members: SMEMBERS, and for a sorted-set
// command ZRANGE WITHSCORES first (a plain set counts with score 1).
func (g *txGather) reads() []txRead {
	var rs []txRead
	for _, k := range g.zGather.keys {
		if g.zset {
			rs = append(rs, txRead{k, [][]byte{[]byte("ZRANGE"), k, []byte("0"), []byte("-1"), []byte("WITHSCORES")}})
		}
		rs = append(rs, txRead{k, [][]byte{[]byte("SMEMBERS"), k}})
	}
	return rs
}

func (g *txGather) result(replies [][]byte) ([]byte, []txWrite) {
	per := 1
	if g.zset {
		per = 2
	}
	srcs := make([]zsrc, len(g.zGather.keys))
	vals := make([]resp.Value, len(srcs))
	for i := range srcs {
		r := replies[i*per+per-1] // SMEMBERS
		scored := false
		if g.zset && !isErr(replies[i*per]) {
			r, scored = replies[i*per], true
		}
		if isErr(r) {
			return r, nil
		}
		v, _, err := resp.Parse(r)
		if err != nil || v.Kind != resp.Array {
			return resp.AppendError(nil, "ERR bad reply from backend"), nil
		}
		vals[i] = v
		var ok bool
		if srcs[i], ok = zsrcOf(v.Elems, scored, g.weights, i); !ok {
			return resp.AppendError(nil, "ERR bad reply from backend"), nil
		}
	}
	if g.plain {
		out := combineSets(vals, g.op)
		if g.card {
			n := int64(len(out))
			if g.limit > 0 {
				n = min(n, g.limit)
			}
			return resp.AppendInt(nil, n), nil
		}
		dst := resp.AppendArray(nil, len(out))
		for _, m := range out {
			dst = resp.AppendBulk(dst, m)
		}
		return dst, nil
	}
	members, scores := combineZ(srcs, g.op, g.agg)
	switch {
	case g.card:
		n := int64(len(members))
		if g.limit > 0 {
			n = min(n, g.limit)
		}
		return resp.AppendInt(nil, n), nil
	case g.dst != nil:
		return resp.AppendInt(nil, int64(len(members))), storeWrites(g.dst, g.zset, members, scores)
	}
	n := len(members)
	if g.scores {
		n *= 2
	}
	dst := resp.AppendArray(nil, n)
	for i, mem := range members {
		dst = resp.AppendBulk(dst, mem)
		if g.scores {
			dst = resp.AppendBulk(dst, resp.FormatDouble(scores[i]))
		}
	}
	return dst, nil
}

// storeWrites replaces key with members: DEL, then ZADD (scored) or SADD.
func storeWrites(key []byte, scored bool, members []string, scores []float64) []txWrite {
	ws := []txWrite{{key, [][]byte{[]byte("DEL"), key}}}
	if len(members) == 0 {
		return ws
	}
	args := [][]byte{[]byte("SADD"), key}
	if scored {
		args[0] = []byte("ZADD")
	}
	for i, mem := range members {
		if scored {
			args = append(args, []byte(resp.FormatDouble(scores[i])))
		}
		args = append(args, []byte(mem))
	}
	return append(ws, txWrite{key, args})
}

// txMove is SMOVE, LMOVE and RPOPLPUSH: one element from src to dst.
type txMove struct {
	src, dst, member []byte
	list             bool
	from, to         string // LMOVE's ends: "LEFT" or "RIGHT"
}

func txSMove(args, _ [][]byte) txCompute {
	return &txMove{src: args[1], dst: args[2], member: args[3]}
}

func txLMove(args, keys [][]byte) txCompute {
	m := &txMove{src: args[1], dst: args[2], list: true, from: "RIGHT", to: "LEFT"}
	if len(args) == 5 {
		m.from, m.to = strings.ToUpper(string(args[3])), strings.ToUpper(string(args[4]))
		for _, w := range []string{m.from, m.to} {
			if w != "LEFT" && w != "RIGHT" {
				return fixed(keys, "ERR syntax error")
			}
		}
	}
	return m
}

func (m *txMove) keys() [][]byte { return [][]byte{m.src, m.dst} }

func (m *txMove) reads() []txRead {
	third := [][]byte{[]byte("SISMEMBER"), m.src, m.member}
	if m.list {
		at := "0"
		if m.from == "RIGHT" {
			at = "-1"
		}
		third = [][]byte{[]byte("LINDEX"), m.src, []byte(at)}
	}
	return []txRead{
		{m.src, [][]byte{[]byte("TYPE"), m.src}},
		{m.dst, [][]byte{[]byte("TYPE"), m.dst}},
		{m.src, third},
	}
}

// As Redis: a missing source answers 0 (SMOVE) or nil (LMOVE) before any
// type is checked; then a source, or an existing destination, of another
// type is WRONGTYPE.
func (m *txMove) result(r [][]byte) ([]byte, []txWrite) {
	for _, x := range r {
		if isErr(x) && !strings.HasPrefix(string(x), "-WRONGTYPE") {
			return x, nil
		}
	}
	want := "+set\r\n"
	if m.list {
		want = "+list\r\n"
	}
	srcType, dstType := string(r[0]), string(r[1])
	switch {
	case srcType == "+none\r\n" && m.list:
		return resp.AppendNull(nil), nil
	case srcType == "+none\r\n":
		return resp.AppendInt(nil, 0), nil
	case srcType != want || (dstType != want && dstType != "+none\r\n"):
		return resp.AppendError(nil, msgWrongType), nil
	}
	if !m.list {
		if string(r[2]) != ":1\r\n" {
			return resp.AppendInt(nil, 0), nil
		}
		return resp.AppendInt(nil, 1), []txWrite{
			{m.src, [][]byte{[]byte("SREM"), m.src, m.member}},
			{m.dst, [][]byte{[]byte("SADD"), m.dst, m.member}},
		}
	}
	v, _, err := resp.Parse(r[2])
	if err != nil || v.Kind != resp.BulkString {
		return resp.AppendError(nil, "ERR bad reply from backend"), nil
	}
	pop, push := "LPOP", "LPUSH"
	if m.from == "RIGHT" {
		pop = "RPOP"
	}
	if m.to == "RIGHT" {
		push = "RPUSH"
	}
	return r[2], []txWrite{
		{m.src, [][]byte{[]byte(pop), m.src}},
		{m.dst, [][]byte{[]byte(push), m.dst, v.Str}},
	}
}
