package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/testutil"
)

// buildVcache builds the vcache binary into a temporary directory, for
// tests that need real processes (kill -9).
func buildVcache(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vcache")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// proc is a vcache process.
type proc struct {
	cmd    *exec.Cmd
	addr   string
	logs   *syncBuffer
	exited chan struct{} // closed when the process has exited
}

// syncBuffer is a bytes.Buffer safe for the process's writes and the
// test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startProc runs `bin server --port port args...` and waits until it
// answers PING; it reports false if the process exited first (a port
// taken meanwhile by another test). It is killed when the test ends.
func startProc(t *testing.T, bin, port string, args ...string) (*proc, bool) {
	t.Helper()
	p := &proc{addr: "127.0.0.1:" + port, logs: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, append([]string{"server", "--port", port}, args...)...)
	p.cmd.Stdout = p.logs
	p.cmd.Stderr = p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("logs of %s:\n%s", p.addr, tail(p.logs.String(), 3000))
		}
	})
	c := redis.NewClient(&redis.Options{Addr: p.addr, MaxRetries: -1})
	defer c.Close()
	exited := false
	testutil.WaitNil(t, 20*time.Second, func() error {
		select {
		case <-p.exited:
			exited = true
			return nil
		default:
		}
		if err := c.Ping(context.Background()).Err(); err != nil {
			return fmt.Errorf("%s did not answer PING: %v\n%s", p.addr, err, p.logs.String())
		}
		return nil
	})
	return p, !exited
}

