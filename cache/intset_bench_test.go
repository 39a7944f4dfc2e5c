package cache

import "testing"

// BenchmarkIntsetSearch looks members up in 512-member intsets whose
// values need 2, 3 (Redis: 4), 6 (Redis: 8) and 8 bytes.
func BenchmarkIntsetSearch(b *testing.B) {
	for _, bc := range []struct {
		name string
		base int64
	}{{"16bit", 0}, {"24bit", 1_000_000}, {"48bit", 1 << 40}, {"64bit", 1 << 62}} {
		var s intset
		for i := range 512 {
			v := bc.base + int64(i)*7
			at, _ := s.search(v)
			s = s.insert(at, v, 512)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, ok := s.search(bc.base + int64(i%1024)*7); ok != (i%1024 < 512) {
					b.Fatal("search", i)
				}
			}
		})
	}
}
