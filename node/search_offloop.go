package node

import (
	"github.com/vcache/vcache/internal/command"
)

// Searches off the event loops. FT.SEARCH, FT.AGGREGATE and FT.PROFILE
// (flagged command.Scans) take time that grows with the index they name:
// a GROUPBY over a million documents runs for a second, and an event
// loop running it would keep its other clients waiting that long. So an
// event loop hands the connection of such a command over an index of more
// than SearchOffLoopDocs documents to a goroutine of its own (as for
// WAIT: loop_linux.go), which runs it and gives the connection back once
// it is answered; the loop serves its other clients meanwhile.
//
// The search still answers as of one moment, though the writes of the
// loop's other clients now run beside it: it reads its documents after
// its match and checks, by the index's watch of the documents that
// change, that none it read changed in between, else reads again (or
// moves its moment forward), finishing with the keyspace held still
// after a few tries (vector/ft/view.go). Inside MULTI the command is
// queued, and EXEC runs it where it runs; a script runs it inline: in
// both, as in Redis, nothing else runs until it is done.

// defaultSearchOffLoopDocs is Config.SearchOffLoopDocs's default.
const defaultSearchOffLoopDocs = 10000

// searchOffLoop reports whether client cl's command line args (of e) is
// a search over an index large enough to be served off the loops.
func (n *Node) searchOffLoop(cl *client, e *cmdEntry, args [][]byte) bool {
	if !e.spec.Has(command.Scans) || cl != nil && cl.multi != nil || n.offLoopDocs < 0 {
		return false
	}
	i := e.spec.IndexArg
	if i <= 0 || i >= len(args) {
		return false
	}
	ix, err := n.search.Get(string(args[i]))
	return err == nil && ix.Size() > n.offLoopDocs
}
