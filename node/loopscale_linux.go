//go:build linux

package node

import (
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// How many event loops serve: on a machine shared with its clients, more
// loops than the work needs cost throughput. With redis-benchmark -c 50 on
// 2 cores, same run: -P 1 one loop 164k/158k SET/GET ops/s, two loops
// 142k/145k (Redis 163k/160k); -P 16 one loop 0.66M/0.73M, two loops
// 0.97M/1.09M (Redis 0.95M/1.09M). Two loops at -P 1 each sit in a
// processor the client needs, and each request costs more (7 µs of loop
// time against 5). So with IOThreads 0 the node starts with one loop
// serving and adds one when the serving loops are busy (processing, not
// waiting) more than splitAbove of the time over two windows, and gives
// one back when their average over the last windows falls under
// mergeBelow: a loop that stops serving moves its connections to the
// others, and a new one takes its share from them. Busy fractions seen
// (one loop: 0.79 at -P 1, 0.95 at -P 16; two loops: 0.35-0.6 each at
// -P 1, 0.7 each at -P 16) put the thresholds at 0.9 and 0.55.
//
// Busy is wall time, so a loop that waits for a processor while serving
// looks busy too: on a machine whose processors the clients take (the
// benchmark beside the server), a second loop then only adds a thread that
// waits its turn, and each loop's connections wait whenever their loop is
// off the processor (redis-benchmark and vcache bench kv -c 50, 2 cores:
// p99 4.2 ms with two loops, 1.6 ms with one, redis-server 1.6 ms;
// bench/tail.sh). So the scaler also watches how many of the process's
// threads wait for a processor (serving.Group.CPUWait): it adds no loop
// unless they waited less than io-threads-cpu-wait (0.3 threads on
// average by default) over the last waitWindows windows, and gives one
// back after
// waitWindows windows of waiting, then adds none for a while (backoff,
// doubled each time waiting sends a loop back, up to maxBackoff).

const (
	scaleWindow  = 50 * time.Millisecond
	splitAbove   = 0.9
	splitWindows = 2
	mergeBelow   = 0.55
	mergeWindows = 20

	waitWindows = 4
	minBackoff  = 5 * time.Second
	maxBackoff  = time.Minute
)

// loopScaler decides how many of a server's loops serve.
type loopScaler struct {
	active  atomic.Int32  // loops serving: the first active of s.loops
	gen     atomic.Uint32 // bumped when active changes
	lastWin atomic.Int64  // when the current window began (Unix ns)

	mu       sync.Mutex // the deciding loop's
	prevBusy []int64
	above    int       // consecutive windows over splitAbove
	recent   []float64 // busy per serving loop, the last windows
	waiting  int       // consecutive windows over io-threads-cpu-wait
	calm     int       // consecutive windows at or under it
	noSplit  time.Time // no loop is added before this
	backoff  time.Duration
	lastWait float64 // CPUWait of the last window, for INFO
}

// serving is how many loops take connections now.
func (s *server) serving() int {
	if s.scale == nil {
		return len(s.loops)
	}
	return int(s.scale.active.Load())
}

// maybeScale ends the window if it is due, deciding whether to add or
// give back a loop. Any loop may call it; one decides per window.
func (s *server) maybeScale(now time.Time) {
	sc := s.scale
	last := sc.lastWin.Load()
	w := now.UnixNano() - last
	if w < int64(scaleWindow) || !sc.lastWin.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	k := int(sc.active.Load())
	var sum float64
	for i, l := range s.loops {
		b := l.busy.Load()
		sum += float64(b-sc.prevBusy[i]) / float64(w)
		sc.prevBusy[i] = b
	}
	per := sum / float64(k)
	if per > splitAbove {
		sc.above++
	} else {
		sc.above = 0
	}
	sc.recent = append(sc.recent, per)
	if len(sc.recent) > mergeWindows {
		sc.recent = sc.recent[1:]
	}
	var avg float64
	for _, x := range sc.recent {
		avg += x
	}
	avg /= float64(len(sc.recent))
	wait, limit := -1.0, s.n.loopCPUWait() // read once: CONFIG SET may change it meanwhile
	if limit > 0 {
		wait = s.n.io.CPUWait()
	}
	sc.lastWait = wait
	if limit > 0 && wait > limit {
		sc.waiting++
		sc.calm = 0
	} else {
		sc.waiting = 0
		sc.calm++
	}
	switch {
	case k > 1 && sc.waiting >= waitWindows:
		k--
		sc.backoff = min(max(2*sc.backoff, minBackoff), maxBackoff)
		sc.noSplit = now.Add(sc.backoff)
	case k < len(s.loops) && sc.above >= splitWindows && sc.calm >= waitWindows && !now.Before(sc.noSplit):
		k++
	case k > 1 && len(sc.recent) == mergeWindows && avg < mergeBelow:
		k--
	default:
		if sc.backoff > 0 && now.Sub(sc.noSplit) > 10*maxBackoff {
			sc.backoff = 0 // a long calm: start from the shortest wait again
		}
		return
	}
	sc.waiting = 0
	sc.above, sc.recent = 0, sc.recent[:0]
	sc.active.Store(int32(k))
	sc.gen.Add(1)
	s.n.log.Debug("event loops serving", "loops", k, "busy", per, "cpu_wait", wait)
	for _, l := range s.loops {
		l.wake()
	}
}

// rebalance moves connections after the number of serving loops changed:
// a loop that no longer serves gives all of its to the serving ones; a
// serving loop with more than its share gives the excess to the newest.
func (l *evloop) rebalance() {
	s := l.s
	k := s.serving()
	var to []*evloop
	n := 0
	if l.index >= k {
		to, n = s.loops[:k], len(l.conns)
	} else if k > 1 {
		total := int(s.loopConns.Load())
		share := (total + k - 1) / k
		to, n = s.loops[k-1:k], len(l.conns)-share
		if l.index == k-1 {
			n = 0
		}
	}
	i := 0
	for fd, c := range l.conns {
		if i >= n {
			break
		}
		dst := to[i%len(to)]
		i++
		// Out of this loop's set before another loop may read it.
		_ = syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_DEL, fd, nil)
		delete(l.conns, fd)
		if !dst.take(c) {
			s.loopConns.Add(-1)
			l.finish(c, nil) // the server is stopping
		}
	}
}

// take queues a connection moved from another loop; false if this loop
// is stopping.
func (l *evloop) take(c *rconn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stop {
		return false
	}
	c.moved = true
	l.incoming = append(l.incoming, c)
	l.wake()
	return true
}

// cpuWait is the processor wait the scaler saw in its last window
// (serving.Group.CPUWait), or -1 when it does not scale.
func (s *server) cpuWait() float64 {
	if s.scale == nil {
		return -1
	}
	s.scale.mu.Lock()
	defer s.scale.mu.Unlock()
	return s.scale.lastWait
}
