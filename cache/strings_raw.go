package cache

// entryRaw in a kindString entry's flags marks a value Redis would hold
// in its "raw" encoding whatever its bytes: one modified in place by
// APPEND, SETRANGE, SETBIT or BITFIELD (Redis unshares such a value into
// a raw string, and OBJECT ENCODING says so). A value stored anew (SET,
// INCR, ...: setStr) is not marked.

// rawWhen says when modifyStringAs marks the value it stores raw.
type rawWhen uint8

const (
	rawNever      rawWhen = iota
	rawIfExisting         // APPEND: a new key is encoded like SET's value
	rawAlways             // SETRANGE: a new key is a raw string too
)

func (e *entry) markRaw() { e.n |= entryRaw }

func (e *entry) isRaw() bool { return e.n&entryRaw != 0 }
