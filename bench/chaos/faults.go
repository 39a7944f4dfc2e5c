package chaos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// Fault kinds.
const (
	KillPrimary = "kill-primary" // kill -9 a node that leads a shard, start it again with the same --dir
	KillReplica = "kill-replica" // kill -9 a node that holds a replica
	StopPrimary = "stop-primary" // SIGSTOP a primary longer than the failure timeout, then SIGCONT
	StopReplica = "stop-replica" // the same for a replica
	Restart     = "restart"      // SIGTERM a primary (it saves its snapshot), start it again with the same --dir
	Split       = "split"        // a load burst past the shards' ops budget, so the autoscaler splits
	Merge       = "merge"        // wait for a split shard to merge back (the nodes run with a short --merge-after)
	DiskFull    = "disk-full"    // fill a node's tmpfs --dir, SAVE and SIGTERM must fail, free it, restart
	Partition   = "partition"    // cut a primary's network (nodes in network namespaces) for 5–15 s, heal
)

// AllFaults is every kind the injector knows.
var AllFaults = []string{KillPrimary, KillReplica, StopPrimary, StopReplica, Restart, Split, Merge, DiskFull, Partition}

// FaultRecord is one injected fault.
type FaultRecord struct {
	Kind    string
	Node    string
	At      time.Time     // when it was injected
	Healed  time.Time     // when the node was back (continued, restarted)
	Healthy time.Duration // from At until the cluster was healthy again (every slot a primary and a replica, writes acknowledged)
	Stall   time.Duration // the longest pause of acknowledged writes after At, until the next fault
	Note    string        // what was seen
	Err     error         // the fault could not be carried out as planned
}

// injector injects faults into cl.
type injector struct {
	cfg   Config
	cl    *cluster
	r     *rand.Rand
	log   io.Writer
	burst *counters
}

// inject runs one fault of kind and returns its record; it returns when
// the fault is healed (the node back), bounded in time.
func (in *injector) inject(ctx context.Context, kind string) FaultRecord {
	rec := FaultRecord{Kind: kind, At: time.Now()}
	pick := func(primary bool) (*proc, error) {
		p, r, err := in.cl.roles(ctx)
		if err != nil {
			return nil, err
		}
		set := p
		if !primary {
			// Prefer a node that holds only replicas.
			set = r
			var only []int
			for _, i := range r {
				if !containsInt(p, i) {
					only = append(only, i)
				}
			}
			if len(only) > 0 {
				set = only
			}
		}
		if len(set) == 0 {
			return nil, errors.New("no node has that role")
		}
		return in.cl.nodes[set[in.r.IntN(len(set))]], nil
	}
	var n *proc
	var err error
	switch kind {
	case KillPrimary, KillReplica:
		if n, err = pick(kind == KillPrimary); err == nil {
			rec.Node = n.name
			n.kill()
			in.hold(ctx, time.Second, 4*time.Second)
			err = n.start(ctx, 30*time.Second)
		}
	case StopPrimary, StopReplica:
		if n, err = pick(kind == StopPrimary); err == nil {
			rec.Node = n.name
			if err = n.signal(syscall.SIGSTOP); err == nil {
				in.hold(ctx, in.cfg.StopFor, in.cfg.StopFor+3*time.Second)
				err = n.signal(syscall.SIGCONT)
			}
		}
	case Restart:
		if n, err = pick(true); err == nil {
			rec.Node = n.name
			err = in.restart(ctx, n)
		}
	case Split:
		rec.Node = "all"
		rec.Note = in.loadBurst(ctx)
	case Merge:
		rec.Node = "all"
		rec.Note, err = in.mergeBack(ctx)
	case KillMidSplit:
		rec.Note, err = in.killMidSplit(ctx, &rec)
	case DiskFull:
		if in.cl.full < 0 {
			err = errors.New("no tmpfs data directory (needs root)")
			break
		}
		n = in.cl.nodes[in.cl.full]
		rec.Node = n.name
		rec.Note, err = in.diskFull(ctx, n)
	case Partition:
		if in.cl.lab == nil {
			err = errors.New("the nodes are not in network namespaces")
			break
		}
		if n, err = pick(true); err == nil {
			rec.Node = n.name
			rec.Note, err = in.partition(ctx, slices.Index(in.cl.nodes, n))
		}
	default:
		err = fmt.Errorf("unknown fault %q", kind)
	}
	rec.Healed = time.Now()
	rec.Err = err
	if err := in.cl.waitHealthy(ctx, in.cfg.HealTimeout); err != nil {
		rec.Err = errors.Join(rec.Err, fmt.Errorf("not healthy %v after: %w", in.cfg.HealTimeout, err))
	}
	rec.Healthy = time.Since(rec.At)
	fmt.Fprintf(in.log, "%s %-13s %-4s healthy after %5.1fs %s", rec.At.Format("15:04:05"), kind, rec.Node, rec.Healthy.Seconds(), rec.Note)
	if rec.Err != nil {
		fmt.Fprintf(in.log, " ERROR: %v", rec.Err)
	}
	fmt.Fprintln(in.log)
	return rec
}

