package cache

import "github.com/vcache/vcache/internal/keyslot"

// CountKeysInSlot returns the number of keys in slot.
func (ks *Keyspace) CountKeysInSlot(slot int) int {
	if slot < 0 || slot >= keyslot.Count {
		return 0
	}
	sh := &ks.stripes[slot&(numStripes-1)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.slots[slot>>stripeBits].n
}

// KeysInSlot returns up to count keys of slot.
func (ks *Keyspace) KeysInSlot(slot, count int) []string {
	if slot < 0 || slot >= keyslot.Count || count <= 0 {
		return nil
	}
	sh := &ks.stripes[slot&(numStripes-1)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	var out []string
	for k := range sh.slots[slot>>stripeBits].all() {
		if len(out) == count {
			break
		}
		out = append(out, k)
	}
	return out
}

// SlotMemory returns the accounted bytes of the keys in slot.
func (ks *Keyspace) SlotMemory(slot int) int64 {
	if slot < 0 || slot >= keyslot.Count {
		return 0
	}
	sh := &ks.stripes[slot&(numStripes-1)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return ks.table(slot).mem
}

// DropSlots removes every key of the given slots and returns how many.
func (ks *Keyspace) DropSlots(slots []int) int {
	n := 0
	for _, slot := range slots {
		if slot < 0 || slot >= keyslot.Count {
			continue
		}
		sh := &ks.stripes[slot&(numStripes-1)]
		sh.mu.Lock()
		for _, e := range sh.slots[slot>>stripeBits].entries() {
			ks.del(sh, slot, e.key(), e, ReasonSlotDropped)
			n++
		}
		sh.mu.Unlock()
	}
	return n
}
