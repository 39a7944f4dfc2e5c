package main

import "testing"

// TestSteadyExtraIgnoresAPassingPeak: a reading inflated for a few seconds
// (a collection during a large array's regrowth) does not raise the extra
// the Go memory limit is built on; a rise that lasts is taken after
// steadyReadings readings.
func TestSteadyExtraIgnoresAPassingPeak(t *testing.T) {
	const mb = 1 << 20
	var s steadyExtra
	for i, c := range []struct{ reading, want int64 }{
		{5 * mb, 5 * mb},
		{30 * mb, 5 * mb}, // the peak: three readings
		{28 * mb, 5 * mb},
		{26 * mb, 5 * mb},
		{6 * mb, 6 * mb},
		{20 * mb, 6 * mb}, // a lasting rise
		{20 * mb, 6 * mb},
		{21 * mb, 6 * mb},
		{20 * mb, 20 * mb},
		{3 * mb, 3 * mb}, // a fall is taken at once
	} {
		if got := s.add(c.reading); got != c.want {
			t.Fatalf("reading %d (%d MB): extra %d MB, want %d MB", i, c.reading/mb, got/mb, c.want/mb)
		}
	}
}
