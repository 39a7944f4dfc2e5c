package cache

import (
	"testing"
	"time"
)

// TestStringRewriteKeepsKey rewrites a string key (a new entry each time)
// through every path that makes one and checks the value, the expiry, the
// raw encoding, the accounting and that each write counts as one change
// (rdb_changes_since_last_save).
func TestStringRewriteKeepsKey(t *testing.T) {
	ks := newKS(t, nil)
	k := []byte("k")
	at := time.Now().Add(time.Hour).UnixMilli()
	ks.Set(k, []byte("10"), SetOptions{At: at})
	steps := []struct {
		name string
		op   func() error
		want string
		raw  bool
	}{
		{"set-keepttl", func() error { _, err := ks.Set(k, []byte("20"), SetOptions{KeepTTL: true}); return err }, "20", false},
		{"incrby", func() error { _, err := ks.IncrBy(k, 5); return err }, "25", false},
		{"append", func() error { _, err := ks.Append(k, []byte("x")); return err }, "25x", true},
		{"setrange", func() error { _, err := ks.SetRange(k, 1, []byte("yz")); return err }, "2yz", true},
		{"setbit", func() error { _, err := ks.SetBit(k, 7, true); return err }, "3yz", true},
		{"set-keepttl-again", func() error { _, err := ks.Set(k, []byte("v"), SetOptions{KeepTTL: true}); return err }, "v", false},
	}
	for _, s := range steps {
		before := ks.Changes()
		if err := s.op(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if d := ks.Changes() - before; d != 1 {
			t.Errorf("%s: %d changes, want 1", s.name, d)
		}
		v, err := ks.Get(k)
		if err != nil || string(v) != s.want {
			t.Fatalf("%s: value %q, %v; want %q", s.name, v, err, s.want)
		}
		if got := ks.ExpireAt(k); got != at {
			t.Errorf("%s: expiry %d, want %d (kept)", s.name, got, at)
		}
		sh, slot := ks.locate(k)
		sh.mu.Lock()
		e := ks.find(sh, slot, k)
		raw, mem := e.isRaw(), e.mem()
		sh.mu.Unlock()
		if raw != s.raw {
			t.Errorf("%s: raw %v, want %v", s.name, raw, s.raw)
		}
		if used := ks.KeysMemory(); used != mem || mem != entrySize(e) {
			t.Errorf("%s: keys' memory %d, entry's %d, its size %d: want one figure", s.name, used, mem, entrySize(e))
		}
	}
	before := ks.Changes()
	if !ks.Persist(k) || ks.ExpireAt(k) != -1 {
		t.Fatal("persist did not remove the expiry")
	}
	if ks.Changes() == before {
		t.Error("persist counted no change")
	}
	if got := ks.Stats().Expires; got != 0 {
		t.Errorf("%d keys with an expiry after PERSIST, want 0", got)
	}
}
