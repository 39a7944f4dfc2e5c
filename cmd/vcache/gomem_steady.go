package main

// steadyReadings is how many of the tuner's readings (one a second)
// steadyExtra keeps.
const steadyReadings = 4

// steadyExtra keeps the least of the last few readings of what the process
// holds beyond the nodes' used memory (goMemExtra), so that a passing peak
// does not raise the Go memory limit. The live heap is measured at the
// last collection, and a collection that runs while a large array is
// regrown (an HNSW graph's arrays grow by an eighth: the old and the new
// copy are both live while it copies) or while pipelines' buffers are full
// finds 10 to 26 MB more live than stays (at 100mb of vectors). A limit
// built on that reading gave the collector that much more room for garbage
// until the next one, which the inflated limit itself delayed (such
// readings lasted about 3 s), and RSS followed the limit. What the process
// keeps holding beyond used memory is in every reading, so the least of
// the last few loses none of it; a lasting rise is seen a few seconds
// late, during which the collector runs more often.
type steadyExtra struct {
	readings [steadyReadings]int64
	n        int // readings taken so far
}

// add records a reading and returns the least of the last steadyReadings.
func (s *steadyExtra) add(x int64) int64 {
	s.readings[s.n%steadyReadings] = x
	s.n++
	low := x
	for _, v := range s.readings[:min(s.n, steadyReadings)] {
		low = min(low, v)
	}
	return low
}
