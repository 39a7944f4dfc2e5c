package proxy

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/serving"
)

// TestBackendKilledUnderLoad kills one of three nodes while clients keep
// reading and writing keys on all of them: no client hangs, commands for
// the other nodes keep succeeding, commands for the dead node fail within
// the retry deadline, and once the node is back its keys work again.
func TestBackendKilledUnderLoad(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		rs := startRedises(t, 3)
		cfg := DefaultConfig()
		cfg.Serving = serving.NewGroup(mode, false)
		cfg.RetryDeadline = 300 * time.Millisecond
		p := startProxy(t, cfg, addrs(rs...)...)
		keys := make([][]string, 3)
		for node := range keys {
			keys[node] = keysOn(p.router, node, 8, fmt.Sprintf("k%d-", node))
		}

		// Per node: successes and failures, counted by phase.
		type counts struct{ ok, failed atomic.Int64 }
		var phase atomic.Int32 // 0 before the kill, 1 while down, 2 after the restart
		var stats [3][3]counts
		var slowest atomic.Int64
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := 0; w < 12; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := client(t, p.addr)
				for i := 0; ctx.Err() == nil; i++ {
					node := (w + i) % 3
					k := keys[node][i%len(keys[node])]
					start := time.Now()
					var err error
					if i%2 == 0 {
						err = c.Set(context.Background(), k, i, 0).Err()
					} else if err = c.Get(context.Background(), k).Err(); errors.Is(err, redis.Nil) {
						err = nil
					}
					if d := time.Since(start); d > time.Duration(slowest.Load()) {
						slowest.Store(int64(d))
					}
					ph := phase.Load() // the phase the command ended in
					if err != nil {
						stats[ph][node].failed.Add(1)
					} else {
						stats[ph][node].ok.Add(1)
					}
				}
			}()
		}
		waitFor := func(what string, cond func() bool) {
			t.Helper()
			eventually(t, 20*time.Second, what, cond)
		}
		waitFor("load on every node", func() bool {
			return stats[0][0].ok.Load() > 50 && stats[0][1].ok.Load() > 50 && stats[0][2].ok.Load() > 50
		})
		phase.Store(1)
		rs[1].stop()
		waitFor("commands for the dead node to fail and others to go on", func() bool {
			return stats[1][1].failed.Load() > 5 && stats[1][0].ok.Load() > 200 && stats[1][2].ok.Load() > 200
		})
		phase.Store(2)
		if err := rs[1].start(); err != nil {
			t.Fatalf("restarting node 1: %v", err)
		}
		waitFor("the restarted node to serve its keys", func() bool { return stats[2][1].ok.Load() > 50 })
		stop()
		wg.Wait()

		for ph := 0; ph < 3; ph++ {
			for node := 0; node < 3; node++ {
				t.Logf("phase %d node %d: %d ok, %d failed", ph, node, stats[ph][node].ok.Load(), stats[ph][node].failed.Load())
			}
		}
		for ph := 0; ph < 3; ph++ {
			for _, node := range []int{0, 2} {
				if n := stats[ph][node].failed.Load(); n > 0 {
					t.Errorf("phase %d: %d commands failed on live node %d", ph, n, node)
				}
			}
		}
		if n := stats[0][1].failed.Load(); n > 0 {
			t.Errorf("%d commands failed on node 1 before it was killed", n)
		}
		// A client waits at most about the retry deadline, never the 10 s
		// client timeout.
		if d := time.Duration(slowest.Load()); d > 3*time.Second {
			t.Errorf("slowest command took %v", d)
		}
	})
}

// TestWatchConnectionLost checks that a transaction whose WATCH was on a
// connection that died fails, instead of running unguarded on a new one.
func TestWatchConnectionLost(t *testing.T) {
	r := startRedis(t)
	p := startProxy(t, Config{}, r.addr)
	c := dialRaw(t, p.addr)
	if got := c.do("WATCH", "k"); got != "+OK\r\n" {
		t.Fatalf("WATCH = %q", got)
	}
	r.stop()
	if err := r.start(); err != nil {
		t.Fatal(err)
	}
	c.do("MULTI")
	c.do("SET", "k", "unguarded")
	if got := c.do("EXEC"); got[0] != '-' {
		t.Errorf("EXEC after the watched connection died = %q, want an error", got)
	}
	if got := rawDo(r.addr, "GET", "k"); got != "$-1\r\n" {
		t.Errorf("k = %q: the transaction ran without its WATCH", got)
	}
	// The session goes on normally.
	if got := c.do("SET", "k", "v"); got != "+OK\r\n" {
		t.Errorf("SET after the failed transaction = %q", got)
	}
}
