//go:build linux

package rawio

import "syscall"

// Poller is an event loop's epoll set, with a pipe in it that other
// goroutines write to wake the loop.
type Poller struct {
	Epfd         int
	wakeR, wakeW int
}

// NewPoller makes the epoll set and its wake pipe.
func NewPoller() (Poller, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return Poller{}, err
	}
	var fds [2]int
	if err := syscall.Pipe2(fds[:], syscall.O_NONBLOCK|syscall.O_CLOEXEC); err != nil {
		syscall.Close(epfd)
		return Poller{}, err
	}
	p := Poller{Epfd: epfd, wakeR: fds[0], wakeW: fds[1]}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(p.wakeR)}
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, p.wakeR, &ev); err != nil {
		p.Close()
		return Poller{}, err
	}
	return p, nil
}

// Close closes the set and the pipe; nobody may Wake it afterwards.
func (p *Poller) Close() {
	syscall.Close(p.wakeR)
	syscall.Close(p.wakeW)
	syscall.Close(p.Epfd)
}

// Wake interrupts the owner's wait.
func (p *Poller) Wake() {
	var b [1]byte
	_, _ = syscall.Write(p.wakeW, b[:])
}

// IsWake reports whether an event's descriptor is the wake pipe's; the
// owner then calls DrainWake and looks at what it was handed.
func (p *Poller) IsWake(fd int) bool { return fd == p.wakeR }

// DrainWake empties the wake pipe.
func (p *Poller) DrainWake() {
	var buf [64]byte
	for {
		if n, _ := syscall.Read(p.wakeR, buf[:]); n < len(buf) {
			return
		}
	}
}
