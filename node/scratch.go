package node

import (
	"strconv"

	"github.com/vcache/vcache/internal/command"
)

// Scratch keys (command.ScratchMark): the proxy computes some commands
// whose keys span nodes by copying values to keys of its own for the
// length of one MULTI/EXEC on a node, which creates and deletes them. Users
// never see them: such an EXEC holds scratchGate exclusively while it runs,
// and KEYS, SCAN, RANDOMKEY and DBSIZE, which take no stripe (stripes.go),
// hold it shared, so they run wholly before or after the EXEC; keyspace
// notifications naming them are not published (notify.go); MONITOR and
// replicas do not see them either (below).
//
// Lock order: an EXEC takes its stripes, then the gate.

// scratchIn reports whether a transaction's commands name a scratch key
// (only the proxy's transactions across nodes, on connections holding
// VCACHE.TXLOCK, make them: others are not looked at).
func scratchIn(c *client, cmds []queued) bool {
	if c.txl == nil {
		return false
	}
	var buf [8]int
	for _, q := range cmds {
		for _, i := range q.e.spec.KeyPositions(q.args, buf[:0]) {
			if command.IsScratch(q.args[i]) {
				return true
			}
		}
	}
	return false
}

// seeNoScratch holds the gate shared for a command that looks at the
// whole keyspace and returns its release. Inside EXEC (which may hold it
// already) it holds nothing.
func (n *Node) seeNoScratch(cx *Ctx) func() {
	if cx.cl != nil && cx.cl.inExec {
		return func() {}
	}
	n.scratchGate.RLock()
	return n.scratchGate.RUnlock
}

// namesScratch reports whether the command line args of a transaction's
// connection names a scratch key.
func namesScratch(c *client, spec *command.Spec, args [][]byte) bool {
	if c.txl == nil {
		return false
	}
	var buf [8]int
	for _, i := range spec.KeyPositions(args, buf[:0]) {
		if command.IsScratch(args[i]) {
			return true
		}
	}
	return false
}

// Replicas and MONITOR never see a scratch key either. A command naming
// one is not shown to monitors, and it is not replicated as it ran:
// replicas apply the stream one command at a time, with no transaction
// around a scratch key's life, so they would hold it (and keep it, should
// the primary fail before the command that deletes it). Instead replicas
// receive what it did to the other keys it names (PFMERGE's destination,
// merged from scratch copies): each one it changed as RESTORE ... REPLACE
// ABSTTL of its value, or DEL when it is gone. The commands that write a
// scratch key only (its copy, STORE into it, its DEL) send nothing.

// scratchVers is the versions of a command's other keys before it ran.
type scratchVers struct {
	keys [][]byte
	vers []uint64
}

// scratchBefore returns the versions of the keys other than scratch keys
// that a command naming scratch keys names, or nil for any other command.
func (n *Node) scratchBefore(c *client, spec *command.Spec, args [][]byte) *scratchVers {
	if !namesScratch(c, spec, args) {
		return nil
	}
	sv := &scratchVers{}
	for _, i := range spec.KeyPositions(args, nil) {
		if k := args[i]; !command.IsScratch(k) {
			sv.keys = append(sv.keys, k)
			sv.vers = append(sv.vers, n.ks.KeyVersion(k))
		}
	}
	return sv
}

// scratchRepl appends to the replication stream, at slot, the effect of
// the command sv was taken for on its other keys (see above).
func (n *Node) scratchRepl(slot int, sv *scratchVers) {
	for i, k := range sv.keys {
		if n.ks.KeyVersion(k) == sv.vers[i] {
			continue
		}
		payload, ok, err := n.ks.Dump(k)
		switch {
		case err != nil:
			n.log.Error("a key written from scratch keys cannot be replicated", "key", string(k), "err", err)
		case !ok:
			n.repl.log.appendCommand(slot, [][]byte{[]byte("DEL"), k})
		default:
			at := max(n.ks.ExpireAt(k), 0)
			n.repl.log.appendCommand(slot, [][]byte{[]byte("RESTORE"), k, strconv.AppendInt(nil, at, 10), payload, []byte("REPLACE"), []byte("ABSTTL")})
		}
	}
}
