package node

import "github.com/vcache/vcache/internal/command"

// Scratch keys (command.ScratchMark): the proxy computes some commands
// whose keys span nodes by copying values to keys of its own for the
// length of one MULTI/EXEC on a node, which creates and deletes them. Users
// never see them: such an EXEC holds scratchGate exclusively while it runs,
// and KEYS, SCAN, RANDOMKEY and DBSIZE, which take no stripe (stripes.go),
// hold it shared, so they run wholly before or after the EXEC; keyspace
// notifications naming them are not published (notify.go). (The
// replication stream still carries them, as the EXEC's commands.)
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
