// Package keyslot maps keys to Redis Cluster hash slots: CRC16-XMODEM of the
// key (or of its {hash tag}) modulo 16384. The cache, the cluster and the
// proxy all place keys with it, so they always agree.
package keyslot

import "bytes"

// Count is the number of hash slots.
const Count = 16384

// crcTables[0] is the CRC16-XMODEM (CCITT, polynomial 0x1021, initial
// value 0) lookup table; crcTables[k][x] is the checksum of byte x
// followed by k zero bytes, so that CRC16 can fold eight bytes at a time
// with independent lookups ("slicing by 8") instead of a chain of eight
// dependent ones.
var crcTables = makeTables()

func makeTables() (t [8][256]uint16) {
	for i := 0; i < 256; i++ {
		c := uint16(i) << 8
		for j := 0; j < 8; j++ {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		t[0][i] = c
	}
	for k := 1; k < 8; k++ {
		for i := 0; i < 256; i++ {
			c := t[k-1][i]
			t[k][i] = c<<8 ^ t[0][byte(c>>8)]
		}
	}
	return t
}

// CRC16 returns the CRC16-XMODEM checksum of b.
func CRC16(b []byte) uint16 {
	var c uint16
	t := &crcTables
	for len(b) >= 8 {
		c = t[7][byte(c>>8)^b[0]] ^ t[6][byte(c)^b[1]] ^
			t[5][b[2]] ^ t[4][b[3]] ^ t[3][b[4]] ^ t[2][b[5]] ^ t[1][b[6]] ^ t[0][b[7]]
		b = b[8:]
	}
	for _, x := range b {
		c = c<<8 ^ t[0][byte(c>>8)^x]
	}
	return c
}

// Of returns the hash slot of key, honouring {hash tags}: if the key holds a
// '{' followed later by a '}' with at least one byte between them, only those
// bytes are hashed.
func Of(key []byte) int {
	if i := bytes.IndexByte(key, '{'); i >= 0 {
		if j := bytes.IndexByte(key[i+1:], '}'); j > 0 {
			return int(CRC16(key[i+1:i+1+j]) & (Count - 1))
		}
	}
	return int(CRC16(key) & (Count - 1))
}

func OfString(key string) int {
	return Of([]byte(key))
}
