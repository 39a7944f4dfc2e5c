package node

import "github.com/vcache/vcache/internal/command"

// While an FT index's HNSW buffer is full (its workers are behind the
// writers: vector/ft/tier.go), a write waits for room before it runs, so
// that it never waits holding its keys' stripes, and it waits off the
// event loops (offLoop sends it to the connection's goroutine), so that
// the loop's other clients, searches included, go on.

// ingestWaits reports whether the command must first wait for room: a
// write, EXEC or a script while a buffer is full.
func (n *Node) ingestWaits(spec *command.Spec) bool {
	return n.search.Backpressure() && (spec.Has(command.Write) || spec.Has(command.Exec) || spec.Script != 0)
}
