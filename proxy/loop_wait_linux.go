//go:build linux

package proxy

import (
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vcache/vcache/internal/rawio"
)

// How a loop waits for its next events. A loop that sleeps in Go's
// system-call path (syscall.EpollWait) leaves its processor to the
// runtime: the runtime's monitor then woke every few hundred microseconds
// to look at it and took the processor now and then, and the loop moved
// from thread to thread on waking; at redis-benchmark -c 50 -P 16 the
// monitor alone took a tenth of the proxy's CPU. So a loop first sleeps in
// one epoll_pwait2 that keeps its processor (rawio.PollFor), for up to
// holdWait: it returns as soon as an event comes. holdWait is longer than
// a scheduler tick (4 ms at 250 Hz) so that the sleep's timer is hardly
// ever the next to expire on its CPU: with 1 ms each sleep reprogrammed
// the CPU's timer, and at -P 1, where the loop sleeps every few requests,
// the proxy took more CPU per request than before, not less. Past
// holdWait (the runtime's monitor interrupts it after 10 ms anyway) an
// idle loop sleeps as before.
//
// Only while loops holding their processors leave the process one for its
// other goroutines (accepting, retries, hand-offs, and in tests the other
// proxies' loops and the tests themselves), and while the serving group
// has no more loops than processors (vcache dev: the nodes' loops).
const holdWait = 20 * time.Millisecond

// holding counts the proxies' loops sleeping with their processors.
var holding atomic.Int32

// poll waits for the loop's next events, for up to timeout milliseconds
// (-1: no limit) after holdWait.
func (l *loop) poll(timeout int) (int, error) {
	if !l.noPwait2 && l.p.io.MaySpin() {
		if holding.Add(1) < l.procs {
			nev, done, err := l.pollHolding(timeout)
			holding.Add(-1)
			if done {
				return nev, err
			}
		} else {
			holding.Add(-1)
		}
	}
	// Look without blocking first: while clients keep the loop busy it
	// does not go through the scheduler.
	nev, err := rawio.PollNow(l.Epfd, l.events[:])
	if nev == 0 && err == nil {
		nev, err = syscall.EpollWait(l.Epfd, l.events[:], timeout)
	}
	return nev, err
}

// pollHolding waits up to holdWait (or timeout, if shorter) keeping the
// processor; done is false when nothing came and the loop is to wait on
// as before.
func (l *loop) pollHolding(timeout int) (nev int, done bool, err error) {
	d := holdWait
	if timeout >= 0 && time.Duration(timeout)*time.Millisecond < d {
		d = time.Duration(timeout) * time.Millisecond
	}
	nev, err = rawio.PollFor(l.Epfd, l.events[:], d)
	switch {
	case err == syscall.ENOSYS || err == syscall.EPERM:
		l.noPwait2 = true // a kernel before 5.11, or a filter that denies it
		return 0, false, nil
	case nev > 0 || err != nil || d < holdWait:
		return nev, true, err
	}
	return 0, false, nil
}
