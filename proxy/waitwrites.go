package proxy

import (
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/resp"
)

// WAIT through the proxy. A client's writes may be on any shard, so WAIT
// goes to every node and answers the smallest count: the writes are all on
// numreplicas replicas only when every node says so. A node answers for
// every write it has made, but only while it is in the map: a write that
// reached a node which then failed, followed (after the proxy moved to the
// new map, the command retried meanwhile) by a WAIT that only the new map's
// nodes answer, would be vouched for by nodes that never had it. So the
// session remembers the nodes it wrote to since its last WAIT, and a WAIT
// that cannot ask one of them answers 0.

// mayWrite reports whether e's command may write (and so a later WAIT must
// cover the nodes it reached): writes, scripts and transactions.
func mayWrite(e *entry) bool {
	return e != nil && (e.kind == kindTx || e.spec.Has(command.Write) || e.spec.Has(command.MayReplicate))
}

// noteWrites adds the nodes that this round's writes reached (with a reply
// that is not an error) to the session's nodes written since the last WAIT.
func (s *session) noteWrites() {
	for _, c := range s.used {
		if c.write && answered(c) {
			s.noteWrite(c.be)
		}
	}
}

// noteWrite adds b to the nodes written to since the last WAIT. The
// session's owner calls it: its goroutine, or the event loop serving it
// (which hands it to a goroutine only once every reply is in).
func (s *session) noteWrite(b *backend) {
	if b == s.wroteLast {
		return
	}
	s.wroteLast = b
	if s.wrote == nil {
		s.wrote = map[*backend]struct{}{}
	}
	s.wrote[b] = struct{}{}
}

// answered reports whether c reached its node and got a reply that is not
// an error.
func answered(c *call) bool {
	return c.be != nil && c.err == nil && len(c.reply) > 0 && c.reply[0] != '-'
}

func proxyWait(s *session, cmd resp.Command) (merger, string) {
	calls := s.fanout(cmd.Raw)
	if len(calls) == 0 {
		return nil, msgNoNodes
	}
	return &waitMerge{calls: calls}, ""
}

type waitMerge struct {
	calls []*call
}

func (m *waitMerge) merge(s *session, dst []byte) []byte {
	vals, errReply := s.settleAll(m.calls)
	if errReply != nil {
		return append(dst, errReply...)
	}
	least := vals[0].Int
	for i := range vals {
		least = min(least, vals[i].Int)
	}
	asked := make(map[*backend]bool, len(m.calls))
	for _, c := range m.calls {
		asked[c.be] = true
	}
	// Writes of this round before the WAIT (a pipeline) count too.
	s.noteWrites()
	for b := range s.wrote {
		if !asked[b] {
			least = 0 // a node written to is gone from the map
		}
	}
	clear(s.wrote)
	s.wroteLast = nil
	return resp.AppendInt(dst, least)
}
