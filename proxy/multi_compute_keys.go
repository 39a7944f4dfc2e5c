package proxy

import (
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/resp"
)

// RENAME, RENAMENX, COPY and ZRANGESTORE computed inside a transaction
// that spans nodes (multi_compute.go). A key moves between nodes as
// DUMP, PTTL and RESTORE, which keep its type, value and expiry.

// txCopyKey is RENAME (del set), RENAMENX (nx too) and COPY (keep the
// source; replace says whether an existing destination is replaced).
type txCopyKey struct {
	src, dst []byte
	del, nx  bool
	replace  bool
}

func txRename(args, _ [][]byte) txCompute {
	return &txCopyKey{src: args[1], dst: args[2], del: true, replace: true,
		nx: strings.EqualFold(string(args[0]), "renamenx")}
}

// txCopy parses COPY source destination [DB db] [REPLACE]; a DB option
// other than DB 0 is left to the node (the line is queued as any other).
func txCopy(args, keys [][]byte) txCompute {
	m := &txCopyKey{src: args[1], dst: args[2]}
	for i := 3; i < len(args); i++ {
		switch strings.ToLower(string(args[i])) {
		case "replace":
			m.replace = true
		case "db":
			if i+1 >= len(args) || string(args[i+1]) != "0" {
				return nil
			}
			i++
		default:
			return fixed(keys, "ERR syntax error")
		}
	}
	return m
}

func (m *txCopyKey) keys() [][]byte { return [][]byte{m.src, m.dst} }

func (m *txCopyKey) reads() []txRead {
	return []txRead{
		{m.src, [][]byte{[]byte("DUMP"), m.src}},
		{m.src, [][]byte{[]byte("PTTL"), m.src}},
		{m.dst, [][]byte{[]byte("EXISTS"), m.dst}},
	}
}

// As Redis: a missing source is an error for RENAME and 0 for COPY; an
// existing destination makes RENAMENX, and COPY without REPLACE, answer
// 0 and change nothing.
func (m *txCopyKey) result(r [][]byte) ([]byte, []txWrite) {
	for _, x := range r {
		if isErr(x) {
			return x, nil
		}
	}
	v, _, err := resp.Parse(r[0])
	ttl, _, err2 := resp.Parse(r[1])
	if err != nil || err2 != nil {
		return resp.AppendError(nil, "ERR bad reply from backend"), nil
	}
	if v.Kind != resp.BulkString || v.Null {
		if m.del {
			return resp.AppendError(nil, "ERR no such key"), nil
		}
		return resp.AppendInt(nil, 0), nil
	}
	if string(r[2]) == ":1\r\n" && (m.nx || !m.replace) {
		return resp.AppendInt(nil, 0), nil
	}
	ms := "0"
	if ttl.Int > 0 {
		ms = strconv.FormatInt(ttl.Int, 10)
	}
	ws := []txWrite{{m.dst, [][]byte{[]byte("RESTORE"), m.dst, []byte(ms), v.Str, []byte("REPLACE")}}}
	if m.del {
		ws = append(ws, txWrite{m.src, [][]byte{[]byte("DEL"), m.src}})
	}
	switch {
	case m.del && !m.nx:
		return resp.AppendSimple(nil, "OK"), ws
	default:
		return resp.AppendInt(nil, 1), ws
	}
}

// txZRange is ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT
// offset count]: the range is read with ZRANGE (which words its errors
// as ZRANGESTORE), and for BYLEX, which ZRANGE cannot answer with scores,
// the source's scores besides.
type txZRange struct {
	dst, src []byte
	rng      [][]byte // ZRANGE src min max and the options
	lex      bool
}

func txZRangeStore(args, keys [][]byte) txCompute {
	m := &txZRange{dst: args[1], src: args[2]}
	m.rng = append([][]byte{[]byte("ZRANGE")}, args[2:]...)
	for _, a := range args[5:] {
		switch strings.ToLower(string(a)) {
		case "withscores":
			return fixed(keys, "ERR syntax error")
		case "bylex":
			m.lex = true
		}
	}
	if !m.lex {
		m.rng = append(m.rng, []byte("WITHSCORES"))
	}
	return m
}

func (m *txZRange) keys() [][]byte { return [][]byte{m.dst, m.src} }

func (m *txZRange) reads() []txRead {
	rs := []txRead{{m.src, m.rng}}
	if m.lex {
		rs = append(rs, txRead{m.src, [][]byte{[]byte("ZRANGE"), m.src, []byte("0"), []byte("-1"), []byte("WITHSCORES")}})
	}
	return rs
}

func (m *txZRange) result(r [][]byte) ([]byte, []txWrite) {
	if isErr(r[0]) {
		return r[0], nil
	}
	v, _, err := resp.Parse(r[0])
	if err != nil || v.Kind != resp.Array {
		return resp.AppendError(nil, "ERR bad reply from backend"), nil
	}
	var members []string
	var scores []float64
	bad := false
	if m.lex {
		all, _, err := resp.Parse(r[1])
		if err != nil || all.Kind != resp.Array {
			return resp.AppendError(nil, "ERR bad reply from backend"), nil
		}
		score := make(map[string]float64, len(all.Elems)/2)
		for j := 0; j+1 < len(all.Elems); j += 2 {
			f, err := strconv.ParseFloat(string(all.Elems[j+1].Str), 64)
			bad = bad || err != nil
			score[string(all.Elems[j].Str)] = f
		}
		for _, e := range v.Elems {
			members = append(members, string(e.Str))
			scores = append(scores, score[string(e.Str)])
		}
	} else {
		for j := 0; j+1 < len(v.Elems); j += 2 {
			f, err := strconv.ParseFloat(string(v.Elems[j+1].Str), 64)
			bad = bad || err != nil
			members = append(members, string(v.Elems[j].Str))
			scores = append(scores, f)
		}
	}
	if bad {
		return resp.AppendError(nil, "ERR bad reply from backend"), nil
	}
	return resp.AppendInt(nil, int64(len(members))), storeWrites(m.dst, true, members, scores)
}
