//go:build linux

package proxy

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/vcache/vcache/internal/rawio"
	"github.com/vcache/vcache/internal/resp"
)

// The node side of an event loop (see loop_linux.go): the loop's own
// connection to each node (loopBconn), one write per round, reading the
// replies in order, dialing, and failing what a lost node owed.

// loopBconn is a loop's connection to one node.
type loopBconn struct {
	be       *backend
	fc       *rawio.FDConn // nil while down or dialing
	rd       *resp.Reader
	out      []byte      // requests to write this round
	unsent   int         // requests in out
	added    int         // requests queued this round, for the backend's inflight count
	owed     []*loopCall // requests owed a reply, in write order, from head
	head     int
	batches  []int // requests of each write still owed a reply, from bhead
	bhead    int
	events   uint32
	dirty    bool
	dialing  bool
	retryAt  time.Time
	backoff  time.Duration
	lastErr  error
	progress time.Time // when it last answered, or began to owe
}

type dialResult struct {
	lb  *loopBconn
	fc  *rawio.FDConn
	err error
}

// nodeEvent reads a node's replies or writes what it could not take.
func (l *loop) nodeEvent(lb *loopBconn, events uint32) {
	if events&syscall.EPOLLOUT != 0 {
		if err := lb.fc.Drain(); err != nil {
			l.nodeFailed(lb, err)
			return
		}
		l.watchNode(lb)
	}
	if events&(syscall.EPOLLIN|syscall.EPOLLRDHUP|syscall.EPOLLHUP|syscall.EPOLLERR) == 0 {
		return
	}
	err := lb.rd.Fill()
	answered := 0
	for {
		raw, ok, perr := lb.rd.Next()
		if perr != nil {
			err = perr
			break
		}
		if !ok {
			break
		}
		if lb.head == len(lb.owed) {
			err = fmt.Errorf("unexpected reply %.40q", raw)
			break
		}
		lr := lb.owed[lb.head]
		lb.owed[lb.head] = nil
		lb.head++
		answered++
		lb.progress = l.now
		if raw[0] == '-' {
			if class, _ := classify(raw); class != replyFinal {
				l.retry(lr, raw, nil)
				continue
			}
		}
		l.complete(lr, raw)
	}
	lb.be.stats.loopInflight.Add(int64(-answered))
	lb.answered(answered)
	if lb.unsent > 0 && !lb.dirty { // requests held while the writes were out
		lb.dirty = true
		l.dirty = append(l.dirty, lb)
	}
	if lb.head == len(lb.owed) {
		clear(lb.owed)
		lb.owed, lb.head = lb.owed[:0], 0
	}
	if err != nil && err != resp.ErrWouldBlock {
		l.nodeFailed(lb, err)
	}
}

// send writes a node connection's requests of this round.
func (l *loop) send(lb *loopBconn) {
	lb.dirty = false
	lb.be.stats.loopInflight.Add(int64(lb.added))
	lb.added = 0
	if lb.fc == nil || len(lb.out) == 0 {
		return
	}
	if most := l.p.cfg.BatchesInFlight; most > 0 && len(lb.batches)-lb.bhead >= most && len(lb.out) < holdBytes {
		return // nodeEvent sends them when a reply comes back
	}
	_, err := lb.fc.Write(lb.out)
	lb.batches = append(lb.batches, lb.unsent)
	lb.be.stats.recordBatch(lb.unsent, len(lb.out))
	lb.unsent = 0
	if cap(lb.out) > 4*l.p.cfg.MaxWriteBatch {
		lb.out = nil
	} else {
		lb.out = lb.out[:0]
	}
	if err != nil {
		l.nodeFailed(lb, err)
		return
	}
	l.watchNode(lb)
}

// holdBytes is how much a connection holds back while its writes in
// flight are at Config.BatchesInFlight.
const holdBytes = 64 << 10

// answered takes n replies off the connection's writes in flight.
func (lb *loopBconn) answered(n int) {
	for n > 0 && lb.bhead < len(lb.batches) {
		k := min(n, lb.batches[lb.bhead])
		lb.batches[lb.bhead] -= k
		n -= k
		if lb.batches[lb.bhead] == 0 {
			lb.bhead++
		}
	}
	if lb.bhead == len(lb.batches) {
		lb.batches, lb.bhead = lb.batches[:0], 0
	}
}

