package node

import (
	"context"
	"sync/atomic"
	"syscall"
	"time"
)

// stats are the node's own counters (the keyspace keeps its own). Command
// counts live on each client, so the hot path touches no shared cache line;
// closedCommands keeps the counts of clients that have gone.
type stats struct {
	closedCommands atomic.Int64
	resetBase      atomic.Int64 // total at the last CONFIG RESETSTAT
	opsPerS        atomic.Int64 // instantaneous ops/s, sampled
	clock          atomic.Int64 // unix nanoseconds, refreshed every 100 ms
	netIn, netOut  atomic.Int64 // bytes read from and written to clients
	netPerS        atomic.Int64 // client bytes per second, in + out, sampled
	netInPerS      atomic.Int64 // client bytes read per second, sampled
	netOutPerS     atomic.Int64 // client bytes written per second, sampled
	memPeak        atomic.Int64 // the highest used_memory sampled (INFO's used_memory_peak)
	cpuMilli       atomic.Int64 // CPU used, in thousandths of a core, sampled
	lazyfreed      atomic.Int64 // values Redis would have freed in the background (lazyfree.go)
}

// totalCommands returns total_commands_processed.
func (n *Node) totalCommands() int64 {
	return n.stats.closedCommands.Load() + n.clients.commands() - n.stats.resetBase.Load()
}

func (n *Node) resetStats() {
	n.stats.resetBase.Store(n.stats.closedCommands.Load() + n.clients.commands())
	n.stats.opsPerS.Store(0)
	n.stats.lazyfreed.Store(0)
	n.scripts.onLoop.Store(0)
	n.scripts.offLoop.Store(0)
}

// sample refreshes the coarse clock and the instantaneous ops/s figure
// every 100 ms (over a sliding window of 16 samples, like Redis) until ctx
// is done.
func (n *Node) sample(ctx context.Context) {
	const slots = 16
	var hist, net, netIn, cpu [slots]int64
	var at [slots]time.Time
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			n.stats.clock.Store(now.UnixNano())
			cur := i % slots
			hist[cur], at[cur] = n.totalCommands(), now
			netIn[cur] = n.stats.netIn.Load()
			net[cur] = netIn[cur] + n.stats.netOut.Load()
			cpu[cur] = cpuNanos()
			first := 0
			if i >= slots {
				first = (i + 1) % slots
			}
			if dt := now.Sub(at[first]).Seconds(); i > 0 && dt > 0 {
				n.stats.opsPerS.Store(int64(float64(hist[cur]-hist[first]) / dt))
				n.stats.netPerS.Store(int64(float64(net[cur]-net[first]) / dt))
				in := netIn[cur] - netIn[first]
				n.stats.netInPerS.Store(int64(float64(in) / dt))
				n.stats.netOutPerS.Store(int64(float64(net[cur]-net[first]-in) / dt))
				n.stats.cpuMilli.Store(int64(float64(cpu[cur]-cpu[first]) / 1e6 / dt))
			}
			if i%10 == 0 {
				n.checkSavePoints(now)
				n.notePeak(n.usedMemory())
			}
		}
	}
}

// cpuNanos returns the CPU time the process has used (user + system).
func cpuNanos() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
