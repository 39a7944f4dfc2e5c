package node

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/internal/testutil"
)

// TestClientThatDoesNotReadDoesNotStallOthers pipelines GETs whose replies
// (32 MiB) exceed what the socket holds, without reading them: other
// clients are still served meanwhile, and then every reply arrives, in
// order, in full. The event loops (also a single one) and
// goroutine-per-connection serving must all pass.
func TestClientThatDoesNotReadDoesNotStallOthers(t *testing.T) {
	for _, mode := range []struct {
		io    serving.Mode
		loops int
	}{{serving.Loops, 0}, {serving.Loops, 1}, {serving.Goroutines, 0}} {
		t.Run(fmt.Sprintf("%v,IOThreads=%d", mode.io, mode.loops), func(t *testing.T) {
			tn := startNode(t, func(c *Config) { c.Serving, c.IOThreads = serving.NewGroup(mode.io, false), mode.loops })
			ctx := context.Background()
			c := tn.client(t)
			val := strings.Repeat("v", 64<<10)
			if err := c.Set(ctx, "big", val, 0).Err(); err != nil {
				t.Fatal(err)
			}
			slow, err := net.Dial("tcp", tn.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer slow.Close()
			const gets = 512
			before := tn.totalCommands()
			go func() {
				w := bufio.NewWriter(slow)
				for i := 0; i < gets; i++ {
					fmt.Fprintf(w, "*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n")
				}
				w.Flush()
			}()
			// The node has gone as far as it can with the GETs: it has begun
			// answering them and its command count no longer moves.
			last, still := before, 0
			waitFor(t, 10*time.Second, "the node to stall on the unread replies", func() bool {
				n := tn.totalCommands()
				if n > before && n == last {
					still++
				} else {
					still = 0
				}
				last = n
				return still >= 10
			})
			// Several fresh clients, so that every event loop is asked.
			for i := 0; i < 8; i++ {
				o := tn.client(t)
				cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				got, err := o.Incr(cctx, "counter").Result()
				cancel()
				if err != nil || got != int64(i+1) {
					t.Fatalf("client %d while another does not read: INCR = %d, %v", i, got, err)
				}
			}
			slow.SetReadDeadline(time.Now().Add(30 * time.Second))
			rd := bufio.NewReaderSize(slow, 1<<16)
			want := fmt.Sprintf("$%d\r\n%s\r\n", len(val), val)
			buf := make([]byte, len(want))
			for i := 0; i < gets; i++ {
				if _, err := io.ReadFull(rd, buf); err != nil {
					t.Fatalf("reply %d: %v", i, err)
				}
				if string(buf) != want {
					t.Fatalf("reply %d differs from the value", i)
				}
			}
		})
	}
}

// TestWaitOnEventLoopConnection runs WAIT (which leaves the event loop for
// a goroutine) in the middle of a pipeline: replies keep their order and
// the connection keeps working after it.
func TestWaitOnEventLoopConnection(t *testing.T) {
	tn := startNode(t, nil)
	rc := tn.raw(t)
	rc.send("SET", "a", "1")
	rc.send("WAIT", "0", "0")
	rc.send("GET", "a")
	for i, want := range []string{"OK", "(integer) 0", `"1"`} {
		got, err := rc.reply()
		if err != nil || got != want {
			t.Fatalf("reply %d = %q, %v; want %q", i, got, err, want)
		}
	}
	if got := rc.do("INCR", "n"); got != "(integer) 1" {
		t.Fatalf("after WAIT: INCR = %q", got)
	}
}

// TestClientKill closes another client by ID and by address, served by
// event loops or by goroutines: the killed connection reads end of file,
// the killer goes on, and the registry forgets the victim.
func TestClientKill(t *testing.T) {
	inEachServingMode(t, func(t *testing.T, tn *testNode) {
		killer := tn.raw(t)
		for _, by := range []string{"ID", "ADDR"} {
			victim := tn.raw(t)
			id := strings.TrimPrefix(victim.do("CLIENT", "ID"), "(integer) ")
			arg := id
			if by == "ADDR" {
				arg = victim.c.LocalAddr().String()
			}
			if got := killer.do("CLIENT", "KILL", by, arg); got != "(integer) 1" {
				t.Fatalf("CLIENT KILL %s %s = %q", by, arg, got)
			}
			if _, err := victim.reply(); err != io.EOF {
				t.Fatalf("killed by %s: read %v, want EOF", by, err)
			}
			// The loop forgets the connection once it has seen it close.
			testutil.WaitNil(t, 5*time.Second, func() error {
				if got := killer.do("CLIENT", "KILL", "ID", id); got != "(integer) 0" {
					return fmt.Errorf("killing %s again = %q, want 0", id, got)
				}
				return nil
			})
		}
		if got := killer.do("PING"); got != "PONG" {
			t.Fatalf("killer after the kills: %q", got)
		}
	})
}

// TestConfigSetTimeoutClosesIdleLoopClients sets the idle timeout while
// a client sits idle on a sleeping event loop: it is closed all the same.
func TestConfigSetTimeoutClosesIdleLoopClients(t *testing.T) {
	tn := startNode(t, nil)
	idle := tn.raw(t)
	if got := idle.do("PING"); got != "PONG" {
		t.Fatal(got)
	}
	admin := tn.raw(t)
	if got := admin.do("CONFIG", "SET", "timeout", "1"); got != "OK" {
		t.Fatalf("CONFIG SET timeout 1 = %q", got)
	}
	if _, err := idle.reply(); err != io.EOF {
		t.Fatalf("idle client: read %v, want EOF within the timeout", err)
	}
}

// TestLoopsScaleWithLoad: with IOThreads 0 a node serves from one event
// loop while that is enough, adds a loop when it is busy, and gives it
// back when the load is gone; clients moved between loops keep working,
// every reply in its place.
func TestLoopsScaleWithLoad(t *testing.T) {
	if !loopsAvailable || runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs event loops and two processors")
	}
	// The load runs on this machine: its processors are the clients' too,
	// which io-threads-cpu-wait would (rightly) see; this test is about
	// moving connections, so it turns that check off.
	tn := startNode(t, func(c *Config) { c.IOThreadsCPUWait = -1 })
	ctx := context.Background()
	c := tn.client(t)
	if n := infoInt(t, c, "event_loops"); n < 2 {
		t.Fatalf("event_loops = %d on %d processors", n, runtime.GOMAXPROCS(0))
	}
	if n := infoInt(t, c, "event_loops_serving"); n != 1 {
		t.Fatalf("event_loops_serving = %d before any load, want 1", n)
	}
	// round pipelines SETs then GETs of a worker's keys and checks them.
	round := func(cl *redis.Client, w, r int) error {
		pipe := cl.Pipeline()
		for i := range 50 {
			pipe.Set(ctx, fmt.Sprintf("w%d:%d", w, i), fmt.Sprintf("%d:%d", r, i), 0)
		}
		gets := make([]*redis.StringCmd, 50)
		for i := range gets {
			gets[i] = pipe.Get(ctx, fmt.Sprintf("w%d:%d", w, i))
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return err
		}
		for i, g := range gets {
			if want := fmt.Sprintf("%d:%d", r, i); g.Val() != want {
				return fmt.Errorf("worker %d round %d: GET = %q, want %q", w, r, g.Val(), want)
			}
		}
		return nil
	}
	// The load: redis-benchmark (a process of its own, as a node's clients
	// are), bounded in time; go-redis workers check replies meanwhile.
	bench, err := exec.LookPath("redis-benchmark")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-benchmark is required in CI")
		}
		t.Skip("redis-benchmark not installed (apt-get install redis-tools)")
	}
	host, port, _ := net.SplitHostPort(tn.addr)
	bctx, cancel := context.WithTimeout(ctx, 40*time.Second)
	defer cancel()
	load := exec.CommandContext(bctx, bench, "-h", host, "-p", port, "-q", "-c", "50", "-P", "16",
		"-n", "50000000", "-r", "100000", "-t", "set,get")
	if err := load.Start(); err != nil {
		t.Fatal(err)
	}
	const workers = 4
	clients := make([]*redis.Client, workers)
	for w := range clients {
		clients[w] = tn.client(t)
	}
	stop := make(chan struct{})
	errs := make(chan error, workers)
	var rounds [workers]atomic.Int64 // rounds each worker has checked
	var wg sync.WaitGroup
	for w, cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; ; r++ {
				select {
				case <-stop:
					return
				case <-bctx.Done():
					return
				default:
				}
				if err := round(cl, w, r); err != nil {
					errs <- err
					return
				}
				rounds[w].Add(1)
			}
		}()
	}
	waitFor(t, 30*time.Second, "a second loop under load", func() bool {
		return infoInt(t, c, "event_loops_serving") >= 2
	})
	// Some load on two loops (every worker checks two more rounds), then
	// none.
	var at [workers]int64
	for w := range at {
		at[w] = rounds[w].Load()
	}
	waitFor(t, 30*time.Second, "every worker to check two rounds on two loops", func() bool {
		for w := range at {
			if rounds[w].Load() < at[w]+2 && len(errs) == 0 && bctx.Err() == nil {
				return false
			}
		}
		return true
	})
	cancel()
	_ = load.Wait()
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	waitFor(t, 15*time.Second, "one loop again without load", func() bool {
		time.Sleep(20 * time.Millisecond) // paces the INFO calls (load of their own); not a synchronisation
		return infoInt(t, c, "event_loops_serving") == 1
	})
	for w, cl := range clients {
		if err := round(cl, w, 1000); err != nil {
			t.Errorf("after the loops shrank: %v", err)
		}
	}
}

