package vector

import "golang.org/x/sys/cpu"

// hasAVX2 selects the assembly int8 kernel.
var hasAVX2 = cpu.X86.HasAVX2

// dotInt8AVX2 returns the dot product of n int8 values at a and b; n is a
// multiple of 16 and every value lies in [-127, 127].
//
//go:noescape
func dotInt8AVX2(a, b *int8, n int) int32

// dotInt8 returns the dot product of a and b (same length, values in
// [-127, 127]).
func dotInt8(a, b []int8) int32 {
	n := len(a) &^ 15
	if !hasAVX2 || n == 0 {
		return dotInt8Go(a, b)
	}
	b = b[:len(a)]
	s := dotInt8AVX2(&a[0], &b[0], n)
	if n < len(a) {
		s += dotInt8Go(a[n:], b[n:])
	}
	return s
}
