package cache

import "unsafe"

// A short key of a non-string kind lives in its objEntry's allocation,
// after the struct (whose key field points to it), rather than in one of
// its own: a key of up to 8 bytes fills the objEntry's 48-byte size class,
// one of up to 24 bytes takes the 64-byte class (instead of 48 and the
// key's 16 or 24 bytes). A longer key has its own allocation.

// objEntry8 and objEntry24 are an objEntry with room for a short key.
type (
	objEntry8 struct {
		objEntry
		k [8]byte
	}
	objEntry24 struct {
		objEntry
		k [24]byte
	}
)

// newObjEntry returns an objEntry holding key (its bytes copied).
func newObjEntry(key string) *objEntry {
	switch {
	case len(key) <= 8:
		o := new(objEntry8)
		copy(o.k[:], key)
		o.key = &o.k[0]
		return &o.objEntry
	case len(key) <= 24:
		o := new(objEntry24)
		copy(o.k[:], key)
		o.key = &o.k[0]
		return &o.objEntry
	}
	return &objEntry{key: unsafe.SliceData([]byte(key))}
}

// objEntryBytes is the heap bytes of an objEntry with a key of n bytes.
func objEntryBytes(n int) int64 {
	switch {
	case n <= 8:
		return sizeClass(int(unsafe.Sizeof(objEntry8{})))
	case n <= 24:
		return sizeClass(int(unsafe.Sizeof(objEntry24{})))
	}
	return entryOverhead + sizeClass(n)
}
