package proxy

import (
	"slices"
	"strings"

	"github.com/vcache/vcache/internal/resp"
)

// Commands the proxy answers itself, inside a transaction. Redis queues
// CLIENT in MULTI as any command and runs it within EXEC. The proxy
// answers CLIENT itself (a node's CLIENT would name, list or pause the
// connections the proxy shares among its clients), so a queued CLIENT
// line (one its route's txLocal allows) is kept out of what the nodes
// run: once they have run EXEC, the proxy answers the queued lines, in
// queue order, and puts their replies in place in EXEC's. No command a
// node runs reads what they change, so this is as if they had run in
// their place, and CLIENT PAUSE starts when EXEC ends, as in Redis (the
// transaction's own commands after it run, a command that comes after
// EXEC, the same client's too, is held: serveFrom ends the round after an
// EXEC that starts a pause). When EXEC runs nothing (EXECABORT, a WATCHed
// key that changed) they do not run either.

// txLocalClient reports whether a CLIENT line may be queued in a
// transaction: all but TRACKING and CACHING, which change what the
// transaction's own reads do on the nodes, and REPLY, which the proxy
// does not serve.
func txLocalClient(args [][]byte) bool {
	switch strings.ToLower(string(args[1])) {
	case "tracking", "caching", "reply":
		return false
	}
	return true
}

// startsPause reports whether a command line of e, answered by the proxy,
// starts a client pause (CLIENT PAUSE): the commands after it must be
// looked at by the pause again.
func startsPause(e *entry, args [][]byte) bool {
	return e.txLocal != nil && e.spec.Name == "client" && len(args) > 2 && strings.EqualFold(string(args[1]), "pause")
}

// txQueueLocal queues a command the proxy answers once EXEC has run.
func (s *session) txQueueLocal(e *entry, cmd resp.Command) {
	tx := s.tx
	tx.locals = append(tx.locals, len(tx.queued))
	if startsPause(e, cmd.Args) {
		tx.pauses = true
	}
	_, shape := s.shape3(e, cmd.Args)
	s.txAppend(tx, -1, e, append([]byte(nil), cmd.Raw...), shape)
}

// isLocal reports whether queued command i is one the proxy answers.
func (tx *txState) isLocal(i int) bool { return slices.Contains(tx.locals, i) }

// runLocals answers the transaction's local commands, now that the nodes
// have run the rest, putting each reply (in the client's protocol, which
// RESP3 conversion keeps) at its place in elems.
func (s *session) runLocals(tx *txState, elems [][]byte) {
	for _, i := range tx.locals {
		v, _, err := resp.Parse(tx.queued[i])
		if err != nil {
			elems[i] = resp.AppendError(nil, msgInternal)
			continue
		}
		lo := len(s.local)
		s.inExec = true
		tx.entries[i].local(s, argsOf(v))
		s.inExec = false
		elems[i] = append([]byte(nil), s.local[lo:]...)
		s.local = s.local[:lo]
	}
}

// execReply turns a node's reply to a transaction's EXEC, one element per
// queued command it ran, into the client's: the local commands' replies
// in place (they run now) and split commands' parts merged. A reply that
// is not such an array (a null for a WATCH that failed, an error) is
// returned as it is, and the local commands do not run.
func (s *session) execReply(tx *txState, reply []byte) ([]byte, []resp.Shape) {
	if len(tx.locals) == 0 {
		return tx.combineExec(reply)
	}
	ran, ok := execArray(reply, len(tx.queued)-len(tx.locals))
	if !ok {
		return reply, tx.shapes
	}
	if ran == nil {
		return resp.AppendError(nil, "ERR bad reply from backend"), nil
	}
	elems := make([][]byte, len(tx.queued))
	j := 0
	for i := range elems {
		if !tx.isLocal(i) {
			elems[i] = ran[j]
			j++
		}
	}
	s.runLocals(tx, elems)
	return joinExec(tx.combineReplies(elems))
}

// execArray splits an EXEC reply into its elements when it is an array of
// n; ok is false when it is not (then the reply is the client's as it
// is), elems nil when it is malformed.
func execArray(reply []byte, n int) (elems [][]byte, ok bool) {
	if len(reply) == 0 || reply[0] != '*' {
		return nil, false
	}
	line, at, hdr := splitHeader(reply)
	count, num := resp.ParseInt(line)
	if !hdr || !num || count != int64(n) {
		return nil, false
	}
	elems = make([][]byte, n)
	for i := range elems {
		_, used, err := resp.Parse(reply[at:])
		if err != nil {
			return nil, true
		}
		elems[i] = reply[at : at+used]
		at += used
	}
	return elems, true
}

// joinExec makes EXEC's array of the client's commands' replies.
func joinExec(elems [][]byte, shapes []resp.Shape) ([]byte, []resp.Shape) {
	arr := resp.AppendArray(nil, len(elems))
	for _, e := range elems {
		arr = append(arr, e...)
	}
	return arr, shapes
}
