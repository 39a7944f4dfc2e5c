package proxy

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/zargs"
)

// ZUNION, ZINTER, ZDIFF, ZINTERCARD and the STORE forms (and SUNIONSTORE,
// SINTERSTORE, SDIFFSTORE) whose keys live on different nodes (or, for a
// strict router, in different slots) are gathered: the proxy reads each
// source (ZRANGE key 0 -1 WITHSCORES, or SMEMBERS for a plain set, whose
// members count with score 1, as Redis does), combines them with the
// weights and the aggregate as Redis does, and for a STORE form replaces
// the destination in one MULTI/EXEC on the destination's node. A line
// whose keys share one destination, or that the proxy cannot parse, goes
// to a node whole, which answers it (and words any error). Gathering
// reads the sources one by one, so it is not atomic across nodes.

// zGather is one gathered command.
type zGather struct {
	op      setOp
	zset    bool // sorted-set semantics and reply (else a set command)
	keys    [][]byte
	weights []float64
	agg     zargs.Agg
	scores  bool // WITHSCORES
	card    bool // ZINTERCARD: the count, up to limit when not 0
	limit   int64
	dst     []byte // the STORE forms' destination
	calls   []*call
}

func proxyZUnion(s *session, cmd resp.Command) (merger, string) {
	return s.gatherZ(cmd, setOpUnion, false, 1)
}
func proxyZInter(s *session, cmd resp.Command) (merger, string) {
	return s.gatherZ(cmd, setOpInter, false, 1)
}
func proxyZDiff(s *session, cmd resp.Command) (merger, string) {
	return s.gatherZ(cmd, setOpDiff, false, 1)
}
func proxyZUnionStore(s *session, cmd resp.Command) (merger, string) {
	return s.gatherZ(cmd, setOpUnion, true, 2)
}
func proxyZInterStore(s *session, cmd resp.Command) (merger, string) {
	return s.gatherZ(cmd, setOpInter, true, 2)
}
func proxyZDiffStore(s *session, cmd resp.Command) (merger, string) {
	return s.gatherZ(cmd, setOpDiff, true, 2)
}

func proxyZInterCard(s *session, cmd resp.Command) (merger, string) {
	args := cmd.Args
	n, err := strconv.ParseInt(string(args[1]), 10, 64)
	if err != nil || n < 1 || n > int64(len(args)-2) {
		return s.forwardWhole(cmd, args[2]), ""
	}
	limit, msg := parseCardLimit(args[2+n:])
	if msg != "" {
		return s.forwardWhole(cmd, args[2]), ""
	}
	return s.startZ(cmd, &zGather{op: setOpInter, zset: true, card: true, keys: args[2 : 2+n], limit: limit}), ""
}

// gatherZ parses [destination] numkeys key [key ...] [WEIGHTS w ...]
// [AGGREGATE SUM|MIN|MAX] [WITHSCORES]; numkeys is at argument at.
func (s *session) gatherZ(cmd resp.Command, op setOp, store bool, at int) (merger, string) {
	m, msg := parseZGather(cmd.Args, op, store, at)
	if msg != "" {
		key := cmd.Args[1]
		if n, err := strconv.ParseInt(string(cmd.Args[at]), 10, 64); err == nil && n >= 1 && n <= int64(len(cmd.Args)-at-1) {
			key = cmd.Args[at+1]
		}
		return s.forwardWhole(cmd, key), ""
	}
	return s.startZ(cmd, m), ""
}

// parseZGather parses a ZUNION-like command line, or returns Redis's
// error for it.
func parseZGather(args [][]byte, op setOp, store bool, at int) (*zGather, string) {
	n, err := strconv.ParseInt(string(args[at]), 10, 64)
	switch {
	case err != nil:
		return nil, "ERR value is not an integer or out of range"
	case n < 1:
		return nil, "ERR at least 1 input key is needed for '" + strings.ToLower(string(args[0])) + "' command"
	case n > int64(len(args)-at-1):
		return nil, "ERR syntax error"
	}
	c, msg := zargs.ParseCombine(args[at+1+int(n):], int(n), op == setOpDiff, !store, parseWeight)
	if msg != "" {
		return nil, msg
	}
	m := &zGather{op: op, zset: true, keys: args[at+1 : at+1+int(n)], weights: c.Weights, agg: c.Agg, scores: c.WithScores}
	if store {
		m.dst = args[1]
	}
	return m, ""
}

// parseWeight reads a WEIGHTS value: a float, not NaN.
func parseWeight(b []byte) (float64, bool) {
	f, err := strconv.ParseFloat(string(b), 64)
	return f, err == nil && !math.IsNaN(f)
}

// gatherSStore is SUNIONSTORE, SINTERSTORE and SDIFFSTORE: destination
// key [key ...].
func (s *session) gatherSStore(cmd resp.Command, op setOp) (merger, string) {
	m := &zGather{op: op, dst: cmd.Args[1], keys: cmd.Args[2:]}
	return s.startZ(cmd, m), ""
}