// watchNode waits for room to write as well as for replies while the
// connection holds requests the socket did not take.
func (l *loop) watchNode(lb *loopBconn) {
	want := uint32(syscall.EPOLLIN | syscall.EPOLLRDHUP)
	if lb.fc.Pending() > 0 {
		want |= syscall.EPOLLOUT
	}
	if want != lb.events {
		lb.events = want
		ev := syscall.EpollEvent{Events: want, Fd: int32(lb.fc.FD())}
		if err := syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_MOD, lb.fc.FD(), &ev); err != nil {
			l.nodeFailed(lb, err)
		}
	}
}

// dial connects to a node in a goroutine; the requests queue meanwhile.
func (l *loop) dial(lb *loopBconn) {
	lb.dialing = true
	p := l.p
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		var fc *rawio.FDConn
		nc, err := p.dialBackend(lb.be.addr)
		if err == nil {
			var tc *net.TCPConn
			switch c := nc.(type) {
			case *net.TCPConn:
				tc = c
			case *rawio.Conn:
				tc = c.TCPConn
			}
			if tc == nil {
				nc.Close()
				err = errors.New("not a TCP connection")
			} else {
				fc, err = rawio.NewFDConn(tc)
			}
		}
		l.mu.Lock()
		if l.closed {
			l.mu.Unlock()
			if fc != nil {
				fc.Release()
			}
			return
		}
		l.dialed = append(l.dialed, dialResult{lb, fc, err})
		l.wakeLocked()
		l.mu.Unlock()
	}()
}

// connected takes a dial's result: the connection starts, or its queued
// requests go to be retried.
func (l *loop) connected(d dialResult) {
	lb := d.lb
	lb.dialing = false
	st := &lb.be.stats
	if d.err == nil {
		lb.events = syscall.EPOLLIN | syscall.EPOLLRDHUP
		ev := syscall.EpollEvent{Events: lb.events, Fd: int32(d.fc.FD())}
		if err := syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_ADD, d.fc.FD(), &ev); err != nil {
			d.fc.Release()
			d.err = err
		}
	}
	if d.err != nil {
		st.dialErrors.Add(1)
		lb.backoff = min(max(2*lb.backoff, 20*time.Millisecond), 500*time.Millisecond)
		lb.retryAt = l.now.Add(lb.backoff)
		lb.lastErr = fmt.Errorf("%w: %s: %v", ErrBackendDown, lb.be.addr, d.err)
		l.failOwed(lb, lb.lastErr)
		return
	}
	st.dials.Add(1)
	lb.backoff = 0
	lb.fc = d.fc
	lb.rd = resp.NewReader(d.fc, 16<<10, l.p.cfg.MaxReplyBytes)
	l.nodes[d.fc.FD()] = lb
	lb.progress = l.now
	if !lb.dirty {
		lb.dirty = true
		l.dirty = append(l.dirty, lb)
	}
}

// nodeFailed closes a node connection; what it owed is retried.
func (l *loop) nodeFailed(lb *loopBconn, err error) {
	if lb.fc == nil {
		return
	}
	fd := lb.fc.FD()
	_ = syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_DEL, fd, nil)
	delete(l.nodes, fd)
	lb.fc.Release()
	lb.fc, lb.rd, lb.events = nil, nil, 0
	lb.be.stats.connErrors.Add(1)
	l.failOwed(lb, fmt.Errorf("%w: %s: %v", ErrConnLost, lb.be.addr, err))
}

// failOwed sends every request a connection owed (and its unsent ones)
// to be retried.
func (l *loop) failOwed(lb *loopBconn, err error) {
	owed := lb.owed[lb.head:]
	lb.be.stats.loopInflight.Add(int64(-len(owed)))
	for _, lr := range owed {
		l.retry(lr, nil, err)
	}
	clear(lb.owed)
	lb.owed, lb.head = lb.owed[:0], 0
	lb.out, lb.unsent = lb.out[:0], 0
	lb.batches, lb.bhead = lb.batches[:0], 0
}
