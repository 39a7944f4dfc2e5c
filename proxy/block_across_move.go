package proxy

import (
	"strings"
	"time"

	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/resp"
)

// BLMOVE and BRPOPLPUSH whose source and destination are on different
// nodes. The client waits as a BLPOP of the source alone does
// (block_across.go: a wake-up on the source's node, its turn among the
// proxy's clients blocked on that key, its timeout), and each attempt is
// a transaction across the two nodes (multi_compute.go) that moves the
// element in steps, both keys locked from the first to the last:
//
//  1. TYPE of both keys, and the element at the source's end. No source:
//     nothing (the client waits on). A source of another type: WRONGTYPE
//     when the command comes, else nothing, as a client blocked in Redis
//     passes over it. A destination of another type: WRONGTYPE, the
//     source untouched (Redis answers a blocked BLMOVE so too).
//  2. The pop, on the source's node.
//  3. The push of the element, on the destination's node.
//
// The element is answered only once the push is known to have run. A
// node that does not confirm its step (gone, or so slow that the proxy
// closed the connection, or that its lock's lease ran out, which runs
// nothing there) leaves the outcome unknown; the proxy then asks that
// node, on another connection, how many of the transaction's MULTI/EXECs
// ran there (VCACHE.TXRAN, node/txran.go), which it answers once the old
// connection's lock is gone, when nothing more can run under it. A push
// that ran: the move is answered. A push that did not run, or a pop that
// ran but could not be confirmed: the element is pushed back to the end
// of the source it came from, and the client gets the error. So the
// element is in exactly one of the two lists, unless a node cannot be
// asked at all (an error, logged).

// bmoveAcross is BLMOVE src dst LEFT|RIGHT LEFT|RIGHT timeout and
// BRPOPLPUSH src dst timeout: the ends are checked before the timeout, as
// Redis does.
func bmoveAcross(args [][]byte, pos []int) (*xblock, string) {
	m := &txBMove{src: args[1], dst: args[2], from: "RIGHT", to: "LEFT"}
	at := 3
	if strings.EqualFold(string(args[0]), "blmove") {
		if len(args) != 6 {
			return nil, "ERR syntax error"
		}
		m.from, m.to = strings.ToUpper(string(args[3])), strings.ToUpper(string(args[4]))
		for _, w := range []string{m.from, m.to} {
			if w != "LEFT" && w != "RIGHT" {
				return nil, "ERR syntax error"
			}
		}
		at = 5
	}
	timeout, msg := parseSeconds(args[at])
	if msg != "" {
		return nil, msg
	}
	return &xblock{keys: [][]byte{m.src}, timeout: timeout, pop: func(retry bool, skip []bool) txCompute {
		// The source is the only key waited on: a client that blocked on
		// it before has the first claim to what comes there; then only
		// the first attempt runs, for Redis's errors, and moves nothing.
		pass := len(skip) > 0 && skip[0]
		return &txBMove{src: m.src, dst: m.dst, from: m.from, to: m.to, retry: retry, pass: pass}
	}}, ""
}

// txBMove is one attempt of a BLMOVE across nodes, in the steps above.
type txBMove struct {
	src, dst []byte
	from, to string
	retry    bool
	pass     bool // another client has the first claim: nothing is moved
	step     int  // 0: TYPE; 1: pop; 2: push; 3: done
	elem     []byte
	// unsure is the key whose node did not confirm its step (settleMove).
	unsure []byte
	lockID string
}

// execsDone is the MULTI/EXECs each node has run once its step is done:
// the source's node the first step's reads, then the pop; the
// destination's node its TYPE, then the push.
const execsDone = 2

func (m *txBMove) keys() [][]byte { return [][]byte{m.src, m.dst} }

// end returns the command popping from (push false) or pushing to an end.
func end(where string, push bool) []byte {
	switch {
	case where == "LEFT" && push:
		return []byte("LPUSH")
	case where == "LEFT":
		return []byte("LPOP")
	case push:
		return []byte("RPUSH")
	}
	return []byte("RPOP")
}

func (m *txBMove) reads() []txRead {
	switch m.step {
	case 1:
		return []txRead{{m.src, [][]byte{end(m.from, false), m.src}}}
	case 2:
		return []txRead{{m.dst, [][]byte{end(m.to, true), m.dst, m.elem}}}
	}
	at := "0"
	if m.from == "RIGHT" {
		at = "-1"
	}
	return []txRead{
		{m.src, [][]byte{[]byte("TYPE"), m.src}},
		{m.dst, [][]byte{[]byte("TYPE"), m.dst}},
		{m.src, [][]byte{[]byte("LINDEX"), m.src, []byte(at)}},
	}
}

