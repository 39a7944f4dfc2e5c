package proxy

import (
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/resp"
)

// Multi-key commands (MGET, MSET, DEL, UNLINK, EXISTS, TOUCH) whose keys
// live on different nodes (or, for a strict router, in different slots)
// are split into one command per destination and their replies merged in
// the client's key order. When all keys go to one place the command is
// forwarded untouched.

type mergeMode uint8

const (
	mergeArray mergeMode = iota // MGET: one element per key
	mergeSum                    // DEL, UNLINK, EXISTS, TOUCH: add the integers
	mergeOK                     // MSET: +OK if every part said so
)

// splitMerge is a split multi-key command in flight.
type splitMerge struct {
	mode  mergeMode
	parts []*call
	// For key i (in the client's order): its part and index there.
	part, pos []int32
}

func proxyMGet(s *session, cmd resp.Command) (merger, string) {
	return s.split(cmd, 1, mergeArray), ""
}

// The commands whose parts' replies add up.
var (
	proxyDel    = splitSum
	proxyUnlink = splitSum
	proxyExists = splitSum
	proxyTouch  = splitSum
)

func splitSum(s *session, cmd resp.Command) (merger, string) {
	return s.split(cmd, 1, mergeSum), ""
}

func proxyMSet(s *session, cmd resp.Command) (merger, string) {
	if (len(cmd.Args)-1)%2 != 0 {
		return nil, arityError("mset")
	}
	return s.split(cmd, 2, mergeOK), ""
}

// proxyJSONMGet splits JSON.MGET key... path: each part gets the path.
func proxyJSONMGet(s *session, cmd resp.Command) (merger, string) {
	if len(cmd.Args) < 3 {
		return nil, arityError("json.mget")
	}
	return s.splitTail(cmd, 1, 1, mergeArray), ""
}

// proxyJSONMSet splits JSON.MSET key path value ... by key (each key's
// triple is set atomically on its node; the whole is not, as MSET's).
func proxyJSONMSet(s *session, cmd resp.Command) (merger, string) {
	if len(cmd.Args) < 4 || (len(cmd.Args)-1)%3 != 0 {
		return nil, arityError("json.mset")
	}
	return s.split(cmd, 3, mergeOK), ""
}

// passthrough forwards a command whose keys share one destination.
type passthrough struct{ c *call }

func (m passthrough) merge(s *session, dst []byte) []byte {
	s.settle(m.c)
	return append(dst, m.c.reply...)
}

// split submits cmd (keys every step words from position 1) to the nodes
// that own its keys.
func (s *session) split(cmd resp.Command, step int, mode mergeMode) merger {
	return s.splitTail(cmd, step, 0, mode)
}

// splitTail is split for a command whose last tail words follow the keys
// and go to every part (JSON.MGET's path).
func (s *session) splitTail(cmd resp.Command, step, tail int, mode mergeMode) merger {
	args := cmd.Args
	nkeys := (len(args) - 1 - tail) / step
	rt := s.p.routes.Load()
	slots := make([]int, nkeys)
	dest := make([]int, nkeys) // slot, or node index when cross-slot is allowed
	var nodes []*backend
	same := true
	for i := range nkeys {
		slots[i] = keyslot.Of(args[1+i*step])
		dest[i] = slots[i]
		if b := rt.slot(slots[i]); s.p.crossSlot && b != nil {
			j := 0
			for j < len(nodes) && nodes[j] != b {
				j++
			}
			if j == len(nodes) {
				nodes = append(nodes, b)
			}
			dest[i] = keyslot.Count + j
		}
		if dest[i] != dest[0] {
			same = false
		}
	}
	if same {
		c := s.newCall(cmd.Raw)
		s.target(c, slots[0])
		return passthrough{c}
	}

	m := &splitMerge{mode: mode, part: make([]int32, nkeys), pos: make([]int32, nkeys)}
	var partDest []int
	var partKeys [][]int
	index := map[int]int{}
	for i := range nkeys {
		p, ok := index[dest[i]]
		if !ok {
			p = len(partDest)
			index[dest[i]] = p
			partDest = append(partDest, dest[i])
			partKeys = append(partKeys, nil)
		}
		m.part[i] = int32(p)
		m.pos[i] = int32(len(partKeys[p]))
		partKeys[p] = append(partKeys[p], i)
	}
	for _, keys := range partKeys {
		c := s.newCall(nil)
		req := resp.AppendArray(c.own[:0], 1+len(keys)*step+tail)
		req = resp.AppendBulk(req, args[0])
		for _, k := range keys {
			for w := range step {
				req = resp.AppendBulk(req, args[1+k*step+w])
			}
		}
		for _, a := range args[len(args)-tail:] {
			req = resp.AppendBulk(req, a)
		}
		c.own, c.req = req, req
		s.target(c, slots[keys[0]])
		m.parts = append(m.parts, c)
	}
	return m
}

func (m *splitMerge) merge(s *session, dst []byte) []byte {
	vals := make([]resp.Value, len(m.parts))
	for i, c := range m.parts {
		s.settle(c)
		v, _, err := resp.Parse(c.reply)
		if err != nil {
			return resp.AppendError(dst, "ERR bad reply from backend")
		}
		if v.Kind == resp.Error {
			return v.AppendTo(dst)
		}
		vals[i] = v
	}
	return appendMerged(dst, m.mode, m.part, m.pos, vals)
}

// appendMerged appends to dst the client's reply made of its parts'
// replies vals (none an error) by mode: key i's element is element pos[i]
// of part part[i]'s array (mergeArray), the sum of the integers
// (mergeSum), or +OK.
func appendMerged(dst []byte, mode mergeMode, part, pos []int32, vals []resp.Value) []byte {
	mark := len(dst)
	switch mode {
	case mergeArray:
		dst = resp.AppendArray(dst, len(part))
		for i := range part {
			v := &vals[part[i]]
			if v.Kind != resp.Array || int(pos[i]) >= len(v.Elems) {
				return resp.AppendError(dst[:mark], "ERR bad reply from backend")
			}
			dst = v.Elems[pos[i]].AppendTo(dst)
		}
		return dst
	case mergeSum:
		var n int64
		for i := range vals {
			n += vals[i].Int
		}
		return resp.AppendInt(dst, n)
	default:
		return resp.AppendSimple(dst, "OK")
	}
}
