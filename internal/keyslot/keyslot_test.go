package keyslot

import "testing"

func TestOf(t *testing.T) {
	// Values from the Redis Cluster specification and CLUSTER KEYSLOT.
	cases := []struct {
		key  string
		slot int
	}{
		{"123456789", 12739}, // CRC16-XMODEM check value 0x31C3
		{"foo", 12182},
		{"bar", 5061},
		{"hello", 866},
		{"{user1000}.following", 3443},
		{"{user1000}.followers", 3443},
		{"foo{}{bar}", 8363},    // empty tag: whole key
		{"foo{{bar}}zap", 4015}, // tag is "{bar"
		{"foo{bar}{zap}", 5061}, // first tag only
		{"", 0},
	}
	for _, c := range cases {
		if got := OfString(c.key); got != c.slot {
			t.Errorf("slot(%q) = %d, want %d", c.key, got, c.slot)
		}
	}
}

func BenchmarkOf(b *testing.B) {
	k := []byte("key:000000012345")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = Of(k)
	}
}

// crc16Bitwise is the checksum computed bit by bit from its definition.
func crc16Bitwise(b []byte) uint16 {
	var c uint16
	for _, x := range b {
		c ^= uint16(x) << 8
		for j := 0; j < 8; j++ {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
	}
	return c
}

func TestCRC16Lengths(t *testing.T) {
	b := make([]byte, 64)
	for i := range b {
		b[i] = byte(i*37 + 11)
	}
	for n := 0; n <= len(b); n++ {
		if got, want := CRC16(b[:n]), crc16Bitwise(b[:n]); got != want {
			t.Fatalf("CRC16 of %d bytes = %#04x, want %#04x", n, got, want)
		}
	}
}

func FuzzCRC16(f *testing.F) {
	f.Add([]byte("123456789"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := CRC16(b), crc16Bitwise(b); got != want {
			t.Fatalf("CRC16(%q) = %#04x, want %#04x", b, got, want)
		}
	})
}
