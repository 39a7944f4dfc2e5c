package proxy

import (
	"bytes"
	"time"

	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/internal/resp"
)

// settleSlots is settleAll for calls that fanoutSlots(args) sent. While a
// node answers that the slots it was given include one its own map has
// moved away (ftargs.SlotsGonePrefix: the node has dropped, or is about
// to drop, that slot's documents, and the proxy's map is older), it waits
// until the proxy's map routes the slots otherwise and sends args again
// by it, within RetryDeadline; then the client gets the node's error.
// Without args (FT.PROFILE) there is no retry.
func (s *session) settleSlots(calls []*call, args [][]byte) ([]resp.Value, []byte) {
	var deadline time.Time
	backoff := 2 * time.Millisecond
	for {
		vals, errReply := s.settleAll(calls)
		if args == nil || errReply == nil || !bytes.HasPrefix(errReply, []byte("-"+ftargs.SlotsGonePrefix)) {
			return vals, errReply
		}
		now := time.Now()
		if deadline.IsZero() {
			deadline = now.Add(s.p.cfg.RetryDeadline)
		}
		if !now.Before(deadline) {
			return vals, errReply
		}
		s.p.stats.retries.Add(1)
		s.p.refreshSoon()
		next := s.slotCalls(args)
		for sameCalls(calls, next) && time.Now().Before(deadline) {
			if !s.sleep(min(backoff, time.Until(deadline))) {
				return vals, errReply // shutting down
			}
			backoff = min(2*backoff, 100*time.Millisecond)
			next = s.slotCalls(args)
		}
		if len(next) == 0 {
			return nil, resp.AppendError(nil, msgNoNodes)
		}
		calls = next
		s.roundTrip(calls...)
	}
}

// sameCalls reports whether b sends what a sent, to the same nodes.
func sameCalls(a, b []*call) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].be != b[i].be || !bytes.Equal(a[i].req, b[i].req) {
			return false
		}
	}
	return true
}
