//go:build linux

package node

// busyNanos sums the event loops' busy time; ok is false when the loops
// do not measure it (only the loop scaler's loops do).
func (s *server) busyNanos() (nanos int64, serving int, ok bool) {
	if s.scale == nil || len(s.loops) == 0 {
		return 0, 0, false
	}
	for _, l := range s.loops {
		nanos += l.busy.Load()
	}
	return nanos, s.serving(), true
}
