package node

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vcache/vcache/internal/glob"
	"github.com/vcache/vcache/internal/outbox"
	"github.com/vcache/vcache/internal/resp"
)

// Pub/sub: who listens to which channel, pattern and shard channel, and
// the delivery of messages to them (through each subscriber's outbox, see
// pubsub_out.go). The commands are in pubsub_cmd.go, keyspace
// notifications in notify.go.

// subKind is one of the three kinds of subscription.
type subKind uint8

const (
	subChannel subKind = iota // SUBSCRIBE
	subPattern                // PSUBSCRIBE
	subShard                  // SSUBSCRIBE
)

// subNames are the words of the replies of each kind: subscribe,
// unsubscribe and the message type.
var subNames = [3][3]string{
	{"subscribe", "unsubscribe", "message"},
	{"psubscribe", "punsubscribe", "pmessage"},
	{"ssubscribe", "sunsubscribe", "smessage"},
}

// pubsubState is the node's subscriptions.
type pubsubState struct {
	// mu guards subs and every client's subscription sets (client.subs).
	// Publishers hold it shared while they queue messages, subscribers
	// exclusively while they change their subscriptions and queue their
	// confirmations, so a confirmation and the messages around it are in
	// order. Taken before any outbox's lock.
	mu   sync.RWMutex
	subs [3]map[string]map[*client]struct{}

	clients atomic.Int64 // subscriptions of every kind; 0: PUBLISH has no work
	cut     atomic.Int64 // subscribers disconnected by the output buffer limit

	// limits of client-output-buffer-limit: normal, replica, pubsub.
	// Every message queued asks for its subscriber's (limitFor), so they
	// are read without a lock; limMu orders the changes.
	limMu  sync.Mutex
	limits atomic.Pointer[[3]bufLimit]
}

// Classes of client-output-buffer-limit, in CONFIG's order.
const (
	limNormal = iota
	limReplica
	limPubsub
)

// defaultBufLimits are Redis's client-output-buffer-limit defaults.
var defaultBufLimits = [3]bufLimit{{}, {hard: 256 << 20, soft: 64 << 20, softSecs: 60}, {hard: 32 << 20, soft: 8 << 20, softSecs: 60}}

// limitFor returns the output buffer limit of client c's class now.
func (p *pubsubState) limitFor(c *client) bufLimit {
	lims := p.limits.Load()
	if c.subscribed() {
		return lims[limPubsub]
	}
	if c.monitor.Load() && lims[limNormal] == (bufLimit{}) {
		// A monitor is a normal client to Redis, whose limit is none by
		// default; vcache bounds it by the pubsub class's then, so a
		// monitor that does not read cannot take the node's memory.
		return lims[limPubsub]
	}
	return lims[limNormal]
}

// clientSubs are one client's subscriptions; pubsubState.mu guards them.
type clientSubs struct {
	sets [3]map[string]struct{}
	n    [3]atomic.Int64 // sizes, for CLIENT LIST and the subscriber-mode check
}

// subCount returns how many subscriptions of kind k the client has.
func (c *client) subCount(k subKind) int64 { return c.subs.n[k].Load() }

// subscribed reports whether the client is in subscriber mode (has any
// subscription).
func (c *client) subscribed() bool {
	return c.subCount(subChannel)+c.subCount(subPattern)+c.subCount(subShard) > 0
}

// add subscribes c to name; it reports false when it already was.
// mu must be held.
func (p *pubsubState) add(c *client, k subKind, name string) bool {
	if c.subs.sets[k] == nil {
		c.subs.sets[k] = map[string]struct{}{}
	}
	if _, ok := c.subs.sets[k][name]; ok {
		return false
	}
	c.subs.sets[k][name] = struct{}{}
	c.subs.n[k].Add(1)
	if p.subs[k] == nil {
		p.subs[k] = map[string]map[*client]struct{}{}
	}
	m := p.subs[k][name]
	if m == nil {
		m = map[*client]struct{}{}
		p.subs[k][name] = m
	}
	m[c] = struct{}{}
	p.clients.Add(1)
	return true
}

// remove unsubscribes c from name; it reports false when it was not
// subscribed. mu must be held.
func (p *pubsubState) remove(c *client, k subKind, name string) bool {
	if _, ok := c.subs.sets[k][name]; !ok {
		return false
	}
	delete(c.subs.sets[k], name)
	c.subs.n[k].Add(-1)
	if m := p.subs[k][name]; m != nil {
		delete(m, c)
		if len(m) == 0 {
			delete(p.subs[k], name)
		}
	}
	p.clients.Add(-1)
	return true
}