func (m *txBMove) result(r [][]byte) ([]byte, []txWrite) {
	step := m.step
	m.step = 3
	switch step {
	case 0:
		for _, x := range r {
			if isErr(x) && !strings.HasPrefix(string(x), "-WRONGTYPE") {
				return x, nil
			}
		}
		src, dst := string(r[0]), string(r[1])
		switch {
		case src == "+none\r\n" || src != "+list\r\n" && m.retry:
			return resp.AppendNullArray(nil), nil
		case src != "+list\r\n":
			return resp.AppendError(nil, msgWrongType), nil
		case m.pass:
			return resp.AppendNullArray(nil), nil
		case dst != "+list\r\n" && dst != "+none\r\n":
			return resp.AppendError(nil, msgWrongType), nil
		}
		v, _, err := resp.Parse(r[2])
		if err != nil || v.Kind != resp.BulkString {
			return resp.AppendError(nil, "ERR bad reply from backend"), nil
		}
		m.elem, m.step = v.Str, 1
		return nil, nil
	case 1:
		if v, _, err := resp.Parse(r[0]); err == nil && v.Kind == resp.BulkString {
			m.step = 2
			return nil, nil
		}
		m.unsure = m.src
	default:
		if len(r[0]) > 0 && r[0][0] == ':' {
			return resp.AppendBulk(nil, m.elem), nil
		}
		m.unsure = m.dst
	}
	if !isErr(r[0]) {
		return resp.AppendError(nil, "ERR bad reply from backend"), nil
	}
	return r[0], nil
}

func (m *txBMove) then() txCompute {
	if m.step < 3 {
		return m
	}
	return nil
}

// settleMove returns the reply of attempt m, whose transaction answered
// reply, once a step its node did not confirm is known (see above).
func (s *session) settleMove(m *txBMove, reply []byte) []byte {
	if m.unsure == nil {
		return reply
	}
	got, ok := s.askRan(m.unsure, m.lockID)
	n, isInt := int64(0), false
	if ok && len(got) > 1 && got[0] == ':' {
		n, isInt = resp.ParseInt(got[1 : len(got)-2])
	}
	ran := isInt && n >= execsDone
	switch {
	case !isInt || n < 0:
		s.p.log.Error("a move across nodes may have lost an element: a node cannot tell whether its step ran",
			"source", string(m.src), "destination", string(m.dst), "unsure", string(m.unsure), "reply", string(got))
		return reply
	case ran && string(m.unsure) == string(m.dst):
		return resp.AppendBulk(nil, m.elem)
	case !ran && string(m.unsure) == string(m.src):
		return reply // nothing was popped
	}
	// Popped, not pushed: the element goes back where it came from.
	if got, ok := s.plainCall(m.src, false, end(m.from, true), m.src, m.elem); !ok || got[0] != ':' {
		s.p.log.Error("a move across nodes could not push an element back to its source", "source", string(m.src), "reply", string(got))
	}
	return reply
}

// askRan asks key's node how many MULTI/EXECs ran under lock id
// (VCACHE.TXRAN), on a blocking connection: the node answers once the
// lock is released, up to its lease after the transaction began, longer
// than the proxy waits for a reply on its other connections. It asks
// again (up to three times) after a failed connection.
func (s *session) askRan(key []byte, id string) (reply []byte, ok bool) {
	req := resp.AppendCommand(nil, "VCACHE.TXRAN", id, string(key))
	slot := keyslot.Of(key)
	for try := 0; try < 3; try++ {
		be := s.p.routes.Load().slot(slot)
		if be == nil {
			return nil, false
		}
		bk, err := be.takeBlocking()
		if err != nil {
			return nil, false
		}
		c := s.newCall(req)
		c.slot, c.be, c.via = slot, be, bk.bc
		s.enqueue(c)
		s.dispatch()
		late := make(chan struct{})
		tm := time.AfterFunc(txLease+s.p.cfg.ReplyTimeout, func() { close(late) })
		answered := s.w.waitOr(late)
		tm.Stop()
		if !answered {
			bk.bc.close() // fails the call, which ends the wait
			<-s.w.ch
		}
		reply, err = append([]byte(nil), c.reply...), c.err
		s.w.begin()
		be.putBlocking(bk, answered && err == nil)
		if class, _ := classify(reply); err == nil && class == replyFinal {
			return reply, true
		}
		s.p.refreshSoon()
	}
	return nil, false
}

// plainCall sends one command to key's node and returns its reply. It is sent
// again (up to three times) while the node answers that it did not run
// it (a slot moving), and, when idempotent, after a failed connection
// too; ok is false when no reply says what happened.
func (s *session) plainCall(key []byte, idempotent bool, args ...[]byte) (reply []byte, ok bool) {
	req := resp.AppendCommand(nil, args...)
	slot := keyslot.Of(key)
	for try := 0; try < 3; try++ {
		be := s.p.routes.Load().slot(slot)
		if be == nil {
			return nil, false
		}
		bc, _ := s.p.txConn(be)
		c := s.newCall(req)
		c.slot, c.be, c.via = slot, be, bc
		s.roundTrip(c)
		reply, err := append([]byte(nil), c.reply...), c.err
		s.w.begin()
		s.p.txDone(bc, err == nil)
		class, _ := classify(reply)
		switch {
		case err == nil && class == replyFinal:
			return reply, true
		case err != nil && !idempotent:
			return nil, false
		}
		s.p.refreshSoon()
	}
	return nil, false
}
