// Package heapsize says what the Go allocator takes for an allocation or
// a map, so that the keyspace's and the indexes' memory estimates follow
// the heap (maxmemory compares them, and the process's memory limit
// follows the heap).
package heapsize

// sizeClasses are the Go allocator's small size classes.
var sizeClasses = [...]int{0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
	288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792,
	2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240,
	10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768}

// SizeClass returns the bytes an allocation of n bytes takes on the Go
// heap: its size class, or whole 8 KiB pages beyond 32 KiB.
func SizeClass(n int) int64 {
	if n <= 0 {
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

// MapBytes estimates a Go map that held at most n entries whose key and
// value take kv bytes, as the runtime's Swiss tables lay it out: a 48-byte
// header; up to 8 entries, one group of 8 slots (8 control bytes first);
// beyond that, tables of groups whose slots are a power of two at most
// 7/8 full, each table at most 1024 slots, with a table struct each and a
// directory. Maps never shrink, so n is the most the map held.
func MapBytes(n, kv int) int64 {
	const header, group, maxTable, tableStruct = 48, 8, 1024, 40
	grp := group + group*kv
	if n == 0 {
		return header
	}
	if n <= group {
		return header + SizeClass(grp)
	}
	slots := 2 * group
	for n*8 > slots*7 {
		slots *= 2
	}
	tables := max(slots/maxTable, 1)
	per := SizeClass(min(slots, maxTable) / group * grp)
	return header + int64(tables)*(per+tableStruct+8)
}
