package proxy

import (
	"strings"

	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/resp"
)

// More commands the proxy computes when their keys are on several nodes
// (multi_compute.go), inside a transaction and outside one
// (multi_compute_alone.go): PFCOUNT and PFMERGE, the stores of
// GEOSEARCHSTORE, GEORADIUS[BYMEMBER] ... STORE and SORT ... STORE, LMPOP
// and ZMPOP, and XREAD. Each answers and leaves its keys as redis-server
// does for the same keys on one server. (BLMPOP, BZMPOP and XREAD BLOCK
// whose keys span nodes wait in the proxy, which pops through these:
// block_across.go.)

// The commands of this kind the proxy computes (the table's compute).
var (
	computePFCount           = txPFOf // this file
	computePFMerge           = txPFOf
	computeGeoSearchStore    = txStoreViaOf
	computeGeoRadius         = txStoreViaOf
	computeGeoRadiusByMember = txStoreViaOf
	computeSort              = txStoreViaOf
	computeLMPop             = txMPopOf // multi_compute_pops.go
	computeZMPop             = txMPopOf
	computeXRead             = txXReadOf
	computeXReadGroup        = txXReadGroupOf // block_across_group.go
)

// keysAt returns the words of args at pos.
func keysAt(args [][]byte, pos []int) [][]byte {
	ks := make([][]byte, len(pos))
	for j, i := range pos {
		ks[j] = args[i]
	}
	return ks
}

// txPF is PFCOUNT key [key ...] and PFMERGE dest [src ...]. It runs on
// the node of its first key (PFMERGE's destination), in two steps: GET
// reads the keys of other slots, then on that node each is copied to a
// scratch key of the first key's slot and the command runs with the
// scratch keys in their place, in the same order, so that the node
// merges the registers, counts, checks types and stores as it does for
// its own keys (a key of another type is copied as a list, to fail at
// its place in the order as it would).
type txPF struct {
	args    [][]byte // the command line
	far     []int    // positions in args of the keys of another slot
	scratch [][]byte // a scratch key for each far key
	val     [][]byte // each far key's string, nil when it does not exist
	wrong   []bool   // each far key holds another type
	step    int      // 0: read the far keys; 1: run; 2: done
}

func txPFOf(args [][]byte, pos []int) txCompute {
	m := &txPF{args: args}
	home := args[pos[0]]
	for _, i := range pos[1:] {
		if sameSlot(args[i], home) {
			continue
		}
		m.far = append(m.far, i)
		m.scratch = append(m.scratch, scratchKey(home))
	}
	m.val = make([][]byte, len(m.far))
	m.wrong = make([]bool, len(m.far))
	return m
}

func (m *txPF) keys() [][]byte { return m.args[1:] }

func (m *txPF) reads() []txRead {
	if m.step == 0 {
		rs := make([]txRead, len(m.far))
		for j, i := range m.far {
			rs[j] = txRead{m.args[i], [][]byte{[]byte("GET"), m.args[i]}}
		}
		return rs
	}
	home := m.args[1]
	var rs, dels []txRead
	run := append([][]byte(nil), m.args...)
	for j, i := range m.far {
		sk := m.scratch[j]
		run[i] = sk
		switch {
		case m.wrong[j]:
			rs = append(rs, txRead{home, [][]byte{[]byte("RPUSH"), sk, []byte("x")}})
		case m.val[j] != nil:
			rs = append(rs, txRead{home, [][]byte{[]byte("SET"), sk, m.val[j]}})
		default:
			continue
		}
		dels = append(dels, txRead{home, [][]byte{[]byte("DEL"), sk}})
	}
	rs = append(rs, txRead{home, run})
	return append(rs, dels...)
}

