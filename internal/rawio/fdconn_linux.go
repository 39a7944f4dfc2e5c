//go:build linux

package rawio

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/vcache/vcache/internal/resp"
)

// Read, Write and PollNow make system calls that never block (the
// descriptors are non-blocking, the poll has no timeout) without telling
// the Go scheduler. With syscall.Read and Write the runtime's monitor woke
// every 20 µs to take the processor of a loop that sat in a loopback write
// and handed it to another thread, then the loop had to get one back: at
// redis-benchmark -P 16 a fifth of the node's CPU went to those wakeups
// and thread switches.
func PollNow(epfd int, events []syscall.EpollEvent) (int, error) {
	n, _, e := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), 0, 0, 0)
	if e != 0 {
		if e == syscall.EINTR {
			return 0, nil
		}
		return 0, e
	}
	return int(n), nil
}

// PollFor waits up to d for events on epfd, as PollNow does without
// telling the Go scheduler: the thread sleeps in the kernel and keeps its
// processor, so the runtime's monitor neither takes the processor nor
// hands it to another thread meanwhile (keep d short: no other goroutine
// runs on that processor while it waits). It returns at once when events
// are ready: one system call, where polling without a timeout until events
// come made several. A signal ends the wait early (0 events, no error).
// ENOSYS (or EPERM from a seccomp filter) means the kernel has no
// epoll_pwait2 (Linux before 5.11): use PollNow instead.
func PollFor(epfd int, events []syscall.EpollEvent, d time.Duration) (int, error) {
	ts := syscall.NsecToTimespec(int64(d))
	n, _, e := syscall.RawSyscall6(unix.SYS_EPOLL_PWAIT2, uintptr(epfd), uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), uintptr(unsafe.Pointer(&ts)), 0, 0)
	if e != 0 {
		if e == syscall.EINTR {
			return 0, nil
		}
		return 0, e
	}
	return int(n), nil
}

// FDConn is a connection served by an event loop: its descriptor, in
// non-blocking mode, with the replies the socket could not take yet. After
// a handoff it forwards to a net.Conn owned by Go's poller. Read, Write
// and drain are called by the connection's owner only (its loop, then its
// goroutine); Close may be called by anyone.
type FDConn struct {
	mu     sync.Mutex // guards fd's closing and goConn against Close
	fd     int
	closed bool     // fd has been closed (or handed off)
	goConn net.Conn // after a handoff

	laddr, raddr net.Addr
	out          []byte // replies not yet sent
}

// NewFDConn takes tc's descriptor over (tc is closed).
func NewFDConn(tc *net.TCPConn) (*FDConn, error) {
	raw, err := tc.SyscallConn()
	if err != nil {
		return nil, err
	}
	fd := -1
	var derr error
	if err := raw.Control(func(f uintptr) {
		fd, derr = dupCloexec(int(f))
	}); err != nil {
		return nil, err
	}
	if derr != nil {
		return nil, derr
	}
	fc := &FDConn{fd: fd, laddr: tc.LocalAddr(), raddr: tc.RemoteAddr()}
	// The duplicate shares the socket (and its non-blocking mode); closing
	// tc takes it out of Go's poller and closes only tc's descriptor.
	_ = tc.Close()
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	return fc, nil
}

func dupCloexec(fd int) (int, error) {
	r, _, e := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_DUPFD_CLOEXEC, 0)
	if e != 0 {
		return -1, e
	}
	return int(r), nil
}

func (f *FDConn) Read(p []byte) (int, error) {
	if f.goConn != nil {
		return f.goConn.Read(p)
	}
	for {
		n, err := Read(f.fd, p)
		switch {
		case err == 0 && n == 0:
			return 0, io.EOF
		case err == 0:
			return n, nil
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return 0, resp.ErrWouldBlock
		}
		return 0, err
	}
}

// Write sends what the socket takes now and keeps the rest for drain; it
// takes all of p unless the connection has failed.
func (f *FDConn) Write(p []byte) (int, error) {
	if f.goConn != nil {
		return f.goConn.Write(p)
	}
	if len(f.out) > 0 {
		f.out = append(f.out, p...)
		return len(p), nil
	}
	rest, err := f.send(p)
	if err != nil {
		return len(p) - len(rest), err
	}
	f.out = append(f.out, rest...)
	return len(p), nil
}

// send writes as much of p as the socket takes and returns the rest.
func (f *FDConn) send(p []byte) ([]byte, error) {
	for len(p) > 0 {
		n, err := Write(f.fd, p)
		if n > 0 {
			p = p[n:]
		}
		switch err {
		case 0, syscall.EINTR:
		case syscall.EAGAIN:
			return p, nil
		default:
			return p, err
		}
	}
	return nil, nil
}

