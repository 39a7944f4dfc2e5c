//go:build linux

package serving

import (
	"strconv"
	"sync"
	"syscall"
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
	dents []byte   // runDelay's directory buffer
	names []string // runDelay's thread ids
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
// process's threads. It runs on an event loop every scaler window, so it
// makes its system calls directly: os.Open would add four fcntl calls and
// a failing epoll_ctl to each file's open, read and close (a hundred
// system calls a window in all, for eleven threads, where this makes
// forty).
func (w *cpuWait) runDelay() (int64, bool) {
	dir, err := syscall.Open("/proc/self/task", syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return 0, false
	}
	if cap(w.dents) < 8192 {
		w.dents = make([]byte, 8192)
	}
	w.names = w.names[:0]
	for {
		n, err := syscall.ReadDirent(dir, w.dents[:8192])
		if err != nil || n <= 0 {
			break
		}
		_, _, w.names = syscall.ParseDirent(w.dents[:n], -1, w.names)
	}
	syscall.Close(dir)
	if len(w.names) == 0 {
		return 0, false
	}
	if cap(w.buf) < 128 {
		w.buf = make([]byte, 128)
	}
	var sum int64
	seen := false
	for _, tid := range w.names {
		f, err := syscall.Open("/proc/self/task/"+tid+"/schedstat", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != nil {
			continue // the thread exited
		}
		n, _ := syscall.Read(f, w.buf[:128])
		syscall.Close(f)
		if n <= 0 {
			continue
		}
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
