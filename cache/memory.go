package cache

import "github.com/vcache/vcache/internal/heapsize"

// Memory accounting: the bytes a key costs on the Go heap, estimated from
// the allocations it makes, rounded up to the allocator's size classes.
// TestMemoryAccounting checks the estimate against the heap.

const (
	entryOverhead = 48 // an objEntry (48-byte size class)
	tableSlot     = 16 // a slot table's place (tag + pointer, 9 bytes) at average load
	volatileSlot  = 24 // the entry's slot in the volatile map (pointer + expiry, 16 bytes) at average load
)

// entrySize estimates key's and e's bytes, rounded up to a multiple of 8.
func entrySize(e *entry) int64 {
	var n int64 = tableSlot
	if e.hasTTL() {
		n += volatileSlot
	}
	if !e.isObj() { // header, key and value in one allocation (newString)
		return n + sizeClass((entryHdr+int(e.n&nMask)+3)&^3)
	}
	n += objEntryBytes(int(e.meta >> kindBits))
	switch e.kind() {
	case kindString:
	case kindHash:
		if ph, ok := e.object().(packedHash); ok {
			n += ph.mem()
		} else {
			n += e.hashTab().mem()
			if hx := hashExOf(e); hx != nil {
				n += hashExBytes(hx)
			}
		}
	case kindZSet:
		if zs, ok := e.object().(zsmall); ok {
			n += zs.mem()
		} else {
			n += e.zsetVal().mem()
		}
	case kindSet:
		if ss, ok := e.object().(ssmall); ok {
			n += ss.mem()
		} else {
			n += e.setVal().bytes()
		}
	case kindStream:
		n += e.streamVal().bytes()
	case kindCustom:
		n += e.customVal().MemoryBytes()
	case kindList:
		n += listMem(e)
	case kindJSON:
		n += e.jsonDoc().bytes
	}
	return (n + 7) &^ 7 // entry.mem8 keeps eighths
}

// sizeClass returns the bytes an allocation of n bytes takes
// (heapsize.SizeClass).
func sizeClass(n int) int64 { return heapsize.SizeClass(n) }
