package proxy

import (
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/resp"
)

// LMPOP, ZMPOP and XREAD whose keys are on several nodes
// (multi_compute_xslot.go).

// txMPop is LMPOP numkeys key ... LEFT|RIGHT [COUNT n] and ZMPOP numkeys
// key ... MIN|MAX [COUNT n], in two steps under the keys' locks: TYPE of
// every key; then, on the first key that exists, the same command with
// that one key, whose reply (or WRONGTYPE) is the client's, as Redis pops
// from the first key that exists. None: a null array.
type txMPop struct {
	name   []byte
	ks     [][]byte
	rest   [][]byte // the direction and options
	chosen []byte
	step   int // 0: TYPE; 1: pop; 2: done
	// For a client blocked across nodes (block_across.go): want is the
	// TYPE reply of the keys it pops from; skip marks the keys another
	// client blocked on earlier, which it passes over while they hold
	// that type; after a wake-up (retry) it passes over other types too,
	// as a blocked client in Redis does.
	want  string
	skip  []bool
	retry bool
}

func txMPopOf(args [][]byte, pos []int) txCompute {
	ks := keysAt(args, pos)
	rest := args[pos[len(pos)-1]+1:]
	ends := [2]string{"left", "right"}
	if strings.EqualFold(string(args[0]), "zmpop") {
		ends = [2]string{"min", "max"}
	}
	// As Redis: the direction, then the options, before any key.
	if len(rest) == 0 || !(strings.EqualFold(string(rest[0]), ends[0]) || strings.EqualFold(string(rest[0]), ends[1])) {
		return fixed(ks, "ERR syntax error")
	}
	counted := false
	for i := 1; i < len(rest); i++ {
		if counted || !strings.EqualFold(string(rest[i]), "count") || i+1 >= len(rest) {
			return fixed(ks, "ERR syntax error")
		}
		i++
		if n, err := strconv.ParseInt(string(rest[i]), 10, 64); err != nil || n < 1 {
			return fixed(ks, "ERR count should be greater than 0")
		}
		counted = true
	}
	return &txMPop{name: args[0], ks: ks, rest: rest}
}

func (m *txMPop) keys() [][]byte { return m.ks }

func (m *txMPop) reads() []txRead {
	if m.step == 1 {
		args := append([][]byte{m.name, []byte("1"), m.chosen}, m.rest...)
		return []txRead{{m.chosen, args}}
	}
	rs := make([]txRead, len(m.ks))
	for i, k := range m.ks {
		rs[i] = txRead{k, [][]byte{[]byte("TYPE"), k}}
	}
	return rs
}

func (m *txMPop) result(r [][]byte) ([]byte, []txWrite) {
	if m.step == 1 {
		m.step = 2
		return r[0], nil
	}
	for i, x := range r {
		if string(x) == "+none\r\n" {
			continue
		}
		if m.want != "" && !isErr(x) {
			wanted := string(x) == m.want
			if wanted && m.skip != nil && m.skip[i] || !wanted && m.retry {
				continue
			}
		}
		if isErr(x) {
			m.step = 2
			return x, nil
		}
		m.chosen, m.step = m.ks[i], 1
		return nil, nil
	}
	m.step = 2
	return resp.AppendNullArray(nil), nil
}

func (m *txMPop) then() txCompute {
	if m.step == 1 {
		return m
	}
	return nil
}

// txXRead is XREAD [COUNT n] STREAMS key ... id ... (BLOCK only inside
// MULTI, where it does not block): each stream is read on its node with
// the same options, and the streams that have entries are answered in
// the command's order, or a null array when none has.
type txXRead struct {
	opts [][]byte // XREAD ... STREAMS
	ks   [][]byte
	ids  [][]byte
}

func txXReadOf(args [][]byte, pos []int) txCompute {
	n := len(pos)
	return &txXRead{opts: args[:pos[0]], ks: args[pos[0] : pos[0]+n], ids: args[pos[0]+n:]}
}

func (m *txXRead) keys() [][]byte { return m.ks }

func (m *txXRead) reads() []txRead {
	rs := make([]txRead, len(m.ks))
	for i, k := range m.ks {
		args := append(append([][]byte(nil), m.opts...), k, m.ids[i])
		rs[i] = txRead{k, args}
	}
	return rs
}

func (m *txXRead) result(r [][]byte) ([]byte, []txWrite) {
	var found [][]byte
	for _, x := range r {
		if isErr(x) {
			return x, nil
		}
		if x[0] != '*' || string(x) == "*-1\r\n" {
			continue
		}
		line, at, ok := splitHeader(x)
		if n, ok2 := resp.ParseInt(line); !ok || !ok2 || n != 1 {
			return resp.AppendError(nil, "ERR bad reply from backend"), nil
		}
		found = append(found, x[at:])
	}
	if len(found) == 0 {
		return resp.AppendNullArray(nil), nil
	}
	out := resp.AppendArray(nil, len(found))
	for _, f := range found {
		out = append(out, f...)
	}
	return out, nil
}
