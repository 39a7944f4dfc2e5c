package front

import (
	"errors"
	"net"
	"os"
	"time"
)

// ConnWatch reads a connection while its goroutine waits elsewhere (a
// client blocked, or held by CLIENT PAUSE), so that a client that goes
// away is noticed at once; what it sends meanwhile is kept for its
// reader.
type ConnWatch struct {
	nc net.Conn
	// Closed is closed when the connection ended.
	Closed chan struct{}
	exited chan struct{}
	buf    []byte
	err    error
}

// maxWatchBytes bounds what a waiting client may send meanwhile.
const maxWatchBytes = 1 << 20

// WatchConn starts reading nc. A waiting client is not idle: nc's read
// deadline is cleared.
func WatchConn(nc net.Conn) *ConnWatch {
	cw := &ConnWatch{nc: nc, Closed: make(chan struct{}), exited: make(chan struct{})}
	_ = nc.SetReadDeadline(time.Time{})
	go func() {
		defer close(cw.exited)
		b := make([]byte, 4096)
		for len(cw.buf) < maxWatchBytes {
			k, err := nc.Read(b)
			cw.buf = append(cw.buf, b[:k]...)
			if err != nil {
				if !errors.Is(err, os.ErrDeadlineExceeded) {
					cw.err = err
					close(cw.Closed)
				}
				return
			}
		}
	}()
	return cw
}

// Stop ends the reading and returns what was read and the error that
// ended the connection, if any.
func (cw *ConnWatch) Stop() ([]byte, error) {
	_ = cw.nc.SetReadDeadline(time.Now())
	<-cw.exited
	_ = cw.nc.SetReadDeadline(time.Time{})
	return cw.buf, cw.err
}
