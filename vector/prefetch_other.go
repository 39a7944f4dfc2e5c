//go:build !amd64

package vector

import "unsafe"

// prefetch does nothing where vcache has no prefetch instruction.
func prefetch(p unsafe.Pointer, lines int) {}
