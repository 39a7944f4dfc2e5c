package proxy

import (
	"strings"

	"github.com/vcache/vcache/internal/resp"
)

// proxyScript sends SCRIPT to every node, so that EVALSHA finds a loaded
// script whichever node its keys land on: LOAD and FLUSH need every
// node's success (the reply is the first node's), EXISTS answers 1 for a
// script only when every node has it, KILL succeeds when it stopped a
// script on some node.
func proxyScript(s *session, cmd resp.Command) (merger, string) {
	switch strings.ToLower(string(cmd.Args[1])) {
	case "exists":
		return s.fan(cmd, scriptExistsAll)
	case "kill":
		calls := s.fanout(cmd.Raw)
		if len(calls) == 0 {
			return nil, msgNoNodes
		}
		return &scriptKill{calls: calls}, ""
	}
	return fanAllOK(s, cmd)
}

// proxyFunction sends FUNCTION to every node, so that FCALL finds a library
// whichever node its keys land on: changes (LOAD, DELETE, FLUSH, RESTORE)
// need every node's success, reads (LIST, DUMP, STATS) answer the first
// node's reply, KILL succeeds when it stopped a function on some node.
func proxyFunction(s *session, cmd resp.Command) (merger, string) {
	if strings.EqualFold(string(cmd.Args[1]), "kill") {
		calls := s.fanout(cmd.Raw)
		if len(calls) == 0 {
			return nil, msgNoNodes
		}
		return &scriptKill{calls: calls}, ""
	}
	return fanAllOK(s, cmd)
}

// scriptExistsAll ANDs the nodes' SCRIPT EXISTS arrays.
func scriptExistsAll(vals []resp.Value, dst []byte) []byte {
	out := vals[0].Elems
	for i := range out {
		for _, v := range vals[1:] {
			if i >= len(v.Elems) || v.Elems[i].Int == 0 {
				out[i].Int = 0
			}
		}
	}
	return vals[0].AppendTo(dst)
}

// scriptKill answers OK if some node stopped its script, else the first
// node's reply (NOTBUSY, UNKILLABLE).
type scriptKill struct{ calls []*call }

func (m *scriptKill) merge(s *session, dst []byte) []byte {
	var first []byte
	for i, c := range m.calls {
		s.settle(c)
		if i == 0 {
			first = c.reply
		}
		if v, _, err := resp.Parse(c.reply); err == nil && v.Kind == resp.SimpleString {
			first = c.reply
		}
	}
	return append(dst, first...)
}
