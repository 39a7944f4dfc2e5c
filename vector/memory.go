package vector

import (
	"unsafe"

	"github.com/vcache/vcache/internal/heapsize"
)

// Heap sizes, for the indexes' MemoryBytes and for the structures built on
// them (vector sets): what the Go allocator really takes for an
// allocation or a map, so that estimates follow the heap (maxmemory
// compares them, and the process's memory limit follows the heap).

// SizeClass returns the bytes an allocation of n bytes takes on the Go
// heap (heapsize.SizeClass).
func SizeClass(n int) int64 { return heapsize.SizeClass(n) }

// MapBytes estimates a Go map that held at most n entries whose key and
// value take kv bytes (heapsize.MapBytes).
func MapBytes(n, kv int) int64 { return heapsize.MapBytes(n, kv) }

// arrayBytes is what the array of s takes on the heap (its capacity,
// rounded up to the size class).
func arrayBytes[T any](s []T) int64 {
	var z T
	return SizeClass(cap(s) * int(unsafe.Sizeof(z)))
}

// chunksBytes is what chunks (hnsw_chunks.go) take on the heap: each
// chunk's array and the list of them.
func chunksBytes[T any](chunks [][]T) int64 {
	n := arrayBytes(chunks)
	for _, c := range chunks {
		n += arrayBytes(c)
	}
	return n
}
