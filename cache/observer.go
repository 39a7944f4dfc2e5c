package cache

// Reason says why a key was removed.
type Reason uint8

// Removal reasons.
const (
	ReasonDeleted Reason = iota + 1 // DEL, UNLINK, GETDEL, or overwritten by another type
	ReasonExpired
	ReasonEvicted
	ReasonRenamed // the old name of a renamed key
	ReasonFlush
	ReasonSlotDropped
)

// Observer hears about key changes, so indexes over hashes (the FT search
// indexes) stay consistent with the keyspace.
//
// Its methods are called synchronously while the key's stripe lock is held:
// what they do is atomic with the change from a client's point of view.
// They must be quick, must not block, must not call back into the
// Keyspace, and must not keep or modify fields after returning.
type Observer interface {
	// HashChanged is called after the hash at key was created or changed;
	// fields is its current content.
	HashChanged(key string, slot int, fields map[string][]byte)
	// KeyRemoved is called after key (of any type) was removed or
	// replaced by a value of another type.
	KeyRemoved(key string, slot int, why Reason)
}

// Custom is a value of a type the keyspace does not know (such as a vector
// set), stored under a key with TTLs, eviction and snapshots like any other.
type Custom interface {
	// TypeName is what TYPE answers and what snapshots record.
	TypeName() string
	// MemoryBytes estimates the value's heap bytes.
	MemoryBytes() int64
	// MarshalBinary encodes the value for a snapshot; Config.Decoders
	// reads it back.
	MarshalBinary() ([]byte, error)
}

// HashFilter may be implemented by an Observer: HashChanged is then
// called only for the keys WantsHash accepts, so a change to a packed
// hash (see hashpack.go) builds a map of its fields only when someone
// reads it. WantsHashes reports whether WantsHash may accept any key now:
// when it does not, a hash's change costs no call with its key.
type HashFilter interface {
	WantsHash(key string) bool
	WantsHashes() bool
}

// HashFieldPicker may be implemented by an Observer whose HashChanged
// reads only some fields of some hashes (an index reads its schema's):
// when HashFieldNames(key) reports ok, HashChanged gets just the fields
// of names that the hash has, so a change to a hash of many fields costs
// a lookup per name instead of a map of every field. names must not be
// modified; the keyspace does not keep it.
type HashFieldPicker interface {
	HashFieldNames(key string) (names []string, ok bool)
}

// hashChanged tells the observer the hash at key (a string or the
// command's bytes, turned into a string only for an observer that wants
// it) was created or changed.
func hashChanged[K string | []byte](ks *Keyspace, key K, slot int, e *entry) {
	if ks.observer == nil {
		return
	}
	f, ok := ks.observer.(HashFilter)
	if ok && !f.WantsHashes() {
		return
	}
	k := string(key)
	if ok && !f.WantsHash(k) {
		return
	}
	if p, ok := ks.observer.(HashFieldPicker); ok {
		if names, some := p.HashFieldNames(k); some {
			ks.observer.HashChanged(k, slot, e.view().pick(names))
			return
		}
	}
	ks.observer.HashChanged(k, slot, e.view().asMap())
}
