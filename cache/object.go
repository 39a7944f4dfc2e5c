package cache

// Encoding returns what OBJECT ENCODING answers for the value at key (the
// name of Redis's encoding that matches vcache's representation), and
// false when the key is missing. It does not count as an access.
func (ks *Keyspace) Encoding(key []byte) (string, bool) {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	if e == nil {
		return "", false
	}
	switch e.kind() {
	case kindString:
		if e.isRaw() {
			return "raw", true
		}
		return stringEncoding(e.str()), true
	case kindHash:
		if e.isPacked() {
			return "listpack", true
		}
		return "hashtable", true
	case kindSet:
		if e.setVal().isIntset() {
			return "intset", true
		}
		return "hashtable", true
	case kindZSet:
		if _, ok := e.object().(zsmall); ok || e.zsetVal().packed() {
			return "listpack", true
		}
		return "skiplist", true
	case kindList:
		return "quicklist", true
	case kindStream:
		return "stream", true
	}
	return "raw", true
}

// stringEncoding names a string's encoding as Redis would: an integer,
// a short string or a long one.
func stringEncoding(v []byte) string {
	if _, ok := canonicalInt(string(v)); ok {
		return "int"
	}
	if len(v) <= 44 {
		return "embstr"
	}
	return "raw"
}
