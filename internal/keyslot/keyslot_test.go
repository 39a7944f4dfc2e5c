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
