package proxy

import (
	"math/rand/v2"
	"strconv"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/resp"
)

// Keyless commands that concern the whole keyspace go to every node and
// their replies are combined: DBSIZE adds, KEYS concatenates, FLUSHALL
// needs every node's OK, SCAN walks the nodes one after another.

const msgNoNodes = "CLUSTERDOWN no node serves any slot"

// fanout sends req to every serving node and returns the calls, in the
// router's node order; nil if there is no node.
func (s *session) fanout(req []byte) []*call {
	nodes := s.p.routes.Load().nodes
	calls := make([]*call, len(nodes))
	for i, b := range nodes {
		c := s.newCall(req)
		s.targetNode(c, b)
		calls[i] = c
	}
	return calls
}

// fanMerge combines the replies of one command sent to every node.
type fanMerge struct {
	calls   []*call
	combine func(vals []resp.Value, dst []byte) []byte
	// args, when set, is the command fanoutSlots sent before the slots
	// (slots_retry.go).
	args [][]byte
}

// merge settles every call and, unless one failed, combines the parsed
// replies. The first error reply wins.
func (m *fanMerge) merge(s *session, dst []byte) []byte {
	var vals []resp.Value
	var errReply []byte
	if m.args != nil {
		vals, errReply = s.settleSlots(m.calls, m.args)
	} else {
		vals, errReply = s.settleAll(m.calls)
	}
	if errReply != nil {
		return append(dst, errReply...)
	}
	return m.combine(vals, dst)
}

// settleAll settles calls and parses their replies; if any reply is an
// error it returns the first one's raw bytes instead.
func (s *session) settleAll(calls []*call) ([]resp.Value, []byte) {
	vals := make([]resp.Value, len(calls))
	var errReply []byte
	for i, c := range calls {
		s.settle(c)
		v, _, err := resp.Parse(c.reply)
		if err != nil {
			v = resp.Value{Kind: resp.Error, Str: []byte("ERR bad reply from backend")}
			c.reply = v.AppendTo(c.reply[:0])
		}
		if v.Kind == resp.Error && errReply == nil {
			errReply = c.reply
		}
		vals[i] = v
	}
	return vals, errReply
}

func (s *session) fan(cmd resp.Command, combine func([]resp.Value, []byte) []byte) (merger, string) {
	calls := s.fanout(cmd.Raw)
	if len(calls) == 0 {
		return nil, msgNoNodes
	}
	return &fanMerge{calls: calls, combine: combine}, ""
}

func proxyDBSize(s *session, cmd resp.Command) (merger, string) {
	return s.fan(cmd, func(vals []resp.Value, dst []byte) []byte {
		var n int64
		for i := range vals {
			n += vals[i].Int
		}
		return resp.AppendInt(dst, n)
	})
}

func proxyKeys(s *session, cmd resp.Command) (merger, string) {
	return s.fan(cmd, concatArrays)
}

func concatArrays(vals []resp.Value, dst []byte) []byte {
	n := 0
	for i := range vals {
		n += len(vals[i].Elems)
	}
	dst = resp.AppendArray(dst, n)
	for i := range vals {
		for j := range vals[i].Elems {
			dst = vals[i].Elems[j].AppendTo(dst)
		}
	}
	return dst
}

// The commands whose replies merge as fanAllOK's.
var (
	proxyFlushAll = fanAllOK
	proxyFlushDB  = fanAllOK
	proxySave     = fanAllOK
	proxyBGSave   = fanAllOK
)

// fanAllOK is for commands that must succeed everywhere (FLUSHALL, SAVE):
// the reply is the first node's, unless one failed.
func fanAllOK(s *session, cmd resp.Command) (merger, string) {
	return s.fan(cmd, func(vals []resp.Value, dst []byte) []byte { return vals[0].AppendTo(dst) })
}

func proxyRandomKey(s *session, cmd resp.Command) (merger, string) {
	return s.fan(cmd, func(vals []resp.Value, dst []byte) []byte {
		var keys []int
		for i := range vals {
			if !vals[i].Null {
				keys = append(keys, i)
			}
		}
		if len(keys) == 0 {
			return resp.AppendNull(dst)
		}
		return vals[keys[rand.IntN(len(keys))]].AppendTo(dst)
	})
}

// SCAN's cursor names a node and that node's cursor: the low bits are the
// node's index in the router's order, the rest is the node's own cursor.
// Cursor 0 starts at the first node; a node's cursor 0 moves on to the
// next node; after the last node the cursor is 0 again.
const scanNodeBits = 10

type scanMerge struct {
	c     *call
	node  int
	nodes int
}

func proxyScan(s *session, cmd resp.Command) (merger, string) {
	cur, ok := command.ParseScanCursor(cmd.Args[1])
	if !ok {
		return nil, msgInvalidCur
	}
	nodes := s.p.routes.Load().nodes
	if len(nodes) == 0 {
		return nil, msgNoNodes
	}
	if len(nodes) > 1<<scanNodeBits {
		return nil, "ERR too many nodes for SCAN through the proxy"
	}
	node := int(cur & (1<<scanNodeBits - 1))
	if node >= len(nodes) {
		// Not a cursor of ours (or of a map with more nodes): the scan
		// ends, as Redis ends one at a cursor past its table.
		return scanDone{}, ""
	}
	args := append([][]byte(nil), cmd.Args...)
	args[1] = strconv.AppendUint(nil, cur>>scanNodeBits, 10)
	c := s.newCall(nil)
	c.own = resp.AppendCommand(c.own[:0], args...)
	c.req = c.own
	s.targetNode(c, nodes[node])
	return &scanMerge{c: c, node: node, nodes: len(nodes)}, ""
}

// scanDone answers a finished scan: cursor 0, no keys.
type scanDone struct{}

func (scanDone) merge(_ *session, dst []byte) []byte {
	dst = resp.AppendArray(dst, 2)
	dst = resp.AppendBulk(dst, "0")
	return resp.AppendArray(dst, 0)
}

func (m *scanMerge) merge(s *session, dst []byte) []byte {
	s.settle(m.c)
	v, _, err := resp.Parse(m.c.reply)
	if err != nil || v.Kind != resp.Array || len(v.Elems) != 2 {
		return append(dst, m.c.reply...)
	}
	next, err := strconv.ParseUint(string(v.Elems[0].Str), 10, 64)
	if err != nil || next>>(64-scanNodeBits) != 0 {
		return resp.AppendError(dst, "ERR node cursor out of the proxy's range")
	}
	var cur uint64
	switch {
	case next != 0:
		cur = next<<scanNodeBits | uint64(m.node)
	case m.node+1 < m.nodes:
		cur = uint64(m.node + 1)
	}
	dst = resp.AppendArray(dst, 2)
	dst = resp.AppendBulk(dst, strconv.FormatUint(cur, 10))
	return v.Elems[1].AppendTo(dst)
}