// startClusterProcs starts n `vcache server` processes that form one
// cluster, node i with extra(i) as further flags; it returns them, the
// arguments each was started with (port first) and the gossip seed.
func startClusterProcs(t *testing.T, bin string, n int, extra func(i int) []string) (procs []*proc, procArgs [][]string, seed string) {
	t.Helper()
	for i := 0; i < n; i++ {
		// Free ports may be taken before the process binds them (tests run
		// in parallel): try again with others.
		for attempt := 0; ; attempt++ {
			gossip := "127.0.0.1:" + freePort(t)
			join := seed
			if i == 0 {
				join = gossip
			}
			args := append([]string{freePort(t), "--gossip", gossip, "--join", join,
				"--node-name", fmt.Sprintf("n%d", i), "--loglevel", "warn"}, extra(i)...)
			p, ok := startProc(t, bin, args[0], args[1:]...)
			if ok {
				if i == 0 {
					seed = gossip
				}
				procArgs = append(procArgs, args)
				procs = append(procs, p)
				break
			}
			if attempt == 4 {
				t.Fatalf("node %d did not start:\n%s", i, p.logs.String())
			}
		}
	}
	return procs, procArgs, seed
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// TestKill9PrimaryUnderWriteLoad runs three node processes with one replica
// per shard behind the proxy, writes through the proxy, and kills one node
// with SIGKILL mid-load. Writes acknowledged with WAIT 1 must all be
// readable afterwards, the clients' writes must succeed again, and no more
// than the writes in flight at the kill may fail.
func TestKill9PrimaryUnderWriteLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs processes")
	}
	bin := buildVcache(t)
	procs, procArgs, seed := startClusterProcs(t, bin, 3, func(int) []string { return []string{"--replicas", "1"} })
	addr, cancel, done := startCmd(t, "proxy", "--port", "0", "--loglevel", "error",
		"--gossip", "127.0.0.1:"+freePort(t), "--join", seed)
	defer func() { cancel(); <-done }()
	ctx := context.Background()

	// Wait until every node streams to a replica and replicates a shard.
	deadline := time.Now().Add(60 * time.Second)
	for _, p := range procs {
		c := redis.NewClient(&redis.Options{Addr: p.addr})
		testutil.WaitNil(t, time.Until(deadline), func() error {
			info, _ := c.Info(ctx, "replication").Result()
			if strings.Contains(info, "connected_slaves:1") && strings.Contains(info, "master_link_status:up") {
				return nil
			}
			return fmt.Errorf("replication never came up on %s:\n%s", p.addr, info)
		})
		c.Close()
	}

	// And until the proxy routes writes.
	pc := redis.NewClient(&redis.Options{Addr: addr})
	testutil.WaitFor(t, time.Until(deadline), func() bool { return pc.Set(ctx, "ready", "1", 0).Err() == nil },
		"the proxy to route a write")
	pc.Close()

	// Writers: SETs through the proxy, and every 25 a WAIT 1 that makes
	// the writes before it durable when it answers 1.
	const writers = 4
	var (
		mu       sync.Mutex
		durable  []string
		failures atomic.Int64
		okAfter  atomic.Int64 // successful writes after the kill
		killed   atomic.Bool
		lastFail atomic.Int64 // unix nanoseconds
		errTexts sync.Map
		stop     atomic.Bool
		wg       sync.WaitGroup
	)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, ReadTimeout: 5 * time.Second})
			defer c.Close()
			var pending []string
			for i := 0; i < 200_000 && !stop.Load(); i++ {
				k := fmt.Sprintf("w%d:%d", w, i)
				if err := c.Set(ctx, k, k, 0).Err(); err != nil {
					failures.Add(1)
					lastFail.Store(time.Now().UnixNano())
					errTexts.Store(err.Error(), true)
					pending = pending[:0]
					time.Sleep(10 * time.Millisecond)
					continue
				}
				if killed.Load() {
					okAfter.Add(1)
				}
				pending = append(pending, k)
				if len(pending) == 25 {
					n, err := c.Wait(ctx, 1, 2*time.Second).Result()
					if err == nil && n >= 1 {
						mu.Lock()
						durable = append(durable, pending...)
						mu.Unlock()
					} else {
						errTexts.Store(fmt.Sprintf("WAIT: %d, %v", n, err), true)
					}
					pending = pending[:0]
				}
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	mu.Lock()
	before := len(durable)
	mu.Unlock()
	if before == 0 {
		stop.Store(true)
		wg.Wait()
		errTexts.Range(func(k, _ any) bool { t.Logf("error: %v", k); return true })
		for _, p := range procs {
			c := redis.NewClient(&redis.Options{Addr: p.addr})
			info, err := c.Info(ctx, "replication").Result()
			c.Close()
			t.Logf("INFO replication of %s: %v\n%s", p.addr, err, info)
		}
		t.Fatalf("no write was acknowledged by WAIT 1 before the kill (%d failures)", failures.Load())
	}
	victim := procs[1]
	killedAt := time.Now()
	if err := victim.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed.Store(true)
	failuresAtKill := failures.Load()
	// Run until the writers have made 2000 writes after the kill.
	_ = testutil.Until(time.Until(killedAt.Add(45*time.Second)), func() error {
		if okAfter.Load() < 2000 {
			return errors.New("fewer than 2000 writes after the kill")
		}
		return nil
	})
	stop.Store(true)
	wg.Wait()
	if okAfter.Load() < 2000 {
		t.Fatalf("writes did not recover within 45 s of the kill: %d succeeded, %d failed", okAfter.Load(), failures.Load())
	}
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	lost := 0
	for _, k := range durable {
		if v, err := c.Get(ctx, k).Result(); err != nil || v != k {
			lost++
			if lost < 5 {
				t.Errorf("durable write %s (slot %d): %q, %v", k, keyslot.Of([]byte(k)), v, err)
			}
		}
	}
	if lost > 0 {
		// What the surviving nodes know: the map's history and who holds
		// what, to find how the write went missing.
		for i, p := range procs {
			if i == 1 {
				continue
			}
			nc := redis.NewClient(&redis.Options{Addr: p.addr})
			ev, _ := nc.Do(ctx, "CLUSTER", "EVENTS", "200").Text()
			sh, _ := nc.Do(ctx, "CLUSTER", "SHARDS").Result()
			info, _ := nc.Info(ctx, "replication").Result()
			nc.Close()
			t.Logf("node %s (n%d):\nevents:\n%s\nshards: %v\n%s", p.addr, i, ev, sh, info)
		}
		t.Fatalf("%d of %d writes acknowledged by WAIT 1 were lost", lost, len(durable))
	}
	// The killed node comes back (same name and ports, no data): it must
	// not serve its old slots (the map moved on), and the cluster keeps
	// serving everything.
	back, ok := startProc(t, bin, procArgs[1][0], procArgs[1][1:]...)
	if !ok {
		t.Fatalf("the killed node did not restart:\n%s", back.logs.String())
	}
	bc := redis.NewClient(&redis.Options{Addr: back.addr, MaxRetries: -1})
	defer bc.Close()
	var probe string
	for _, k := range durable {
		probe = k
		break
	}
	testutil.WaitNil(t, 30*time.Second, func() error {
		err := bc.Get(ctx, probe).Err()
		if err != nil && (strings.HasPrefix(err.Error(), "MOVED ") || strings.HasPrefix(err.Error(), "ASK ")) {
			return nil
		}
		if err == nil {
			// Served: only right if the returned node leads the slot again
			// and holds the data.
			if v, _ := bc.Get(ctx, probe).Result(); v != probe {
				t.Fatalf("the returned node served %s = %q", probe, v)
			}
			return nil
		}
		return fmt.Errorf("the returned node answers %v for %s", err, probe)
	})
	for i, k := range durable {
		if i%50 != 0 {
			continue
		}
		if v, err := c.Get(ctx, k).Result(); err != nil || v != k {
			t.Fatalf("after the node returned, %s = %q, %v", k, v, err)
		}
	}

	// With a retry deadline longer than the failover, a client sees at
	// most the requests it had in flight fail (one per writer here).
	if f := failures.Load(); f > writers {
		t.Errorf("%d writes failed; with the default retry deadline at most the %d in flight may", f, writers)
	}
	t.Logf("%d writes acknowledged by WAIT 1 (%d before the kill) all survived; %d client errors (%d before the kill), %d writes after the kill; took %v",
		len(durable), before, failures.Load(), failuresAtKill, okAfter.Load(), time.Since(killedAt))
	if lf := lastFail.Load(); lf > killedAt.UnixNano() {
		t.Logf("the last client error came %v after the kill", time.Unix(0, lf).Sub(killedAt))
	}
	errTexts.Range(func(k, _ any) bool { t.Logf("client error: %v", k); return true })
	if os.Getenv("VCACHE_TEST_LOG") != "" {
		t.Logf("victim logs:\n%s", tail(victim.logs.String(), 2000))
	}
}
