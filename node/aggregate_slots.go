package node

import (
	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/internal/keyslot"
)

// aggregateAdmit returns which documents an FT.AGGREGATE counts: those
// in the slots the proxy gave (ftargs.SlotsArg: the proxy's map is one
// partition, so a document two nodes hold during a split counts once),
// else in a cluster those of the slots this node serves, else all (nil).
func aggregateAdmit(n *Node, slots *ftargs.SlotSet) func(key string) bool {
	if slots != nil {
		return func(key string) bool { return slots.Has(keyslot.OfString(key)) }
	}
	if n.Cluster() != nil {
		return n.owns
	}
	return nil
}
