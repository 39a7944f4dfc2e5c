//go:build !amd64

package prefetch

import "unsafe"

// Lines does nothing where vcache has no prefetch instruction.
func Lines(p unsafe.Pointer, lines int) {}
