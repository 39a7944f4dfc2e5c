package proxy

import (
	"strings"

	"github.com/vcache/vcache/internal/resp"
)

// MSETNX and BITOP computed inside a transaction that spans nodes
// (multi_compute.go), and outside one as a transaction of their own
// (multi_compute_alone.go).

// txMSetNX is MSETNX key value [key value ...]: it sets every key if
// none exists.
type txMSetNX struct{ args [][]byte }

func txMSetNXOf(args, keys [][]byte) txCompute {
	if len(args)%2 != 1 {
		return fixed(keys, "ERR wrong number of arguments for 'msetnx' command")
	}
	return &txMSetNX{args: args}
}

func (m *txMSetNX) keys() [][]byte {
	var ks [][]byte
	for i := 1; i < len(m.args); i += 2 {
		ks = append(ks, m.args[i])
	}
	return ks
}

func (m *txMSetNX) reads() []txRead {
	var rs []txRead
	for _, k := range m.keys() {
		rs = append(rs, txRead{k, [][]byte{[]byte("EXISTS"), k}})
	}
	return rs
}

func (m *txMSetNX) result(r [][]byte) ([]byte, []txWrite) {
	for _, x := range r {
		if isErr(x) {
			return x, nil
		}
		if string(x) != ":0\r\n" {
			return resp.AppendInt(nil, 0), nil
		}
	}
	var ws []txWrite
	for i := 1; i+1 < len(m.args); i += 2 {
		ws = append(ws, txWrite{m.args[i], [][]byte{[]byte("SET"), m.args[i], m.args[i+1]}})
	}
	return resp.AppendInt(nil, 1), ws
}

// txBitOp is BITOP AND|OR|XOR|NOT destkey key [key ...]: the sources
// read with GET (a missing one is an empty string), combined here, the
// result SET on the destination (or the destination deleted when it is
// empty), as Redis does.
type txBitOp struct {
	op   string
	dst  []byte
	srcs [][]byte
}

func txBitOpOf(args, keys [][]byte) txCompute {
	op := strings.ToLower(string(args[1]))
	switch {
	case op != "and" && op != "or" && op != "xor" && op != "not":
		return fixed(keys, "ERR syntax error")
	case op == "not" && len(args) != 4:
		return fixed(keys, "ERR BITOP NOT must be called with a single source key.")
	}
	return &txBitOp{op: op, dst: args[2], srcs: args[3:]}
}

func (b *txBitOp) keys() [][]byte { return append([][]byte{b.dst}, b.srcs...) }

func (b *txBitOp) reads() []txRead {
	rs := make([]txRead, len(b.srcs))
	for i, k := range b.srcs {
		rs[i] = txRead{k, [][]byte{[]byte("GET"), k}}
	}
	return rs
}

func (b *txBitOp) result(r [][]byte) ([]byte, []txWrite) {
	vals := make([][]byte, len(r))
	n := 0
	for i, x := range r {
		if isErr(x) {
			return x, nil
		}
		v, _, err := resp.Parse(x)
		if err != nil {
			return resp.AppendError(nil, "ERR bad reply from backend"), nil
		}
		vals[i] = v.Str
		n = max(n, len(v.Str))
	}
	if n == 0 {
		return resp.AppendInt(nil, 0), []txWrite{{b.dst, [][]byte{[]byte("DEL"), b.dst}}}
	}
	out := make([]byte, n)
	at := func(v []byte, j int) byte {
		if j < len(v) {
			return v[j]
		}
		return 0
	}
	for j := range out {
		x := at(vals[0], j)
		for _, v := range vals[1:] {
			switch b.op {
			case "and":
				x &= at(v, j)
			case "or":
				x |= at(v, j)
			case "xor":
				x ^= at(v, j)
			}
		}
		if b.op == "not" {
			x = ^x
		}
		out[j] = x
	}
	return resp.AppendInt(nil, int64(n)), []txWrite{{b.dst, [][]byte{[]byte("SET"), b.dst, out}}}
}
