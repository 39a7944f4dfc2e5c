package cache

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

// mapBytes estimates a Go map of n entries whose slots take kv bytes, as
// the runtime's Swiss tables lay it out: a 48-byte header; up to 8
// entries, one group of 8 slots (8 control bytes first); beyond that,
// tables of groups whose slots are a power of two at most 7/8 full, each
// table at most 1024 slots, with a table struct each and a directory.
// Maps never shrink, so a map that lost entries is larger than this.
func mapBytes(n, kv int) int64 {
	const header, group, maxTable, tableStruct = 48, 8, 1024, 40
	grp := group + group*kv
	if n == 0 {
		return header
	}
	if n <= group {
		return header + sizeClass(grp)
	}
	slots := 2 * group
	for n*8 > slots*7 {
		slots *= 2
	}
	tables := max(slots/maxTable, 1)
	per := sizeClass(min(slots, maxTable) / group * grp)
	return header + int64(tables)*(per+tableStruct+8)
}

// sizeClasses are the Go allocator's small size classes.
var sizeClasses = [...]int{0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
	288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792,
	2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240,
	10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768}

// sizeClass returns the bytes an allocation of n bytes takes.
func sizeClass(n int) int64 {
	if n == 0 {
		return 0
	}
	if n > 32768 {
		return int64((n + 8191) &^ 8191)
	}
	lo, hi := 0, len(sizeClasses)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if sizeClasses[mid] < n {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return int64(sizeClasses[lo])
}
