//go:build !linux

package node

// busyNanos: without event loops there is no busy time to read.
func (s *server) busyNanos() (nanos int64, serving int, ok bool) { return 0, 0, false }
