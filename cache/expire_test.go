package cache

import (
	"fmt"
	"testing"
	"time"
)

// TestExpireCycleWorkedExcludesWaits checks what the active expiry cycle
// reports as its work (the expire-cycle latency): a cycle that waits
// 100 ms for a stripe a command holds, and has nothing to expire, did
// not work 100 ms; one that removes many expired keys works about as
// long as it takes.
func TestExpireCycleWorkedExcludesWaits(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_000_000, 0)}
	ks := newKS(t, func(c *Config) { c.Now = clk.Now })
	sh := &ks.stripes[numStripes/2]
	sh.mu.Lock()
	start := time.Now() // before the timer: the stripe is held for 100 ms of the cycle's wall time at least
	held := time.AfterFunc(100*time.Millisecond, sh.mu.Unlock)
	defer held.Stop()
	_, worked := ks.activeExpireCycle(0, time.Second)
	if wall := time.Since(start); wall < 100*time.Millisecond || worked > 20*time.Millisecond {
		t.Fatalf("a cycle that waited for a held stripe: wall %v, worked %v; want at least 100ms and at most 20ms", wall, worked)
	}

	at := clk.Now().Add(time.Second).UnixMilli()
	for i := range 50_000 {
		ks.Set(fmt.Appendf(nil, "k%d", i), []byte("v"), SetOptions{At: at})
	}
	clk.Add(2 * time.Second)
	start = time.Now()
	_, worked = ks.activeExpireCycle(0, time.Second)
	wall := time.Since(start)
	if ks.Len() != 0 || worked <= 0 || worked > wall {
		t.Fatalf("a cycle that expired 50,000 keys: %d left, wall %v, worked %v", ks.Len(), wall, worked)
	}
}
