//go:build linux

package node

import (
	"syscall"
	"time"

	"github.com/vcache/vcache/internal/rawio"
)

// How an event loop waits for its next events. At redis-benchmark -P 1
// the next request is usually a few microseconds away, and putting the
// thread to sleep through Go's system-call path (the runtime's monitor
// taking its processor after 20 µs and handing it to another thread, the
// loop then getting one back) costs more than that. The loop used to poll
// without a timeout until an event came, for up to spinBeforeSleep
// (measured with redis-benchmark -P 1: no spin 102k/118k SET/GET ops/s,
// 10 µs 122k/103k, 20 µs 125k/129k, 30 µs 127k/118k; Redis 149k/149k in
// the same run), but that made about two epoll calls per request at -P 1,
// most finding nothing, where Redis makes a tenth of one (bench/syscalls.sh).
// Now it waits for up to spinBeforeSleep in one epoll_pwait2 that keeps
// the processor (rawio.PollFor): it returns as soon as an event comes, and
// the thread sleeps in the kernel meanwhile instead of spinning. Only
// while the serving group has no more loops than processors: in vcache
// dev (three nodes in one process) loops that kept their processors took
// the CPU the proxy and the other nodes needed (half the ops/s). After
// that the loop waits in Go's system-call path, giving its processor up.

// poll waits for l's next events, for up to timeout milliseconds (-1: no
// limit) in all.
func (l *evloop) poll(events []syscall.EpollEvent, timeout int) (int, error) {
	if !l.s.n.io.MaySpin() {
		// Look without blocking first: while clients keep the loop busy
		// it does not go through the scheduler.
		if nev, err := rawio.PollNow(l.Epfd, events); nev > 0 || err != nil {
			return nev, err
		}
		return syscall.EpollWait(l.Epfd, events, timeout)
	}
	if !l.noPwait2 {
		nev, err := rawio.PollFor(l.Epfd, events, spinBeforeSleep)
		if err == syscall.ENOSYS || err == syscall.EPERM {
			l.noPwait2 = true // a kernel before 5.11, or a filter that denies it
		} else if nev > 0 || err != nil {
			return nev, err
		} else {
			return syscall.EpollWait(l.Epfd, events, timeout)
		}
	}
	nev, err := rawio.PollNow(l.Epfd, events)
	for t0 := time.Now(); nev == 0 && err == nil && time.Since(t0) < spinBeforeSleep; {
		nev, err = rawio.PollNow(l.Epfd, events)
	}
	if nev > 0 || err != nil {
		return nev, err
	}
	return syscall.EpollWait(l.Epfd, events, timeout)
}
