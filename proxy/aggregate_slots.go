package proxy

import (
	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/internal/resp"
)

// fanoutSlots sends args to every node with, last, ftargs.SlotsArg and
// the slots the route table gives that node: a document that two nodes
// hold while a shard splits or a replica is promoted then counts on one
// of them only, in the groups, the reducers and the total.
func (s *session) fanoutSlots(args [][]byte) []*call {
	calls := s.slotCalls(args)
	for _, c := range calls {
		s.enqueue(c)
	}
	return calls
}

// slotCalls makes fanoutSlots's calls without queueing them.
func (s *session) slotCalls(args [][]byte) []*call {
	rt := s.p.routes.Load()
	sets := make(map[*backend]*ftargs.SlotSet, len(rt.nodes))
	for _, b := range rt.nodes {
		sets[b] = &ftargs.SlotSet{}
	}
	for slot := range rt.slots {
		if b := rt.slot(slot); b != nil && sets[b] != nil {
			sets[b].Add(slot)
		}
	}
	n := len(args)
	args = append(args, []byte(ftargs.SlotsArg), nil)
	calls := make([]*call, len(rt.nodes))
	for i, b := range rt.nodes {
		args[n+1] = []byte(sets[b].String())
		own := s.newCall(nil)
		own.own = resp.AppendCommand(own.own[:0], args...)
		c := s.newCall(own.own)
		c.slot, c.be = -1, b
		calls[i] = c
	}
	return calls
}
