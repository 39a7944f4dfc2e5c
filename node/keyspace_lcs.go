package node

import (
	"errors"
	"strings"

	"github.com/vcache/vcache/cache"
)

// lcsArgs are LCS's options.
type lcsArgs struct {
	length, idx, withMatchLen bool
	minMatchLen               int64
}

// lcsMaxTable is the most bytes LCS's table may take: Redis bounds it by
// proto-max-bulk-len.
const lcsMaxTable = 512 << 20

// cmdLCS serves LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]
// with Redis 7's replies: the common subsequence, its length, or (IDX)
// the matching ranges, last first, and the length.
func cmdLCS(cx *Ctx) {
	a, erra := cx.Node.ks.Get(cx.Args[1])
	b, errb := cx.Node.ks.Get(cx.Args[2])
	if errors.Is(erra, cache.ErrWrongType) || errors.Is(errb, cache.ErrWrongType) {
		cx.Error("ERR The specified keys must contain string values")
		return
	}
	var o lcsArgs
	for i := 3; i < len(cx.Args); i++ {
		switch opt := strings.ToLower(string(cx.Args[i])); {
		case opt == "idx":
			o.idx = true
		case opt == "len":
			o.length = true
		case opt == "withmatchlen":
			o.withMatchLen = true
		case opt == "minmatchlen" && i+1 < len(cx.Args):
			n, err := cache.ParseInt(cx.Args[i+1])
			if err != nil {
				cx.Err(err)
				return
			}
			o.minMatchLen = max(n, 0)
			i++
		default:
			cx.SyntaxError()
			return
		}
	}
	if o.length && o.idx {
		cx.Error("ERR If you want both the length and indexes, please just use IDX.")
		return
	}
	if (int64(len(a))+1)*(int64(len(b))+1)*4 > lcsMaxTable {
		cx.Error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
		return
	}
	table := lcsTable(a, b)
	total := int64(table[len(table)-1])
	switch {
	case o.idx:
		cx.Map(2)
		cx.BulkString("matches")
		ranges := lcsRanges(a, b, table, o.minMatchLen)
		cx.Array(len(ranges))
		for _, r := range ranges {
			if o.withMatchLen {
				cx.Array(3)
			} else {
				cx.Array(2)
			}
			cx.Array(2)
			cx.Int(int64(r.a0))
			cx.Int(int64(r.a1))
			cx.Array(2)
			cx.Int(int64(r.b0))
			cx.Int(int64(r.b1))
			if o.withMatchLen {
				cx.Int(int64(r.a1 - r.a0 + 1))
			}
		}
		cx.BulkString("len")
		cx.Int(total)
	case o.length:
		cx.Int(total)
	default:
		cx.Bulk(lcsString(a, b, table))
	}
}

// lcsTable returns the lengths of the longest common subsequences of
// every pair of prefixes of a and b: entry i*(len(b)+1)+j is that of
// a[:i] and b[:j].
func lcsTable(a, b []byte) []uint32 {
	w := len(b) + 1
	t := make([]uint32, (len(a)+1)*w)
	for i := 1; i <= len(a); i++ {
		row, prev := t[i*w:(i+1)*w], t[(i-1)*w:i*w]
		for j := 1; j <= len(b); j++ {
			switch {
			case a[i-1] == b[j-1]:
				row[j] = prev[j-1] + 1
			case prev[j] > row[j-1]:
				row[j] = prev[j]
			default:
				row[j] = row[j-1]
			}
		}
	}
	return t
}

// lcsWalk walks the table back from its end as Redis does (on a mismatch
// it drops a's last byte when that keeps the longer subsequence, b's
// otherwise) and calls match for each matching pair of positions, last
// first.
func lcsWalk(a, b []byte, t []uint32, match func(i, j int)) {
	w := len(b) + 1
	i, j := len(a), len(b)
	for i > 0 && j > 0 {
		if a[i-1] == b[j-1] {
			match(i-1, j-1)
			i--
			j--
		} else if t[(i-1)*w+j] > t[i*w+j-1] {
			i--
		} else {
			j--
		}
	}
}

func lcsString(a, b []byte, t []uint32) []byte {
	out := make([]byte, t[len(t)-1])
	k := len(out)
	lcsWalk(a, b, t, func(i, _ int) {
		k--
		out[k] = a[i]
	})
	return out
}

// lcsRange is a run of matching bytes: a[a0..a1] equals b[b0..b1].
type lcsRange struct{ a0, a1, b0, b1 int }

// lcsRanges returns the runs of the subsequence lcsWalk finds, last
// first, leaving out those shorter than minLen.
func lcsRanges(a, b []byte, t []uint32, minLen int64) []lcsRange {
	var out []lcsRange
	var cur *lcsRange
	var pending lcsRange
	flush := func() {
		if cur != nil && int64(cur.a1-cur.a0+1) >= minLen {
			out = append(out, *cur)
		}
		cur = nil
	}
	lcsWalk(a, b, t, func(i, j int) {
		if cur != nil && cur.a0 == i+1 && cur.b0 == j+1 {
			cur.a0, cur.b0 = i, j
			return
		}
		flush()
		pending = lcsRange{i, i, j, j}
		cur = &pending
	})
	flush()
	return out
}
