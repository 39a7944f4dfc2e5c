//go:build !amd64

package vector

// hasAVX2 is false where there is no assembly kernel.
var hasAVX2 = false

// dotInt8 returns the dot product of a and b (same length, values in
// [-127, 127]).
func dotInt8(a, b []int8) int32 { return dotInt8Go(a, b) }
