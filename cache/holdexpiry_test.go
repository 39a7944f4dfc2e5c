package cache

import (
	"testing"
	"time"
)

// TestHoldExpiry checks that while expiry is held an expired key looks
// missing but stays (not counted as expired), that a write of the same
// key then replaces it without a duplicate entry, and that once released
// the next look-up removes what is left.
func TestHoldExpiry(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_000_000, 0)}
	ks := newKS(t, func(c *Config) { c.Now = clk.Now })
	at := clk.Now().Add(time.Second).UnixMilli()
	ks.Set([]byte("k"), []byte("old"), SetOptions{At: at})
	ks.Set([]byte("j"), []byte("old"), SetOptions{At: at})
	ks.HoldExpiry(true)
	clk.Add(2 * time.Second)
	if r, _ := ks.Set([]byte("k"), []byte("new"), SetOptions{NX: true}); !r.Done {
		t.Fatal("SET NX of a held expired key did not write")
	}
	if v, _ := ks.Get([]byte("k")); string(v) != "new" {
		t.Fatalf("k = %q, want new", v)
	}
	if st := ks.Stats(); ks.Len() != 2 || st.ExpiredKeys != 1 {
		t.Fatalf("after the write: %d keys (want k and the held j), %d expired (want 1)", ks.Len(), st.ExpiredKeys)
	}
	if v, _ := ks.Get([]byte("j")); v != nil {
		t.Fatal("held j was returned")
	}
	if st := ks.Stats(); st.ExpiredKeys != 1 {
		t.Fatalf("held j counted as expired: %d", st.ExpiredKeys)
	}
	ks.HoldExpiry(false)
	if v, _ := ks.Get([]byte("j")); v != nil {
		t.Fatal("j returned after release")
	}
	if st := ks.Stats(); ks.Len() != 1 || st.ExpiredKeys != 2 {
		t.Fatalf("released: %d keys, %d expired; want 1 and 2", ks.Len(), st.ExpiredKeys)
	}
}