func proxySUnionStore(s *session, cmd resp.Command) (merger, string) {
	return s.gatherSStore(cmd, setOpUnion)
}
func proxySInterStore(s *session, cmd resp.Command) (merger, string) {
	return s.gatherSStore(cmd, setOpInter)
}
func proxySDiffStore(s *session, cmd resp.Command) (merger, string) {
	return s.gatherSStore(cmd, setOpDiff)
}

// startZ forwards cmd when its keys share a destination, else sends the
// reads of its sources.
func (s *session) startZ(cmd resp.Command, m *zGather) merger {
	all := m.keys
	if m.dst != nil {
		all = append([][]byte{m.dst}, m.keys...)
	}
	if s.oneDestination(all) {
		return s.forwardWhole(cmd, all[0])
	}
	m.calls = make([]*call, len(m.keys))
	for i, k := range m.keys {
		if m.zset {
			m.calls[i] = s.readCall(k, []byte("ZRANGE"), k, []byte("0"), []byte("-1"), []byte("WITHSCORES"))
		} else {
			m.calls[i] = s.readCall(k, []byte("SMEMBERS"), k)
		}
	}
	return m
}

// oneDestination reports whether keys go to one place: one slot, or with
// a router that allows it, one node.
func (s *session) oneDestination(keys [][]byte) bool {
	rt := s.p.routes.Load()
	first := keyslot.Of(keys[0])
	for _, k := range keys[1:] {
		sl := keyslot.Of(k)
		if sl != first && !(s.p.crossSlot && rt.slot(sl) != nil && rt.slot(sl) == rt.slot(first)) {
			return false
		}
	}
	return true
}

// readCall queues a command the proxy encodes to the node of key.
func (s *session) readCall(key []byte, args ...[]byte) *call {
	c := s.newCall(nil)
	c.own = resp.AppendCommand(c.own[:0], args...)
	c.req = c.own
	s.target(c, keyslot.Of(key))
	return c
}

// zsrc is one source read: its members and their scores.
type zsrc struct {
	members []string
	scores  []float64
	weight  float64
}

// zsrcOf reads source i from its reply's elements: members, with their
// scores when scored (else each scores 1), and weights[i] (1 without
// weights); false when a score is not a number.
func zsrcOf(elems []resp.Value, scored bool, weights []float64, i int) (zsrc, bool) {
	src := zsrc{weight: 1}
	if weights != nil {
		src.weight = weights[i]
	}
	step := 1
	if scored {
		step = 2
	}
	for j := 0; j+step-1 < len(elems); j += step {
		src.members = append(src.members, string(elems[j].Str))
		score := 1.0
		if scored {
			var err error
			if score, err = strconv.ParseFloat(string(elems[j+1].Str), 64); err != nil {
				return zsrc{}, false
			}
		}
		src.scores = append(src.scores, score)
	}
	return src, true
}

const msgWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"

func (m *zGather) merge(s *session, dst []byte) []byte {
	srcs := make([]zsrc, len(m.keys))
	var again []*call
	var againAt []int
	for i, c := range m.calls {
		s.settle(c)
		if m.zset && len(c.reply) > 10 && string(c.reply[:10]) == "-WRONGTYPE" {
			// Perhaps a plain set: its members count with score 1.
			again = append(again, s.readCall(m.keys[i], []byte("SMEMBERS"), m.keys[i]))
			againAt = append(againAt, i)
		}
	}
	if len(again) > 0 {
		s.roundTrip(again...)
		for j, c := range again {
			s.settle(c)
			m.calls[againAt[j]] = c
		}
	}
	for i, c := range m.calls {
		v, _, err := resp.Parse(c.reply)
		switch {
		case err != nil:
			return resp.AppendError(dst, "ERR bad reply from backend")
		case v.Kind == resp.Error:
			return append(dst, c.reply...)
		}
		var ok bool
		if srcs[i], ok = zsrcOf(v.Elems, m.zset && !slices.Contains(againAt, i), m.weights, i); !ok {
			return resp.AppendError(dst, "ERR bad reply from backend")
		}
	}
	members, scores := combineZ(srcs, m.op, m.agg)
	switch {
	case m.card:
		n := int64(len(members))
		if m.limit > 0 {
			n = min(n, m.limit)
		}
		return resp.AppendInt(dst, n)
	case m.dst != nil:
		return m.store(s, dst, members, scores)
	}
	if !m.zset {
		dst = resp.AppendArray(dst, len(members))
	} else if m.scores {
		dst = resp.AppendArray(dst, 2*len(members))
	} else {
		dst = resp.AppendArray(dst, len(members))
	}
	for i, mem := range members {
		dst = resp.AppendBulk(dst, mem)
		if m.zset && m.scores {
			dst = resp.AppendBulk(dst, resp.FormatDouble(scores[i]))
		}
	}
	return dst
}

