package cache

import (
	"strings"
	"testing"
)

// TestObjEntryKeys: a set's entry returns its key whatever its length
// (in the entry's allocation up to 24 bytes, in its own past that), and
// its accounted bytes are the 48-byte class up to 8 bytes of key, the
// 64-byte class up to 24.
func TestObjEntryKeys(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want int64 // objEntryBytes
	}{{0, 48}, {1, 48}, {8, 48}, {9, 64}, {24, 64}, {25, 48 + 32}, {1000, 48 + 1024}} {
		key := strings.Repeat("k", tc.n)
		e := newEntry(key, kindSet, nil, &setObj{})
		if e.key() != key || e.kind() != kindSet {
			t.Errorf("key of %d bytes: entry says %q, kind %d", tc.n, e.key(), e.kind())
		}
		if got := objEntryBytes(tc.n); got != tc.want {
			t.Errorf("objEntryBytes(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}