// TestLoopsGiveBackWhenProcessorsTaken: when the node's threads wait for
// processors that other processes take, a second event loop only waits
// its turn (and its connections with it), so the scaler gives it back and
// adds none while that lasts.
func TestLoopsGiveBackWhenProcessorsTaken(t *testing.T) {
	if !loopsAvailable || runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs event loops and two processors")
	}
	bench, err := exec.LookPath("redis-benchmark")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-benchmark is required in CI")
		}
		t.Skip("redis-benchmark not installed (apt-get install redis-tools)")
	}
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	if got := c.ConfigGet(ctx, "io-threads-cpu-wait").Val()["io-threads-cpu-wait"]; got != "0.3" {
		t.Fatalf("io-threads-cpu-wait = %q, want the default 0.3", got)
	}
	if err := c.ConfigSet(ctx, "io-threads-cpu-wait", "-1").Err(); err == nil {
		t.Fatal("CONFIG SET io-threads-cpu-wait -1 accepted")
	}
	// Load with the check off: the loop is busy and a second one is
	// added. (Whether burners alone make the loop look busy enough depends
	// on how the processors are shared out, so the second loop comes from
	// load the node can serve.)
	if err := c.ConfigSet(ctx, "io-threads-cpu-wait", "0").Err(); err != nil {
		t.Fatal(err)
	}
	bctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	host, port, _ := net.SplitHostPort(tn.addr)
	load := exec.CommandContext(bctx, bench, "-h", host, "-p", port, "-q", "-c", "50", "-P", "16",
		"-n", "50000000", "-r", "100000", "-t", "set,get")
	if err := load.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); _ = load.Wait() }()
	waitFor(t, 30*time.Second, "a second loop under load with the check off", func() bool {
		return infoInt(t, c, "event_loops_serving") >= 2
	})
	// Then processes that take every processor.
	for range runtime.NumCPU() + 1 {
		burn := exec.CommandContext(bctx, "sh", "-c", "while :; do :; done")
		if err := burn.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = burn.Process.Kill(); _ = burn.Wait() }()
	}
	// The check on: one loop gives back, and none is added while the
	// processors stay taken.
	if err := c.ConfigSet(ctx, "io-threads-cpu-wait", "0.3").Err(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "one loop while the processors are taken", func() bool {
		return infoInt(t, c, "event_loops_serving") == 1
	})
	// The wait the node reports over the window (its highest reading: one
	// reading may fall in a moment the lone loop had little to run).
	w := -1.0
	for end := time.Now().Add(3 * time.Second); time.Now().Before(end); {
		if n := infoInt(t, c, "event_loops_serving"); n != 1 {
			t.Fatalf("event_loops_serving = %d while the processors are taken, want 1", n)
		}
		for _, line := range strings.Split(c.Info(ctx, "stats").Val(), "\r\n") {
			if v, ok := strings.CutPrefix(line, "event_loops_cpu_wait:"); ok {
				f, _ := strconv.ParseFloat(v, 64)
				w = max(w, f)
			}
		}
		time.Sleep(50 * time.Millisecond) // paces the INFO calls; an observation window, not a synchronisation
	}
	if w <= 0.3 {
		t.Fatalf("event_loops_cpu_wait at most %v with every processor taken, want over 0.3", w)
	}
	// Replies stay right on the loop that is left.
	for i := range 100 {
		k := fmt.Sprintf("after:%d", i)
		if err := c.Set(ctx, k, i, 0).Err(); err != nil {
			t.Fatal(err)
		}
		if v, _ := c.Get(ctx, k).Int(); v != i {
			t.Fatalf("GET %s = %d, want %d", k, v, i)
		}
	}
}
