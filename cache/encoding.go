package cache

// Encoding returns OBJECT ENCODING's answer for key, named as Redis 7.0
// names its encodings ("" when the key is missing). Lists are always
// "quicklist" there; strings and hashes get the name Redis would give
// the same value.
func (ks *Keyspace) Encoding(key []byte) string {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	if e == nil {
		return ""
	}
	switch e.kind() {
	case kindString:
		v := e.str()
		if len(v) <= 20 {
			if isRedisInt(v) {
				return "int"
			}
		}
		if len(v) <= 44 {
			return "embstr"
		}
		return "raw"
	case kindHash:
		h := e.hashMap()
		if len(h) > 128 {
			return "hashtable"
		}
		for f, v := range h {
			if len(f) > 64 || len(v) > 64 {
				return "hashtable"
			}
		}
		return "listpack"
	case kindList:
		return "quicklist"
	}
	return "raw"
}

// isRedisInt reports whether b is an integer as Redis writes one (no
// sign but '-', no leading zeros).
func isRedisInt(b []byte) bool {
	_, err := ParseInt(b)
	return err == nil
}
