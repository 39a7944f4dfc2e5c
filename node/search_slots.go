package node

import (
	"slices"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/command"

	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/internal/keyslot"
)

// searchSlots takes the proxy's trailing ftargs.SlotsArg off an FT.SEARCH
// (args from the index on) and returns the arguments left and the slots
// the proxy routes to this node (nil when absent). The proxy's map is one
// partition of the slots: while a shard splits, the node it asks for a
// moving slot holds the slot's documents (the old primary, until its map
// changes and, after a split by promotion, as the new shard's replica;
// the promoted replica from the start), whatever this node's own map says
// at that moment, so every document is counted once and none is missed
// while the nodes learn the new map one after the other.
func searchSlots(args [][]byte) ([][]byte, *ftargs.SlotSet, error) {
	n := len(args)
	if n < 2 || !strings.EqualFold(string(args[n-2]), ftargs.SlotsArg) {
		return args, nil, nil
	}
	set, err := ftargs.ParseSlotSet(string(args[n-1]))
	if err != nil {
		return nil, nil, err
	}
	return args[:n-2], set, nil
}

// searchAdmit returns which documents an FT.SEARCH answers for: those in
// the proxy's slots when it gave them, else in a cluster those of the
// slots this node serves, else all (nil).
func searchAdmit(n *Node, slots *ftargs.SlotSet) func(key string) bool {
	if slots != nil {
		return func(key string) bool { return slots.Has(keyslot.OfString(key)) }
	}
	if n.Cluster() != nil {
		return n.owns
	}
	return nil
}

// infoSlots reads FT.INFO's arguments: the index alone, or with the
// proxy's ftargs.SlotsArg after it (then num_docs counts the documents of
// those slots, as FT.SEARCH answers for them). On a bad argument it has
// replied and returns false.
func infoSlots(cx *Ctx) (*ftargs.SlotSet, bool) {
	switch {
	case len(cx.Args) == 2:
		return nil, true
	case len(cx.Args) == 4 && strings.EqualFold(string(cx.Args[2]), ftargs.SlotsArg):
		set, err := ftargs.ParseSlotSet(string(cx.Args[3]))
		if err != nil {
			ftError(cx, err)
			return nil, false
		}
		return set, true
	}
	cx.Error(command.ArityError(cx.Name()))
	return nil, false
}

// slotsGone returns a slot of slots (the proxy's) that this node's map
// gives to a shard this node neither leads, replicates nor imports, or -1.
// Such a slot's documents are dropped here once the node sees that map (a
// split by copy hands its slots over, a split by promotion without this
// node as the new shard's replica), so a proxy still on an older map would
// miss them: it is told to ask again by a newer one.
func slotsGone(n *Node, slots *ftargs.SlotSet) int {
	cl := n.cl.Load()
	if slots == nil || cl == nil {
		return -1
	}
	m, self := cl.Map(), cl.Self()
	if m == nil {
		return -1
	}
	for _, sh := range m.Shards() {
		if sh.Primary == self || slices.Contains(sh.Replicas, self) {
			continue
		}
		for _, r := range sh.Slots {
			for s := r.Start; s <= r.End; s++ {
				if !slots.Has(s) {
					continue
				}
				if g, moving := m.MigrationOf(s); moving {
					if to, _ := m.Shard(g.To); to.Primary == self {
						continue
					}
				}
				return s
			}
		}
	}
	return -1
}

// refuseGone answers ftargs.SlotsGonePrefix and returns true when slots
// name a slot this node no longer holds (slotsGone).
func refuseGone(cx *Ctx, slots *ftargs.SlotSet) bool {
	s := slotsGone(cx.Node, slots)
	if s < 0 {
		return false
	}
	cx.Error(ftargs.SlotsGonePrefix + " " + strconv.Itoa(s) + " is no longer on this node")
	return true
}