// Drain sends pending replies.
func (f *FDConn) Drain() error {
	rest, err := f.send(f.out)
	if len(rest) == 0 {
		f.out = f.out[:0]
		if cap(f.out) > 1<<20 {
			f.out = nil
		}
		return err
	}
	f.out = append(f.out[:0], rest...)
	return err
}

// ToGoroutine moves the connection to Go's poller; pending replies are
// sent first.
func (f *FDConn) ToGoroutine() error {
	file := os.NewFile(uintptr(f.fd), "client")
	gc, err := net.FileConn(file) // a duplicate, registered with the poller
	f.mu.Lock()
	defer f.mu.Unlock()
	_ = file.Close()
	f.closed = true
	if err != nil {
		return err
	}
	f.goConn = gc
	if len(f.out) > 0 {
		out := f.out
		f.out = nil
		if _, err := gc.Write(out); err != nil {
			return err
		}
	}
	return nil
}

// ToLoop takes the connection back from Go's poller after a handoff
// (ToGoroutine): its socket is again a non-blocking descriptor for an
// event loop's epoll set. Replies not yet sent are kept for Drain.
func (f *FDConn) ToLoop() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	sc, ok := f.goConn.(syscall.Conn)
	if !ok {
		return errors.New("rawio: not a handed-off connection")
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return err
	}
	fd := -1
	var derr error
	if err := raw.Control(func(d uintptr) { fd, derr = dupCloexec(int(d)) }); err != nil {
		return err
	}
	if derr != nil {
		return derr
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return err
	}
	// Closing the Go side takes it out of the poller and closes only its
	// descriptor: the duplicate keeps the socket open.
	_ = f.goConn.Close()
	f.goConn, f.fd, f.closed = nil, fd, false
	return nil
}

// SendConn returns a second handle on the socket for a goroutine that
// writes while the connection's owner reads (an outbox's sender): a
// blocking net.Conn of Go's poller, whichever of a loop or a goroutine
// serves the connection meanwhile. Its Close shuts the socket down, so
// the owner's reading ends too.
func (f *FDConn) SendConn() (net.Conn, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fd, err := -1, error(nil)
	if f.goConn != nil {
		sc, ok := f.goConn.(syscall.Conn)
		if !ok {
			return nil, errors.New("rawio: no descriptor")
		}
		raw, rerr := sc.SyscallConn()
		if rerr != nil {
			return nil, rerr
		}
		if cerr := raw.Control(func(d uintptr) { fd, err = dupCloexec(int(d)) }); cerr != nil {
			return nil, cerr
		}
	} else if f.closed {
		return nil, net.ErrClosed
	} else {
		fd, err = dupCloexec(f.fd)
	}
	if err != nil {
		return nil, err
	}
	file := os.NewFile(uintptr(fd), "client")
	gc, err := net.FileConn(file) // a duplicate, registered with the poller
	_ = file.Close()
	if err != nil {
		return nil, err
	}
	return shutConn{Wrap(gc)}, nil
}

// shutConn is a SendConn: closing it shuts the socket down. Its writes
// are raw system calls (Conn), and it has TryWrite.
type shutConn struct{ net.Conn }

// TryWrite writes what of p the socket takes now (Conn.TryWrite).
func (c shutConn) TryWrite(p []byte) (int, error) {
	if tc, ok := c.Conn.(*Conn); ok {
		return tc.TryWrite(p)
	}
	return 0, nil
}

func (c shutConn) Close() error {
	if sc, ok := c.Conn.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			_ = raw.Control(func(d uintptr) { _ = syscall.Shutdown(int(d), syscall.SHUT_RDWR) })
		}
	}
	return c.Conn.Close()
}

// Release closes the descriptor (the owner's last act).
func (f *FDConn) Release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.goConn != nil {
		_ = f.goConn.Close()
		return
	}
	if !f.closed {
		f.closed = true
		syscall.Close(f.fd)
	}
}

// Close ends the connection from any goroutine: the socket is shut down,
// its loop sees the end of input and releases it.
func (f *FDConn) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.goConn != nil {
		return f.goConn.Close()
	}
	if !f.closed {
		return syscall.Shutdown(f.fd, syscall.SHUT_RDWR)
	}
	return nil
}

func (f *FDConn) LocalAddr() net.Addr  { return f.laddr }
func (f *FDConn) RemoteAddr() net.Addr { return f.raddr }

func (f *FDConn) SetDeadline(t time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.goConn != nil {
		return f.goConn.SetDeadline(t)
	}
	return nil
}

func (f *FDConn) SetReadDeadline(t time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.goConn != nil {
		return f.goConn.SetReadDeadline(t)
	}
	return nil
}

func (f *FDConn) SetWriteDeadline(t time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.goConn != nil {
		return f.goConn.SetWriteDeadline(t)
	}
	return nil
}

// FD returns the descriptor, for the owner's epoll set.
func (f *FDConn) FD() int { return f.fd }

// Pending reports how many reply bytes wait for the socket to take them.
func (f *FDConn) Pending() int { return len(f.out) }
