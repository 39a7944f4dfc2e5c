package vector

import "unsafe"

// prefetch asks the CPU to start loading lines cache lines from p on,
// without waiting for them: a graph search prefetches the next
// neighbour's vector while it measures the current one, as hnswlib does.
//
//go:noescape
func prefetch(p unsafe.Pointer, lines int)
