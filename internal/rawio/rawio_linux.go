package rawio

import (
	"io"
	"net"
	"syscall"
	"unsafe"
)

// Read makes one read system call on fd, never entering the scheduler's
// system-call path: fd must be non-blocking. On an error n is negative.
func Read(fd int, p []byte) (n int, errno syscall.Errno) {
	if len(p) == 0 {
		return 0, 0
	}
	r, _, e := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	return int(r), e
}

// Write makes one write system call on fd, as Read does.
func Write(fd int, p []byte) (n int, errno syscall.Errno) {
	if len(p) == 0 {
		return 0, 0
	}
	r, _, e := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	return int(r), e
}

// Conn is a TCP connection whose Read and Write make raw system calls.
type Conn struct {
	*net.TCPConn
	rc syscall.RawConn
	tw tryWrite // TryWrite's state, made once
}

// tryWrite is the state of one TryWrite: the bytes, how many went, the
// error, and the function the RawConn calls, made once so that a call
// allocates nothing.
type tryWrite struct {
	p     []byte
	n     int
	errno syscall.Errno
	fn    func(fd uintptr) bool
}

// Wrap returns nc with raw reads and writes when it is a *net.TCPConn,
// else nc itself.
func Wrap(nc net.Conn) net.Conn {
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return nc
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return nc
	}
	return &Conn{TCPConn: tc, rc: rc}
}

// Read reads what the socket holds, waiting in the poller when it is
// empty.
func (c *Conn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var n int
	var errno syscall.Errno
	err := c.rc.Read(func(fd uintptr) bool {
		for {
			r, e := Read(int(fd), p)
			switch e {
			case syscall.EINTR:
				continue
			case syscall.EAGAIN:
				return false
			}
			n, errno = r, e
			return true
		}
	})
	switch {
	case err != nil:
		return 0, err
	case errno != 0:
		return 0, errno
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

// TryWrite writes what of p the socket takes now, without waiting for it
// to take more, and returns how much that was (outbox.TryWriter). One call
// at a time: it keeps its state in c.
func (c *Conn) TryWrite(p []byte) (int, error) {
	t := &c.tw
	if t.fn == nil {
		t.fn = func(fd uintptr) bool {
			for t.n < len(t.p) {
				r, e := Write(int(fd), t.p[t.n:])
				switch e {
				case 0:
					t.n += r
				case syscall.EINTR:
				case syscall.EAGAIN:
					return true
				default:
					t.errno = e
					return true
				}
			}
			return true
		}
	}
	t.p, t.n, t.errno = p, 0, 0
	err := c.rc.Write(t.fn)
	n, errno := t.n, t.errno
	t.p = nil
	if err != nil {
		return n, err
	}
	if errno != 0 {
		return n, errno
	}
	return n, nil
}

// Write writes all of p, waiting in the poller while the socket is full.
func (c *Conn) Write(p []byte) (int, error) {
	n := 0
	var errno syscall.Errno
	err := c.rc.Write(func(fd uintptr) bool {
		for n < len(p) {
			r, e := Write(int(fd), p[n:])
			switch e {
			case 0:
				n += r
			case syscall.EINTR:
			case syscall.EAGAIN:
				return false
			default:
				errno = e
				return true
			}
		}
		return true
	})
	if err != nil {
		return n, err
	}
	if errno != 0 {
		return n, errno
	}
	return n, nil
}
