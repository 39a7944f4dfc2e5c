package cache

// Changes returns how many changes the keyspace has seen since it was
// made: every write, expiry, eviction or removal of a key counts once
// (a write that also changes a key's TTL, twice), and a flush once per
// slot that held keys. It only grows; the difference between two calls is what changed
// in between, which is how a node counts the changes a snapshot has not
// saved yet (INFO persistence's rdb_changes_since_last_save). It reads
// every slot's version without locking: changes made during the call
// may or may not be counted.
func (ks *Keyspace) Changes() uint64 {
	var n uint64
	for i := range ks.stripes {
		sh := &ks.stripes[i]
		for j := range sh.slots {
			n += sh.slots[j].ver.Load()
		}
	}
	return n
}
