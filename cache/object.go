package cache

// Encoding returns what OBJECT ENCODING answers for the value at key (the
// name of Redis 7.0's encoding that matches vcache's representation: lists
// are always "quicklist" there), and false when the key is missing. It
// does not count as an access.
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
		v := e.str()
		if len(v) <= 20 {
			if isRedisInt(v) {
				return "int", true
			}
		}
		if len(v) <= 44 {
			return "embstr", true
		}
		return "raw", true
	case kindHash:
		h := e.hashMap()
		if len(h) > 128 {
			return "hashtable", true
		}
		for f, v := range h {
			if len(f) > 64 || len(v) > 64 {
				return "hashtable", true
			}
		}
		return "listpack", true
	case kindList:
		return "quicklist", true
	}
	return "raw", true
}

// isRedisInt reports whether b is an integer as Redis writes one (no
// sign but '-', no leading zeros).
func isRedisInt(b []byte) bool {
	_, err := ParseInt(b)
	return err == nil
}
