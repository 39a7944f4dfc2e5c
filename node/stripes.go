package node

import (
	"math/bits"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/keyslot"
)

// Stripes: the keyspace's slots fall into replStripes stripes (slot %
// replStripes, as the keyspace's lock shards). A command locks the stripes
// of its keys for as long as it runs — shared for reads, exclusive for
// writes — and EXEC locks every stripe its queued commands and WATCHed
// keys touch, exclusively and in ascending order, so a transaction is
// isolated from other clients' keyed commands. Commands without keys
// (KEYS, SCAN, DBSIZE, FT.SEARCH) take no stripe and may see a
// transaction half done.

// allStripes is the mask of every stripe.
const allStripes = ^uint64(0)

// stripeMask returns the stripes of the command's keys (0: no keys); slot
// is the first key's slot when the caller knows it (else -1).
func stripeMask(spec *command.Spec, args [][]byte, slot int) uint64 {
	first, last, step := spec.KeyRange(len(args))
	if first == 0 && !spec.Movable() {
		return 0
	}
	var m uint64
	if first != 0 {
		if slot < 0 {
			slot = keyslot.Of(args[first])
		}
		m = uint64(1) << (slot % replStripes)
		for i := first + step; i <= last; i += step {
			m |= 1 << (keyslot.Of(args[i]) % replStripes)
		}
	}
	if spec.Movable() { // ZUNION's numkeys keys, XREAD's after STREAMS, SORT's STORE key
		for _, i := range spec.KeyPositions(args, nil) {
			m |= 1 << (keyslot.Of(args[i]) % replStripes)
		}
	}
	return m
}

// lockStripes locks the stripes of mask in ascending order.
func (n *Node) lockStripes(mask uint64, write bool) {
	for m := mask; m != 0; m &= m - 1 {
		mu := &n.repl.stripes[bits.TrailingZeros64(m)]
		if write {
			mu.Lock()
		} else {
			mu.RLock()
		}
	}
}

// unlockStripes undoes lockStripes.
func (n *Node) unlockStripes(mask uint64, write bool) {
	for m := mask; m != 0; m &= m - 1 {
		mu := &n.repl.stripes[bits.TrailingZeros64(m)]
		if write {
			mu.Unlock()
		} else {
			mu.RUnlock()
		}
	}
}
