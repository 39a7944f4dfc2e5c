package ft

import "github.com/vcache/vcache/internal/keyslot"

// Per-slot document counts. In a cluster the proxy asks each node to
// count the documents of the slots it routes to that node (FT.INFO's
// num_docs); counting per slot keeps that at one pass over the slots,
// however many documents the index holds.

// countSlot adds d to the count of key's slot. mu must be held for
// writing.
func (ix *Index) countSlot(key string, d int32) {
	if ix.slotDocs == nil {
		ix.slotDocs = make([]int32, keyslot.Count)
	}
	ix.slotDocs[keyslot.OfString(key)] += d
	ix.size.Add(int64(d))
}

// CountInSlots returns how many documents of the index have keys in the
// hash slots in reports true for.
func (ix *Index) CountInSlots(in func(slot int) bool) int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.slotDocs == nil {
		return 0
	}
	n := 0
	for s, c := range ix.slotDocs {
		if c != 0 && in(s) {
			n += int(c)
		}
	}
	return n
}
