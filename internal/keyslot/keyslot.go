// Package keyslot maps keys to Redis Cluster hash slots: CRC16-XMODEM of the
// key (or of its {hash tag}) modulo 16384. The cache, the cluster and the
// proxy all place keys with it, so they always agree.
package keyslot

import "bytes"

// Count is the number of hash slots.
const Count = 16384

var crcTable = makeTable()

// makeTable builds the CRC16-XMODEM (CCITT, polynomial 0x1021, initial
// value 0) lookup table.
func makeTable() (t [256]uint16) {
	for i := 0; i < 256; i++ {
		c := uint16(i) << 8
		for j := 0; j < 8; j++ {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}

// CRC16 returns the CRC16-XMODEM checksum of b.
func CRC16(b []byte) uint16 {
	var c uint16
	for _, x := range b {
		c = c<<8 ^ crcTable[byte(c>>8)^x]
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
