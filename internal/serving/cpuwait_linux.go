//go:build linux

package serving

import (
	"os"
	"strconv"
	"sync"
	"time"
)

// CPUWait is how many of the process's threads were, on average, ready to
// run but waiting for a processor since the previous call (the kernel's
// run_delay, summed over /proc/self/task/*/schedstat), or -1 when the
// kernel does not say. Event loops use it to tell a busy loop that another
// loop could help (processors are free) from one that only waits its turn
// (the processors are taken, often by the clients on the same machine):
// adding a loop in the second case makes every loop wait longer, which is
// where the node's latency tail came from (bench/tail.sh).
func (g *Group) CPUWait() float64 {
	g.wait.mu.Lock()
	defer g.wait.mu.Unlock()
	return g.wait.sample(time.Now())
}

// cpuWait keeps the previous run_delay sum between calls.
type cpuWait struct {
	mu    sync.Mutex
	at    time.Time
	delay int64
	last  float64
	buf   []byte
}

// minSample is the shortest span measured: callers in between (several
// servers of one process) get the last figure.
const minSample = 40 * time.Millisecond

func (w *cpuWait) sample(now time.Time) float64 {
	if !w.at.IsZero() && now.Sub(w.at) < minSample {
		return w.last
	}
	d, ok := w.runDelay()
	if !ok {
		return -1
	}
	prevAt, prev := w.at, w.delay
	w.at, w.delay = now, d
	if prevAt.IsZero() {
		return 0
	}
	el := now.Sub(prevAt)
	if el <= 0 {
		return 0
	}
	// Threads that exited take their delay with them: never below zero.
	w.last = max(float64(d-prev), 0) / float64(el)
	return w.last
}

// runDelay sums run_delay (nanoseconds ready but not running) over the
// process's threads.
func (w *cpuWait) runDelay() (int64, bool) {
	dir, err := os.Open("/proc/self/task")
	if err != nil {
		return 0, false
	}
	names, err := dir.Readdirnames(-1)
	dir.Close()
	if err != nil || len(names) == 0 {
		return 0, false
	}
	var sum int64
	seen := false
	for _, tid := range names {
		f, err := os.Open("/proc/self/task/" + tid + "/schedstat")
		if err != nil {
			continue // the thread exited
		}
		if cap(w.buf) < 128 {
			w.buf = make([]byte, 128)
		}
		n, _ := f.Read(w.buf[:128])
		f.Close()
		// "exec_ns run_delay_ns timeslices\n"
		b := w.buf[:n]
		i := 0
		for i < len(b) && b[i] != ' ' {
			i++
		}
		j := i + 1
		for j < len(b) && b[j] != ' ' {
			j++
		}
		if i >= len(b) || j > len(b) {
			continue
		}
		v, err := strconv.ParseInt(string(b[i+1:j]), 10, 64)
		if err != nil {
			continue
		}
		sum += v
		seen = true
	}
	return sum, seen
}