// names returns c's subscriptions of kind k, sorted. mu must be held.
func (c *client) subNamesOf(k subKind) []string {
	out := make([]string, 0, len(c.subs.sets[k]))
	for s := range c.subs.sets[k] {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// dropAll forgets every subscription of c (a closed or RESET connection).
func (p *pubsubState) dropAll(c *client) {
	if !c.subscribed() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for k := range c.subs.sets {
		for name := range c.subs.sets[k] {
			p.remove(c, subKind(k), name)
		}
	}
}

// appendMessage appends the message (pattern "") or pmessage (the pattern
// that matched) of a publication, a push in RESP3.
func appendMessage(b []byte, r3 bool, kind subKind, pattern string, channel, payload []byte) []byte {
	if pattern != "" {
		b = appendHeader(b, r3, 4)
		b = resp.AppendBulk(b, "pmessage")
		b = resp.AppendBulk(b, pattern)
	} else {
		b = appendHeader(b, r3, 3)
		b = resp.AppendBulk(b, subNames[kind][2])
	}
	b = resp.AppendBulk(b, channel)
	return resp.AppendBulk(b, payload)
}

// outBatch is the outboxes that an event loop's round of commands queued
// messages to: each is flushed once when the round is done (one write per
// subscriber and round, whatever the number of messages), with no
// wake-up of its sender unless the socket is full. nil: the publisher runs
// on a goroutine of its own; its messages wake the senders at once.
type outBatch struct {
	qs []*outbox.Queue
}

// push queues p in o, to be flushed with the batch.
func (b *outBatch) push(o *outbox.Queue, p []byte) {
	if b == nil {
		o.Push(p)
		return
	}
	if ok, first := o.Append(p); ok && first {
		b.qs = append(b.qs, o)
	}
}

// batch is the batch of the event loop running c's commands, nil when c
// is nil or a goroutine serves it.
func (c *client) batch() *outBatch {
	if c == nil {
		return nil
	}
	return c.deliv
}

// flush sends what the batch's outboxes hold.
func (b *outBatch) flush() {
	for i, q := range b.qs {
		q.Flush()
		b.qs[i] = nil
	}
	b.qs = b.qs[:0]
}

// appendHeader appends the header of a pub/sub message or confirmation:
// a push in RESP3, an array in RESP2.
func appendHeader(b []byte, r3 bool, n int) []byte {
	if r3 {
		return resp.AppendPush(b, n)
	}
	return resp.AppendArray(b, n)
}

// publish delivers payload to the subscribers of channel on this node
// (kind subChannel: its channel and pattern subscribers; subShard: its
// shard channel subscribers) and returns how many received it. b is the
// event loop's batch the publisher runs in, nil off the loops.
func (n *Node) publish(kind subKind, channel, payload []byte, b *outBatch) int64 {
	p := &n.pubsub
	if p.clients.Load() == 0 {
		return 0
	}
	// Each message is encoded once per protocol (and pattern), in
	// buffers on the stack when it fits them; each outbox copies it.
	var bufs [2][128]byte
	var enc [2][]byte // RESP2, RESP3
	pattern := ""
	p.mu.RLock()
	defer p.mu.RUnlock()
	var count int64
	queue := func(cs map[*client]struct{}) {
		for c := range cs {
			count++
			o := c.out.Load()
			if o == nil {
				continue
			}
			i := 0
			if c.resp3.Load() {
				i = 1
			}
			if enc[i] == nil {
				enc[i] = appendMessage(bufs[i][:0], i == 1, kind, pattern, channel, payload)
			}
			b.push(o, enc[i])
		}
	}
	queue(p.subs[kind][string(channel)])
	if kind == subChannel && len(p.subs[subPattern]) > 0 {
		ch := string(channel)
		for pat, cs := range p.subs[subPattern] {
			if glob.Match(pat, ch) {
				pattern, enc = pat, [2][]byte{}
				queue(cs)
			}
		}
	}
	return count
}

// setBufLimits parses CONFIG SET client-output-buffer-limit's value:
// "<class> <hard> <soft> <soft seconds>" repeated.
func (p *pubsubState) setBufLimits(val string) error {
	f := strings.Fields(val)
	if len(f) == 0 || len(f)%4 != 0 {
		return errArgument("Wrong number of arguments in buffer limit configuration.")
	}
	p.limMu.Lock()
	defer p.limMu.Unlock()
	next := *p.limits.Load()
	for i := 0; i < len(f); i += 4 {
		var class int
		switch f[i] {
		case "normal":
			class = limNormal
		case "replica", "slave":
			class = limReplica
		case "pubsub":
			class = limPubsub
		default:
			return errArgument("Invalid client class specified in buffer limit configuration.")
		}
		hard, err1 := ParseMemory(f[i+1])
		soft, err2 := ParseMemory(f[i+2])
		secs, err3 := strconv.ParseInt(f[i+3], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil || secs < 0 {
			return errArgument("Error in hard, soft or soft_seconds setting in buffer limit configuration.")
		}
		next[class] = bufLimit{hard: hard, soft: soft, softSecs: secs}
	}
	p.limits.Store(&next)
	return nil
}

// bufLimitsText renders client-output-buffer-limit as CONFIG GET does.
func (p *pubsubState) bufLimitsText() string {
	lims := p.limits.Load()
	var b []byte
	for i, name := range []string{"normal", "slave", "pubsub"} {
		if i > 0 {
			b = append(b, ' ')
		}
		l := lims[i]
		b = append(b, name...)
		for _, v := range []int64{l.hard, l.soft, l.softSecs} {
			b = append(b, ' ')
			b = strconv.AppendInt(b, v, 10)
		}
	}
	return string(b)
}

// counts returns how many channels, patterns and shard channels have
// subscribers (INFO stats).
func (p *pubsubState) counts() (channels, patterns, shard int) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return len(p.subs[subChannel]), len(p.subs[subPattern]), len(p.subs[subShard])
}
