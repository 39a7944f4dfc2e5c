package proxy

import (
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/resp"
)

// Multi-key commands inside a transaction. MGET, MSET, DEL, UNLINK,
// EXISTS, TOUCH, JSON.MGET and JSON.MSET whose keys are in several slots
// are queued as one command per slot (each part runs on its node within
// the transaction, multi_nodes.go, or all on one node); EXEC's reply then
// combines the parts' replies into the one the client asked for, in its
// key order, as split commands outside transactions do (multikey.go).

// txSplit says how a command's keys are laid out and its parts merged.
type txSplit struct {
	step, tail int // keys every step words from position 1; tail words go to every part
	mode       mergeMode
}

// The commands a transaction may split (the table's txSplit).
var (
	txSplitMGet     = txSplit{1, 0, mergeArray}
	txSplitDel      = txSplit{1, 0, mergeSum}
	txSplitUnlink   = txSplit{1, 0, mergeSum}
	txSplitExists   = txSplit{1, 0, mergeSum}
	txSplitTouch    = txSplit{1, 0, mergeSum}
	txSplitMSet     = txSplit{2, 0, mergeOK}
	txSplitJSONMGet = txSplit{1, 1, mergeArray}
	txSplitJSONMSet = txSplit{3, 0, mergeOK}
)

// txCombine is one client command queued as several parts: queued
// commands at..at+n-1; key i of the client's command is key pos[i] of
// part part[i].
type txCombine struct {
	at, n     int
	mode      mergeMode
	part, pos []int32
}

// txSplitQueue queues a multi-key command whose keys are in several
// slots as one part per slot, and reports whether it did (false: the
// command is queued as any other).
func (s *session) txSplitQueue(e *entry, cmd resp.Command) bool {
	sp := e.txSplit
	args := cmd.Args
	if sp == nil || len(args) < 1+sp.step+sp.tail || (len(args)-1-sp.tail)%sp.step != 0 {
		return false
	}
	nkeys := (len(args) - 1 - sp.tail) / sp.step
	tx := s.tx
	comb := txCombine{at: len(tx.queued), mode: sp.mode, part: make([]int32, nkeys), pos: make([]int32, nkeys)}
	var partSlots []int
	var partKeys [][]int
	for i := range nkeys {
		slot := keyslot.Of(args[1+i*sp.step])
		p := 0
		for p < len(partSlots) && partSlots[p] != slot {
			p++
		}
		if p == len(partSlots) {
			partSlots = append(partSlots, slot)
			partKeys = append(partKeys, nil)
		}
		comb.part[i], comb.pos[i] = int32(p), int32(len(partKeys[p]))
		partKeys[p] = append(partKeys[p], i)
	}
	if len(partSlots) == 1 {
		return false
	}
	_, shape := s.shape3(e, args)
	for p, keys := range partKeys {
		req := resp.AppendArray(nil, 1+len(keys)*sp.step+sp.tail)
		req = resp.AppendBulk(req, args[0])
		for _, k := range keys {
			for w := range sp.step {
				req = resp.AppendBulk(req, args[1+k*sp.step+w])
			}
		}
		for _, a := range args[len(args)-sp.tail:] {
			req = resp.AppendBulk(req, a)
		}
		s.txAppend(tx, partSlots[p], e, req, shape)
	}
	comb.n = len(partKeys)
	tx.combines = append(tx.combines, comb)
	return true
}

// combineReplies turns the replies of the queued commands (one each) into
// those of the client's commands, merging split ones, with their RESP3
// shapes.
func (tx *txState) combineReplies(elems [][]byte) ([][]byte, []resp.Shape) {
	if len(tx.combines) == 0 {
		return elems, tx.shapes
	}
	out := make([][]byte, 0, len(elems))
	shapes := make([]resp.Shape, 0, len(elems))
	next := 0
	for i := 0; i < len(elems); {
		if next < len(tx.combines) && tx.combines[next].at == i {
			cb := &tx.combines[next]
			out = append(out, cb.merge(elems[i:i+cb.n]))
			shapes = append(shapes, tx.shapes[i])
			i += cb.n
			next++
			continue
		}
		out = append(out, elems[i])
		shapes = append(shapes, tx.shapes[i])
		i++
	}
	return out, shapes
}

// merge combines the parts' replies into the client command's reply.
func (cb *txCombine) merge(parts [][]byte) []byte {
	vals := make([]resp.Value, len(parts))
	for i, r := range parts {
		v, _, err := resp.Parse(r)
		if err != nil {
			return resp.AppendError(nil, "ERR bad reply from backend")
		}
		if v.Kind == resp.Error {
			return r
		}
		vals[i] = v
	}
	return appendMerged(nil, cb.mode, cb.part, cb.pos, vals)
}

// combineExec rewrites a node's EXEC reply (one element per queued
// command) into the client's; a reply that is not an array (a null for a
// WATCH that failed, an error) is returned as it is.
func (tx *txState) combineExec(reply []byte) ([]byte, []resp.Shape) {
	if len(tx.combines) == 0 || len(reply) == 0 || reply[0] != '*' {
		return reply, tx.shapes
	}
	line, n, ok := splitHeader(reply)
	count, ok2 := resp.ParseInt(line)
	if !ok || !ok2 || count != int64(len(tx.queued)) {
		return reply, tx.shapes
	}
	elems := make([][]byte, count)
	for i := range elems {
		_, used, err := resp.Parse(reply[n:])
		if err != nil {
			return resp.AppendError(nil, "ERR bad reply from backend"), nil
		}
		elems[i] = reply[n : n+used]
		n += used
	}
	out, shapes := tx.combineReplies(elems)
	arr := resp.AppendArray(nil, len(out))
	for _, e := range out {
		arr = append(arr, e...)
	}
	return arr, shapes
}
