package node

import (
	"net"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Ordering a new connection's first command. Redis accepts in its own
// event loop: a connection made before another client sends a command is
// accepted, and its first command read, before that command runs, when
// its bytes came first. vcache accepts in a goroutine of its own and
// hands the connection to a loop, so a loop could serve another client's
// later command first (a blocking XREADGROUP sent on a new connection,
// then FLUSHALL on another: the reader must be blocked when the flush
// runs). So each loop also watches the listening socket, edge-triggered:
// in a round in which a connection arrived, the loop waits (briefly,
// bounded by acceptWait) for the accept goroutine to hand it over, then
// reads the new connection before serving the round (readFresh). An
// event means at least one connection came: the loop waits until the
// accept goroutine has handed on one more connection than when the loop
// last looked (server.handed) and the kernel's queue is empty.

// acceptWait bounds how long a loop waits for a connection being accepted.
const acceptWait = 5 * time.Millisecond

// listenerFD returns the listening socket's descriptor, or -1 when the
// listener is not plain TCP (TLS connections have goroutines anyway).
func (s *server) listenerFD() int {
	tl, ok := s.ln.(*net.TCPListener)
	if !ok {
		return -1
	}
	rc, err := tl.SyscallConn()
	if err != nil {
		return -1
	}
	fd := -1
	if rc.Control(func(f uintptr) { fd = int(f) }) != nil {
		return -1
	}
	return fd
}

// watchListener adds the listening socket fd to l's epoll set.
func (l *evloop) watchListener(fd int) {
	if fd < 0 {
		return
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | unix.EPOLLET, Fd: int32(fd)}
	if err := syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_ADD, fd, &ev); err != nil {
		l.s.n.log.Warn("event loop: watch listener", "err", err)
		return
	}
	l.lnFD = fd
}

// awaitAccepts waits until the connection that raised the listener's
// event has been handed on and none waits in the listener's queue, then
// takes the loop's new connections (reading each at once).
func (l *evloop) awaitAccepts(now time.Time) (stop bool) {
	s := l.s
	deadline := now.Add(acceptWait)
	for {
		if h := s.handed.Load(); h > l.handed && !readable(l.lnFD) {
			l.handed = h
			break
		}
		if time.Now().After(deadline) {
			break
		}
		// Sleep rather than yield: a parked loop lets its processor poll
		// the network, which is what wakes the accept goroutine.
		time.Sleep(10 * time.Microsecond)
	}
	return l.takeIncoming(now)
}

// readable reports whether fd has something to read (for a listening
// socket: a connection to accept), without waiting.
func readable(fd int) bool {
	p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	n, err := unix.Poll(p, 0)
	return err == nil && n > 0 && p[0].Revents&unix.POLLIN != 0
}
