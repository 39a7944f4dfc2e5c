package prefetch

import "unsafe"

// Lines starts loading lines cache lines from p on, without waiting for
// them. p need not be valid memory: a prefetch never faults.
//
//go:noescape
func Lines(p unsafe.Pointer, lines int)
