package main

import (
	"math"
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
// goMemFloor; GOMEMLIMIT in the environment wins, and no maxmemory (0)
// means no limit. It is set at start and again by CONFIG SET maxmemory
// (node.Config.MaxMemoryChanged).
func setGoMemoryLimit(maxmemory int64) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	if maxmemory <= 0 {
		debug.SetMemoryLimit(math.MaxInt64)
		return
	}
	debug.SetMemoryLimit(maxmemory + maxmemory/5 + goMemFloor)
}
