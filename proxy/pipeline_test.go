package proxy

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/serving"
)

// mixedCommands returns n commands of many kinds over keys spread across
// shards, the same for a given seed.
func mixedCommands(seed uint64, n int, prefix string) [][]string {
	rng := rand.New(rand.NewPCG(seed, 7))
	key := func() string { return prefix + strconv.Itoa(rng.IntN(50)) }
	out := make([][]string, 0, n)
	for i := 0; i < n; i++ {
		switch rng.IntN(12) {
		case 0:
			out = append(out, []string{"SET", key(), strconv.Itoa(i)})
		case 1:
			out = append(out, []string{"GET", key()})
		case 2:
			out = append(out, []string{"INCR", key() + ":n"})
		case 3:
			out = append(out, []string{"MGET", key(), key(), key(), key()})
		case 4:
			out = append(out, []string{"MSET", key(), "m" + strconv.Itoa(i), key(), "M" + strconv.Itoa(i)})
		case 5:
			out = append(out, []string{"DEL", key(), key()})
		case 6:
			out = append(out, []string{"EXISTS", key(), key(), key()})
		case 7:
			out = append(out, []string{"HSET", key() + ":h", "f" + strconv.Itoa(i%3), strconv.Itoa(i)})
		case 8:
			out = append(out, []string{"HGETALL", key() + ":h"})
		case 9:
			out = append(out, []string{"PING"})
		case 10:
			out = append(out, []string{"APPEND", key(), "x"})
		default:
			out = append(out, []string{"ECHO", "e" + strconv.Itoa(i)})
		}
	}
	return out
}

func TestPipelineOf1000MixedCommandsInOrder(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		cmds := mixedCommands(1, 1000, "p:")
		direct := startRedis(t)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(startRedises(t, 3)...)...)
		d, c := dialRaw(t, direct.addr), dialRaw(t, p.addr)
		for _, args := range cmds {
			d.send(args...)
			c.send(args...)
		}
		for i, args := range cmds {
			if want, got := d.recv(), c.recv(); got != want {
				t.Fatalf("reply %d to %s:\n proxy:  %s\n direct: %s", i, strings.Join(args, " "), trim(got), trim(want))
			}
		}
	})
}

func TestManyClientsPipelinesKeepTheirOrder(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		rs := startRedises(t, 3)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
		const clients, depth = 20, 200
		var wg sync.WaitGroup
		errs := make(chan error, clients)
		for cl := 0; cl < clients; cl++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := client(t, p.addr)
				ctx := context.Background()
				pipe := c.Pipeline()
				prefix := fmt.Sprintf("c%d:", cl)
				for i := 0; i < depth; i++ {
					k := prefix + strconv.Itoa(i%37)
					pipe.Set(ctx, k, i, 0)
					pipe.Get(ctx, k)
					pipe.Incr(ctx, prefix+"count")
				}
				res, err := pipe.Exec(ctx)
				if err != nil {
					errs <- err
					return
				}
				for i := 0; i < depth; i++ {
					get, incr := res[3*i+1].String(), res[3*i+2].String()
					if want := fmt.Sprintf("get %s%d: %d", prefix, i%37, i); get != want {
						errs <- fmt.Errorf("reply %d: %q, want %q", 3*i+1, get, want)
						return
					}
					if want := fmt.Sprintf("incr %scount: %d", prefix, i+1); incr != want {
						errs <- fmt.Errorf("reply %d: %q, want %q", 3*i+2, incr, want)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

func TestMGetAcrossThreeShards(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		rs := startRedises(t, 3)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
		ctx := context.Background()
		c := client(t, p.addr)
		// Two keys on each node, interleaved, plus a missing one.
		var keys []string
		for node := 0; node < 3; node++ {
			keys = append(keys, keysOn(p.router, node, 2, fmt.Sprintf("n%d-", node))...)
		}
		order := []string{keys[0], keys[2], keys[4], keys[1], "missing", keys[3], keys[5]}
		for i, k := range keys {
			if err := c.Set(ctx, k, "v"+strconv.Itoa(i), 0).Err(); err != nil {
				t.Fatal(err)
			}
		}
		got, err := c.MGet(ctx, order...).Result()
		if err != nil {
			t.Fatal(err)
		}
		want := []any{"v0", "v2", "v4", "v1", nil, "v3", "v5"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("MGET = %v, want %v", got, want)
		}
		// Each node holds exactly its own two keys.
		for node, r := range rs {
			if n := rawDo(r.addr, "DBSIZE"); n != ":2\r\n" {
				t.Errorf("node %d holds %q keys, want 2", node, n)
			}
		}
		if n, err := c.Del(ctx, order...).Result(); err != nil || n != 6 {
			t.Errorf("DEL across shards = %d, %v; want 6", n, err)
		}
	})
}

// TestClientThatStopsReading checks that a client that sends commands
// with big replies and never reads them holds up only itself: others are
// served, and the proxy stops reading its commands, so memory stays
// bounded (by one round: MaxPipeline commands' replies).
func TestClientThatStopsReading(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		r := startRedis(t)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, r.addr)
		big := strings.Repeat("x", 16<<10)
		if got := rawDo(p.addr, "SET", "big", big); got != "+OK\r\n" {
			t.Fatal(got)
		}
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)

		// The greedy client asks for 400000 × 16 KiB and reads nothing.
		greedy := dialRaw(t, p.addr)
		var sent atomic.Int64
		done := make(chan struct{})
		go func() {
			defer close(done)
			req := resp.AppendCommand(nil, "GET", "big")
			for range 400000 {
				greedy.nc.SetWriteDeadline(time.Now().Add(20 * time.Second))
				if _, err := greedy.nc.Write(req); err != nil {
					return
				}
				sent.Add(1)
			}
		}()
		// Wait until the proxy has stopped taking its commands.
		last, still := int64(-1), 0
		eventually(t, 20*time.Second, "the greedy client's writes to stall", func() bool {
			n := sent.Load()
			if n == last {
				still++
			} else {
				last, still = n, 0
			}
			return still >= 40 || n == 400000
		})
		if sent.Load() == 400000 {
			t.Fatal("the proxy accepted every command of a client that reads nothing")
		}
		c := client(t, p.addr)
		ctx := context.Background()
		if err := c.Set(ctx, "small", "v", 0).Err(); err != nil {
			t.Errorf("another client: %v", err)
		}
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 64<<20 {
			t.Errorf("heap grew by %d MiB while a client did not read", grown>>20)
		}
		greedy.nc.Close()
		<-done
	})
}
