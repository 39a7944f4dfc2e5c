package main

import (
	"os"
	"runtime/debug"
)

// goMemFloor is what a node needs beside its accounted memory: the
// runtime, connection buffers, command parsing garbage, an index's arrays
// while they are copied to grow.
const goMemFloor = 16 << 20

// setGoMemoryLimit makes the Go runtime's soft memory limit follow
// maxmemory (the sum of the process's nodes' limits): with GOGC's default
// alone the heap grows to twice what is live before a collection, so RSS
// would reach about twice maxmemory. The limit is maxmemory + 20% +
// goMemFloor; GOMEMLIMIT in the environment wins, and no maxmemory sets
// nothing. It is set once at start: CONFIG SET maxmemory does not move it.
func setGoMemoryLimit(maxmemory int64) {
	if maxmemory <= 0 || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(maxmemory + maxmemory/5 + goMemFloor)
}
