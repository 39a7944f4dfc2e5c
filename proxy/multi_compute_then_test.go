package proxy

import (
	"bytes"
	"testing"

	"github.com/vcache/vcache/internal/keyslot"
)

// TestScratchKeySlot: a scratch key is in the slot of the key it is made
// for, whatever its braces, and is a name of its own.
func TestScratchKeySlot(t *testing.T) {
	for _, k := range []string{"plain", "{tag}x", "a{b", "a}b", "{}x", "}{", "x{}y{z}", "", "{a}}b"} {
		sk := scratchKey([]byte(k))
		if got, want := keyslot.Of(sk), keyslot.OfString(k); got != want {
			t.Errorf("scratch key of %q: slot %d, want %d", k, got, want)
		}
		if bytes.Equal(sk, []byte(k)) || bytes.Equal(sk, scratchKey([]byte(k))) {
			t.Errorf("scratch key of %q: %q is not a new name", k, sk)
		}
	}
}
