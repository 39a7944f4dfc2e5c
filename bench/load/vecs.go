package load

import (
	"encoding/binary"
	"fmt"
	"os"
)

// ReadVecs reads a bench/data vector file (each vector its dimension as
// a little-endian uint32, then its float32s) and returns the vectors as
// their little-endian bytes, an FT vector blob each, and the dimension.
func ReadVecs(path string) ([][]byte, int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	var out [][]byte
	d := 0
	for len(b) >= 4 {
		d = int(binary.LittleEndian.Uint32(b))
		if len(b) < 4+4*d {
			return nil, 0, fmt.Errorf("%s: truncated", path)
		}
		out = append(out, b[4:4+4*d])
		b = b[4+4*d:]
	}
	return out, d, nil
}
