package node

import (
	"bufio"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/resp"
)

// In a cluster a PUBLISH reaches the subscribers of every node: the node
// that receives it forwards it to each other data node as VCACHE.PUBLISH,
// which delivers locally and is never forwarded again. Forwarding is
// asynchronous, over one connection per peer, with a bounded queue: when
// a peer is unreachable or slow, its queue fills and later messages to it
// are dropped (counted), so a publisher never waits for another node. As
// in Redis Cluster, PUBLISH counts the receivers of its own node only.
// SPUBLISH is not forwarded: it runs on the shard channel's slot owner.

// pubLinkQueue is how many messages wait for one peer before they are
// dropped.
const pubLinkQueue = 4096

// pubForward holds the links to the other nodes.
type pubForward struct {
	mu      sync.Mutex // guards links
	links   map[string]*pubLink
	dropped atomic.Int64 // messages a full queue refused
}

// pubLink forwards to one peer (by RESP address).
type pubLink struct {
	addr string
	q    chan []byte // encoded VCACHE.PUBLISH commands
}

// forwardPublish queues a PUBLISH for the cluster's other data nodes. It
// returns 0: the others' receivers are not counted.
func (n *Node) forwardPublish(channel, payload []byte) int64 {
	cl := n.cl.Load()
	if cl == nil {
		return 0
	}
	m := cl.Map()
	if m == nil {
		return 0
	}
	self := cl.Self()
	var cmd []byte
	for _, mem := range m.Members() {
		if mem.ID == self || mem.Role != cluster.RoleNode || mem.Addr == "" {
			continue
		}
		l := n.pubLinkTo(mem.Addr)
		if l == nil {
			continue
		}
		if cmd == nil {
			cmd = resp.AppendCommand(nil, []byte("VCACHE.PUBLISH"), channel, payload)
		}
		select {
		case l.q <- cmd:
		default:
			n.pubfwd.dropped.Add(1)
		}
	}
	return 0
}

// pubLinkTo returns the link to addr, starting it on first use; nil once
// the node shuts down.
func (n *Node) pubLinkTo(addr string) *pubLink {
	f := &n.pubfwd
	f.mu.Lock()
	defer f.mu.Unlock()
	if l := f.links[addr]; l != nil {
		return l
	}
	l := &pubLink{addr: addr, q: make(chan []byte, pubLinkQueue)}
	if !n.goBackground(func(ctx context.Context) { n.runPubLink(ctx, l) }) {
		return nil
	}
	if f.links == nil {
		f.links = map[string]*pubLink{}
	}
	f.links[addr] = l
	return l
}

// runPubLink sends l's queue to its peer until ctx ends, reconnecting
// after an error.
func (n *Node) runPubLink(ctx context.Context, l *pubLink) {
	for ctx.Err() == nil {
		err := n.servePubLink(ctx, l)
		if ctx.Err() != nil {
			return
		}
		n.log.Debug("pub/sub link", "peer", l.addr, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// servePubLink connects to l's peer and sends what is queued, in batches,
// reading one reply per command, until an error or ctx ends.
func (n *Node) servePubLink(ctx context.Context, l *pubLink) error {
	conn, err := n.dialPeer(ctx, l.addr, 2*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	rd := bufio.NewReader(conn)
	send := func(b []byte, replies int) error {
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := conn.Write(b); err != nil {
			return err
		}
		for range replies {
			line, err := rd.ReadString('\n')
			if err != nil {
				return err
			}
			if strings.HasPrefix(line, "-") {
				return errors.New(strings.TrimSpace(line[1:]))
			}
		}
		return nil
	}
	if pass := n.config().RequirePass; pass != "" {
		if err := send(resp.AppendCommand(nil, "AUTH", pass), 1); err != nil {
			return err
		}
	}
	var batch []byte
	for {
		var cmd []byte
		select {
		case <-ctx.Done():
			return ctx.Err()
		case cmd = <-l.q:
		}
		batch = append(batch[:0], cmd...)
		k := 1
	more:
		for len(batch) < 1<<20 {
			select {
			case cmd = <-l.q:
				batch = append(batch, cmd...)
				k++
			default:
				break more
			}
		}
		if err := send(batch, k); err != nil {
			return err // the batch is lost with the connection
		}
	}
}

// cmdVcachePublish is VCACHE.PUBLISH channel message: a PUBLISH another
// node forwards, delivered to this node's subscribers only.
func cmdVcachePublish(cx *Ctx) {
	cx.Int(cx.Node.publish(subChannel, cx.Args[1], cx.Args[2], cx.cl.deliv))
}