// store replaces the destination with the result, in one transaction on
// its node, and answers the result's size.
func (m *zGather) store(s *session, dst []byte, members []string, scores []float64) []byte {
	be := s.p.routes.Load().slot(keyslot.Of(m.dst))
	if be == nil {
		return resp.AppendError(dst, errText(ErrNoRoute))
	}
	via := be.conn(s.id)
	var calls []*call
	add := func(args ...[]byte) {
		c := s.newCall(nil)
		c.own = resp.AppendCommand(c.own[:0], args...)
		c.req, c.be, c.via, c.slot = c.own, be, via, keyslot.Of(m.dst)
		calls = append(calls, c)
	}
	add([]byte("MULTI"))
	add([]byte("DEL"), m.dst)
	if len(members) > 0 {
		args := [][]byte{[]byte("ZADD"), m.dst}
		if !m.zset {
			args[0] = []byte("SADD")
		}
		for i, mem := range members {
			if m.zset {
				args = append(args, []byte(resp.FormatDouble(scores[i])))
			}
			args = append(args, []byte(mem))
		}
		add(args...)
	}
	add([]byte("EXEC"))
	s.roundTrip(calls...)
	for _, c := range calls {
		s.settle(c)
	}
	exec := calls[len(calls)-1]
	v, _, err := resp.Parse(exec.reply)
	if err != nil || v.Kind == resp.Error {
		for _, c := range calls {
			if len(c.reply) > 0 && c.reply[0] == '-' {
				return append(dst, c.reply...)
			}
		}
		return resp.AppendError(dst, "ERR bad reply from backend")
	}
	for _, e := range v.Elems {
		if e.Kind == resp.Error {
			return e.AppendTo(dst)
		}
	}
	return resp.AppendInt(dst, int64(len(members)))
}

// aggregate folds v into *t as Redis's AGGREGATE does.
func aggregate(t *float64, v float64, agg zargs.Agg) {
	switch agg {
	case zargs.Min:
		*t = min(*t, v)
	case zargs.Max:
		*t = max(*t, v)
	default:
		*t += v
		if math.IsNaN(*t) { // inf + -inf
			*t = 0
		}
	}
}

// weighted is a member's score times its source's weight, 0 for NaN (inf
// times 0), as Redis computes it.
func weighted(score, w float64) float64 {
	if v := score * w; !math.IsNaN(v) {
		return v
	}
	return 0
}

// combineZ computes op over srcs (in key order) and returns the members
// in sorted-set order (score, then member) with their scores. As in Redis,
// union and intersection visit the sources from the smallest.
func combineZ(srcs []zsrc, op setOp, agg zargs.Agg) ([]string, []float64) {
	acc := map[string]float64{}
	switch op {
	case setOpUnion:
		order := bySize(srcs)
		for _, src := range order {
			for j, mem := range src.members {
				v := weighted(src.scores[j], src.weight)
				if t, ok := acc[mem]; ok {
					aggregate(&t, v, agg)
					acc[mem] = t
				} else {
					acc[mem] = v
				}
			}
		}
	case setOpInter:
		order := bySize(srcs)
		others := make([]map[string]float64, len(order)-1)
		for i := range others {
			others[i] = order[i+1].index()
		}
	next:
		for j, mem := range order[0].members {
			t := weighted(order[0].scores[j], order[0].weight)
			for i, o := range others {
				sc, ok := o[mem]
				if !ok {
					continue next
				}
				aggregate(&t, weighted(sc, order[i+1].weight), agg)
			}
			acc[mem] = t
		}
	case setOpDiff:
		others := make([]map[string]float64, len(srcs)-1)
		for i := range others {
			others[i] = srcs[i+1].index()
		}
	skip:
		for j, mem := range srcs[0].members {
			for _, o := range others {
				if _, ok := o[mem]; ok {
					continue skip
				}
			}
			acc[mem] = srcs[0].scores[j]
		}
	}
	members := make([]string, 0, len(acc))
	for mem := range acc {
		members = append(members, mem)
	}
	slices.SortFunc(members, func(a, b string) int {
		if sa, sb := acc[a], acc[b]; sa != sb {
			if sa < sb {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	scores := make([]float64, len(members))
	for i, mem := range members {
		scores[i] = acc[mem]
	}
	return members, scores
}

// bySize returns srcs ordered by size, smallest first (stable).
func bySize(srcs []zsrc) []zsrc {
	order := slices.Clone(srcs)
	slices.SortStableFunc(order, func(a, b zsrc) int { return len(a.members) - len(b.members) })
	return order
}

// index maps a source's members to their scores.
func (z *zsrc) index() map[string]float64 {
	m := make(map[string]float64, len(z.members))
	for i, mem := range z.members {
		m[mem] = z.scores[i]
	}
	return m
}