func (m *txPF) result(r [][]byte) ([]byte, []txWrite) {
	if m.step == 0 {
		for j, x := range r {
			switch {
			case strings.HasPrefix(string(x), "-WRONGTYPE"):
				m.wrong[j] = true
			case isErr(x):
				m.step = 2
				return x, nil
			case string(x) == "$-1\r\n":
			default:
				v, _, err := resp.Parse(x)
				if err != nil || v.Kind != resp.BulkString {
					m.step = 2
					return resp.AppendError(nil, "ERR bad reply from backend"), nil
				}
				m.val[j] = v.Str
			}
		}
		m.step = 1
		return nil, nil
	}
	m.step = 2
	copies := len(r) / 2 // the copies, the command, their DELs
	for _, x := range r[:copies] {
		if isErr(x) {
			return x, nil
		}
	}
	return r[copies], nil
}

func (m *txPF) then() txCompute {
	if m.step == 1 {
		return m
	}
	return nil
}

// sameSlot reports whether two keys hash to one slot.
func sameSlot(a, b []byte) bool { return keyslot.Of(a) == keyslot.Of(b) }

// txStoreVia is a command that reads a source on one node and stores
// what it found in a destination on another: GEOSEARCHSTORE dst src ...,
// GEORADIUS[BYMEMBER] src ... STORE|STOREDIST dst, SORT src ... STORE
// dst. The command runs on the source's node with a scratch key of the
// source's slot as its destination, the scratch key is read back
// (ZRANGE WITHSCORES, or LRANGE for SORT) and deleted there, and its
// contents replace the destination: DEL, then ZADD or RPUSH, as Redis
// overwrites (or, when nothing was found, deletes) the destination. The
// reply is the node's. SORT's BY and GET patterns are the source node's
// to allow or refuse, as for a SORT without STORE: in a cluster only a
// pattern whose hash tag is the source's slot, as Redis Cluster (which
// refuses every pattern across slots).
type txStoreVia struct {
	src, dst []byte
	run      [][]byte // the command line, storing in scratch
	scratch  []byte
	list     bool // SORT: the destination is a list
}

func txStoreViaOf(args [][]byte, pos []int) txCompute {
	srcAt, dstAt := pos[0], pos[len(pos)-1]
	list := strings.EqualFold(string(args[0]), "sort")
	if strings.EqualFold(string(args[0]), "geosearchstore") {
		srcAt, dstAt = 2, 1
	}
	m := &txStoreVia{src: args[srcAt], dst: args[dstAt], list: list}
	m.scratch = scratchKey(m.src)
	m.run = append([][]byte(nil), args...)
	m.run[dstAt] = m.scratch
	return m
}

func (m *txStoreVia) keys() [][]byte { return [][]byte{m.src, m.dst} }

func (m *txStoreVia) reads() []txRead {
	back := [][]byte{[]byte("ZRANGE"), m.scratch, []byte("0"), []byte("-1"), []byte("WITHSCORES")}
	if m.list {
		back = [][]byte{[]byte("LRANGE"), m.scratch, []byte("0"), []byte("-1")}
	}
	return []txRead{
		{m.src, m.run},
		{m.src, back},
		{m.src, [][]byte{[]byte("DEL"), m.scratch}},
	}
}

func (m *txStoreVia) result(r [][]byte) ([]byte, []txWrite) {
	if isErr(r[0]) {
		return r[0], nil
	}
	if isErr(r[1]) {
		return r[1], nil
	}
	v, _, err := resp.Parse(r[1])
	if err != nil || v.Kind != resp.Array {
		return resp.AppendError(nil, "ERR bad reply from backend"), nil
	}
	ws := []txWrite{{m.dst, [][]byte{[]byte("DEL"), m.dst}}}
	if len(v.Elems) == 0 {
		return r[0], ws
	}
	args := [][]byte{[]byte("RPUSH"), m.dst}
	if m.list {
		for _, e := range v.Elems {
			args = append(args, e.Str)
		}
	} else {
		args[0] = []byte("ZADD")
		for i := 0; i+1 < len(v.Elems); i += 2 {
			args = append(args, v.Elems[i+1].Str, v.Elems[i].Str)
		}
	}
	return r[0], append(ws, txWrite{m.dst, args})
}
