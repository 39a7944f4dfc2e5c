package cache

// Memory accounting: the bytes a key costs on the Go heap, estimated from
// the allocations it makes, rounded up to the allocator's size classes.
// TestMemoryAccounting checks the estimate against the heap.

const (
	entryOverhead = 48 // the entry struct (48-byte size class)
	tableSlot     = 24 // a slot table's place (tag + pointer, 16 bytes) at average load
	volatileSlot  = 16 // the entry's slot in the volatile map
	hashSlot      = 64 // a field's slot in a hash map (string + slice headers) at average load
	hashMapBase   = 64 // a hash map's fixed part
)

// entrySize estimates key's and e's bytes, rounded up to a multiple of 8.
func entrySize(e *entry) int64 {
	n := int64(entryOverhead+tableSlot) + sizeClass(int(e.n))
	if e.exp != 0 {
		n += volatileSlot
	}
	switch e.kind() {
	case kindString:
	case kindHash:
		if ph, ok := e.obj.(packedHash); ok {
			n += ph.mem()
		} else {
			n += hashMapBase
			for f, v := range e.hashMap() {
				n += fieldSize(f, v)
			}
			if hx := hashExOf(e); hx != nil {
				n += hashExBytes(hx)
			}
		}
	case kindZSet:
		n += e.zsetVal().bytes
	case kindSet:
		n += e.setVal().bytes()
	case kindStream:
		n += e.streamVal().bytes()
	case kindCustom:
		n += e.customVal().MemoryBytes()
	case kindList:
		n += e.listVal().bytes()
	case kindJSON:
		n += e.jsonDoc().bytes
	}
	return (n + 7) &^ 7 // entry.mem8 keeps eighths
}

func fieldSize(f string, v []byte) int64 {
	return hashSlot + sizeClass(len(f)) + sizeClass(cap(v))
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
