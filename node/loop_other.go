//go:build !linux

package node

import "net"

// Without epoll every connection has a goroutine of its own.

type evloop struct{}

// fdConn stands for an event loop's connection, which never exists here
// (rconn.fd is always nil).
type fdConn struct{}

func (*fdConn) Pending() int                { return 0 }
func (*fdConn) SendConn() (net.Conn, error) { return nil, net.ErrClosed }

func (s *server) startLoops() bool    { return false }
func (s *server) adopt(net.Conn) bool { return false }
func (s *server) stopLoops()          {}
func (s *server) wakeLoops()          {}

// kickLoops: without loops every client has a goroutine (and an outbox
// once it may receive messages).
func (n *Node) kickLoops() {}

type loopScaler struct{}

func (s *server) serving() int { return 0 }

func (s *server) cpuWait() float64 { return -1 }

// backToLoop: there are no loops to go back to.
func (s *server) backToLoop(*rconn) bool { return false }
