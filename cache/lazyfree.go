package cache

// FreeEffort is how much work Redis would estimate freeing the value at
// key takes (lazyfreeGetFreeEffort): the allocations of a list's nodes, a
// hashtable set's or hash's elements, a skiplist's members, a stream's
// nodes and its groups' pending entries; 1 for any other value and 0 for
// a missing key. UNLINK and FLUSHDB ASYNC count a value as freed lazily
// when it is over LazyFreeThreshold, as Redis does. It does not count as
// an access.
func (ks *Keyspace) FreeEffort(key []byte) int {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	if e == nil {
		return 0
	}
	switch e.kind() {
	case kindList:
		if l := e.listVal(); l != nil {
			return len(l.chunks)
		}
	case kindSet:
		if s := e.setVal(); !s.isIntset() {
			return s.len()
		}
	case kindZSet:
		if _, small := e.object().(zsmall); !small && !e.zsetVal().packed() {
			return e.zsetVal().card()
		}
	case kindHash:
		if !e.isPacked() {
			return e.view().len()
		}
	case kindStream:
		s := e.streamVal()
		n := len(s.nodes)
		if len(s.groups) > 0 {
			n += len(s.groups) * (1 + len(s.groups[0].pel))
		}
		return n
	}
	return 1
}

// LazyFreeThreshold is Redis's LAZYFREE_THRESHOLD: a value whose free
// effort is over it is freed in the background by UNLINK.
const LazyFreeThreshold = 64
