package cache

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestHashPick reads the named fields of packed and table hashes, in
// names' order, and nothing of a missing key or another type.
func TestHashPick(t *testing.T) {
	ks := newKS(t, nil)
	big := strings.Repeat("v", 100) // past hash-max-listpack-value: a table
	ks.HSet([]byte("small"), [][]byte{[]byte("a"), []byte("1"), []byte("b"), []byte("2")}, false)
	ks.HSet([]byte("big"), [][]byte{[]byte("a"), []byte(big), []byte("b"), []byte("2")}, false)
	ks.Set([]byte("str"), []byte("x"), SetOptions{})
	pick := func(key string) string {
		out := ""
		ok := ks.HashPick(key, []string{"b", "nope", "a"}, func(i int, v []byte) { out += fmt.Sprintf("%d=%.3s ", i, v) })
		return fmt.Sprint(ok, " ", out)
	}
	for key, want := range map[string]string{"small": "true 0=2 2=1 ", "big": "true 0=2 2=vvv ", "none": "false ", "str": "false "} {
		if got := pick(key); got != want {
			t.Errorf("HashPick(%s) = %q, want %q", key, got, want)
		}
	}
}

// TestFreezeHoldsWrites: a write from another goroutine waits for Freeze
// to return; reads inside go through Frozen, and a key they find expired
// goes, told to the observer.
func TestFreezeHoldsWrites(t *testing.T) {
	rec := &recorder{changed: map[string]int{}, removed: map[string]Reason{}}
	clock := &fakeClock{t: time.Unix(1000, 0)}
	ks := newKS(t, func(c *Config) { c.Observer = rec; c.Now = clock.Now })
	ks.HSet([]byte("h"), [][]byte{[]byte("f"), []byte("1")}, false)
	ks.HSet([]byte("gone"), [][]byte{[]byte("f"), []byte("1")}, false)
	ks.Expire([]byte("gone"), clock.Now().UnixMilli()+10, ExpireAlways)
	clock.Add(time.Second)
	wrote := make(chan struct{})
	ks.Freeze(func(f Frozen) {
		go func() {
			ks.HSet([]byte("h"), [][]byte{[]byte("f"), []byte("2")}, false)
			close(wrote)
		}()
		select {
		case <-wrote:
			t.Error("a write went through during Freeze")
		case <-time.After(50 * time.Millisecond):
		}
		if m, ok := f.HashFields([]byte("h")); !ok || string(m["f"]) != "1" {
			t.Errorf("Frozen.HashFields(h) = %v, %v", m, ok)
		}
		if f.HashPick("gone", []string{"f"}, func(int, []byte) {}) {
			t.Error("Frozen.HashPick found an expired key")
		}
	})
	<-wrote
	if m, _ := ks.HashFields([]byte("h")); string(m["f"]) != "2" {
		t.Fatalf("after Freeze: h = %v", m)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.removed["gone"] != ReasonExpired {
		t.Fatalf("the expired key read inside Freeze: %v", rec.removed)
	}
}
