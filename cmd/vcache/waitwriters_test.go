package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// startReplicatedProxy runs three node processes of bin with one replica
// per shard behind an in-process proxy, and returns once every node
// streams to a replica and replicates a shard, and the proxy routes a
// write. The proxy stops when the test ends.
func startReplicatedProxy(t *testing.T, bin string) (procs []*proc, procArgs [][]string, seed, addr string) {
	t.Helper()
	procs, procArgs, seed = startClusterProcs(t, bin, 3, func(int) []string { return []string{"--replicas", "1"} })
	addr, cancel, done := startCmd(t, "proxy", "--port", "0", "--loglevel", "error",
		"--gossip", "127.0.0.1:"+freePort(t), "--join", seed)
	t.Cleanup(func() { cancel(); <-done })
	ctx := context.Background()
	for _, p := range procs {
		c := redis.NewClient(&redis.Options{Addr: p.addr})
		testutil.WaitNil(t, 60*time.Second, func() error {
			info, _ := c.Info(ctx, "replication").Result()
			if strings.Contains(info, "connected_slaves:1") && strings.Contains(info, "master_link_status:up") {
				return nil
			}
			return fmt.Errorf("replication never came up on %s:\n%s", p.addr, info)
		})
		c.Close()
	}
	pc := redis.NewClient(&redis.Options{Addr: addr})
	testutil.WaitFor(t, 30*time.Second, func() bool { return pc.Set(ctx, "ready", "1", 0).Err() == nil },
		"the proxy to route a write")
	pc.Close()
	return procs, procArgs, seed, addr
}

// waitWriters are clients writing through a proxy: writer w SETs
// w<w>:<i> to its own name (i below 200,000) and, every `every`
// successful writes, calls WAIT 1 with a 2 s timeout; the writes before a
// WAIT that answers at least 1 are durable. A failed SET drops the
// writes not yet acknowledged and, with pause set, waits that long.
type waitWriters struct {
	every int
	pause time.Duration

	mu       sync.Mutex // guards durable
	durable  []string
	failures atomic.Int64 // failed SETs
	okAfter  atomic.Int64 // successful SETs once killed is set
	killed   atomic.Bool
	lastFail atomic.Int64 // unix nanoseconds of the last failed SET
	errTexts sync.Map     // error texts of failed SETs and WAITs
	stop     atomic.Bool
	wg       sync.WaitGroup
}

// startWaitWriters starts n writers on the proxy at addr; the test ends
// them (halt) when it ends, if it has not already.
func startWaitWriters(t *testing.T, addr string, n, every int, pause time.Duration) *waitWriters {
	ww := &waitWriters{every: every, pause: pause}
	for w := 0; w < n; w++ {
		ww.wg.Add(1)
		go ww.write(addr, w)
	}
	t.Cleanup(ww.halt)
	return ww
}

func (ww *waitWriters) write(addr string, w int) {
	defer ww.wg.Done()
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, ReadTimeout: 5 * time.Second})
	defer c.Close()
	var pending []string
	for i := 0; i < 200_000 && !ww.stop.Load(); i++ {
		k := fmt.Sprintf("w%d:%d", w, i)
		if err := c.Set(ctx, k, k, 0).Err(); err != nil {
			ww.failures.Add(1)
			ww.lastFail.Store(time.Now().UnixNano())
			ww.errTexts.Store(err.Error(), true)
			pending = pending[:0]
			if ww.pause > 0 {
				time.Sleep(ww.pause)
			}
			continue
		}
		if ww.killed.Load() {
			ww.okAfter.Add(1)
		}
		if pending = append(pending, k); len(pending) == ww.every {
			if n, err := c.Wait(ctx, 1, 2*time.Second).Result(); err == nil && n >= 1 {
				ww.mu.Lock()
				ww.durable = append(ww.durable, pending...)
				ww.mu.Unlock()
			} else {
				ww.errTexts.Store(fmt.Sprintf("WAIT: %d, %v", n, err), true)
			}
			pending = pending[:0]
		}
	}
}

// acked returns how many writes WAIT 1 has acknowledged so far.
func (ww *waitWriters) acked() int {
	ww.mu.Lock()
	defer ww.mu.Unlock()
	return len(ww.durable)
}

// halt stops the writers and waits for them; the durable list is final
// after it.
func (ww *waitWriters) halt() {
	ww.stop.Store(true)
	ww.wg.Wait()
}
