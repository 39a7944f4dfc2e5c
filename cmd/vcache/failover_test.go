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

// launchProc starts cmd, the process of the node at addr, with its
// output in the proc's logs. It is killed when the test ends, and the
// tail of its logs logged, as those of name, if the test failed.
func launchProc(t *testing.T, addr, name string, cmd *exec.Cmd) *proc {
	t.Helper()
	p := &proc{addr: addr, logs: &syncBuffer{}, exited: make(chan struct{}), cmd: cmd}
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("logs of %s:\n%s", name, tail(p.logs.String(), 3000))
		}
	})
	return p
}

// startProc runs `bin server --port port args...` and waits until it
// answers PING; it reports false if the process exited first (a port
// taken meanwhile by another test). It is killed when the test ends.
func startProc(t *testing.T, bin, port string, args ...string) (*proc, bool) {
	t.Helper()
	p := launchProc(t, "127.0.0.1:"+port, "127.0.0.1:"+port, exec.Command(bin, append([]string{"server", "--port", port}, args...)...))
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
	procs, procArgs, _, addr := startReplicatedProxy(t, bin)
	ctx := context.Background()

	// Writers: SETs through the proxy, and every 25 a WAIT 1 that makes
	// the writes before it durable when it answers 1.
	const writers = 4
	ww := startWaitWriters(t, addr, writers, 25, 10*time.Millisecond)
	time.Sleep(1500 * time.Millisecond)
	before := ww.acked()
	if before == 0 {
		ww.halt()
		ww.errTexts.Range(func(k, _ any) bool { t.Logf("error: %v", k); return true })
		for _, p := range procs {
			c := redis.NewClient(&redis.Options{Addr: p.addr})
			info, err := c.Info(ctx, "replication").Result()
			c.Close()
			t.Logf("INFO replication of %s: %v\n%s", p.addr, err, info)
		}
		t.Fatalf("no write was acknowledged by WAIT 1 before the kill (%d failures)", ww.failures.Load())
	}
	victim := procs[1]
	killedAt := time.Now()
	if err := victim.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	ww.killed.Store(true)
	failuresAtKill := ww.failures.Load()
	// Run until the writers have made 2000 writes after the kill.
	_ = testutil.Until(time.Until(killedAt.Add(45*time.Second)), func() error {
		if ww.okAfter.Load() < 2000 {
			return errors.New("fewer than 2000 writes after the kill")
		}
		return nil
	})
	ww.halt()
	if ww.okAfter.Load() < 2000 {
		t.Fatalf("writes did not recover within 45 s of the kill: %d succeeded, %d failed", ww.okAfter.Load(), ww.failures.Load())
	}
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	lost := 0
	for _, k := range ww.durable {
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
		t.Fatalf("%d of %d writes acknowledged by WAIT 1 were lost", lost, len(ww.durable))
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
	for _, k := range ww.durable {
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
	for i, k := range ww.durable {
		if i%50 != 0 {
			continue
		}
		if v, err := c.Get(ctx, k).Result(); err != nil || v != k {
			t.Fatalf("after the node returned, %s = %q, %v", k, v, err)
		}
	}

	// With a retry deadline longer than the failover, a client sees at
	// most the requests it had in flight fail (one per writer here).
	if f := ww.failures.Load(); f > writers {
		t.Errorf("%d writes failed; with the default retry deadline at most the %d in flight may", f, writers)
	}
	t.Logf("%d writes acknowledged by WAIT 1 (%d before the kill) all survived; %d client errors (%d before the kill), %d writes after the kill; took %v",
		len(ww.durable), before, ww.failures.Load(), failuresAtKill, ww.okAfter.Load(), time.Since(killedAt))
	if lf := ww.lastFail.Load(); lf > killedAt.UnixNano() {
		t.Logf("the last client error came %v after the kill", time.Unix(0, lf).Sub(killedAt))
	}
	ww.errTexts.Range(func(k, _ any) bool { t.Logf("client error: %v", k); return true })
	if os.Getenv("VCACHE_TEST_LOG") != "" {
		t.Logf("victim logs:\n%s", tail(victim.logs.String(), 2000))
	}
}