// hold waits a random time in [lo, hi): the length of a fault.
func (in *injector) hold(ctx context.Context, lo, hi time.Duration) {
	d := lo + time.Duration(in.r.Int64N(int64(hi-lo)+1))
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// restart stops n with SIGTERM (it saves its snapshot first) and starts
// it again.
func (in *injector) restart(ctx context.Context, n *proc) error {
	if err := n.signal(syscall.SIGTERM); err != nil {
		return err
	}
	var err error
	if !n.waitExit(30 * time.Second) {
		err = errors.New("did not exit within 30 s of SIGTERM; killed")
		n.kill()
	}
	return errors.Join(err, n.start(ctx, 30*time.Second))
}

// loadBurst runs many pipelining clients on keys of every slot for
// cfg.BurstFor, far above the baseline, so shards pass 50% of their ops
// budget for longer than the autoscaler's window.
func (in *injector) loadBurst(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, in.cfg.BurstFor)
	defer cancel()
	c := redis.NewClient(&redis.Options{Addr: in.cl.proxy.addr, PoolSize: 16, MaxRetries: -1, ReadTimeout: 10 * time.Second})
	defer c.Close()
	var wg sync.WaitGroup
	var ops, errs int64
	var mu sync.Mutex
	for g := 0; g < 12; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var o, e int64
			for i := 0; ctx.Err() == nil; i++ {
				pipe := c.Pipeline()
				for j := 0; j < 64; j++ {
					k := fmt.Sprintf("burst:%d", (g*100_003+i*64+j)%50_000)
					if j%4 == 0 {
						pipe.Set(ctx, k, "x", time.Minute)
					} else {
						pipe.Get(ctx, k)
					}
				}
				if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil && ctx.Err() == nil {
					e++
				}
				o += 64
			}
			mu.Lock()
			ops, errs = ops+o, errs+e
			mu.Unlock()
		}()
	}
	wg.Wait()
	in.burst.burstOps.Add(ops)
	return fmt.Sprintf("%d ops in %v (%d failed pipelines)", ops, in.cfg.BurstFor, errs)
}

// diskFull fills n's tmpfs data directory, checks that SAVE fails and
// that SIGTERM does not stop the node (it must not exit without its
// snapshot), frees the space and sends SIGTERM again, which must stop
// it, and starts it again.
func (in *injector) diskFull(ctx context.Context, n *proc) (string, error) {
	filler := filepath.Join(in.cl.tmpfs, "filler")
	if err := fill(filler); err != nil {
		return "", err
	}
	defer os.Remove(filler)
	c := redis.NewClient(&redis.Options{Addr: n.addr, MaxRetries: -1, ReadTimeout: 10 * time.Second})
	defer c.Close()
	var note string
	if err := c.Save(ctx).Err(); err == nil {
		note = "SAVE succeeded on a full disk; "
	} else {
		note = fmt.Sprintf("SAVE: %v; ", err)
	}
	if err := n.signal(syscall.SIGTERM); err != nil {
		return note, err
	}
	// Give it the time a save takes; it must still be there and serving.
	if n.waitExit(3 * time.Second) {
		note += "it EXITED on SIGTERM with a full disk; "
	} else if err := c.Ping(ctx).Err(); err != nil {
		note += fmt.Sprintf("it stopped serving after SIGTERM with a full disk: %v; ", err)
	} else {
		note += "kept serving after SIGTERM; "
	}
	os.Remove(filler)
	if n.running() {
		if err := n.signal(syscall.SIGTERM); err != nil {
			return note, err
		}
		if !n.waitExit(30 * time.Second) {
			n.kill()
			return note, errors.New("did not exit on SIGTERM after the disk was freed; killed")
		}
		note += "exited on the second SIGTERM"
	}
	return note, n.start(ctx, 30*time.Second)
}

// fill writes zeros to path until the file system is full.
func fill(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	for {
		if _, err := f.Write(buf); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return nil
			}
			return err
		}
	}
}
