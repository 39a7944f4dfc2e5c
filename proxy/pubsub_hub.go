package proxy

import (
	"context"
	"net"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/resp"
)

// Pub/sub through the proxy. The proxy subscribes on the nodes on behalf
// of all its clients, once per channel, and fans each message out to its
// own subscribers:
//
//   - SUBSCRIBE and PSUBSCRIBE go over one connection to the "home" node,
//     the serving node whose address sorts first, so every proxy picks the
//     same one. A PUBLISH on any node reaches every node (the nodes forward
//     it), and the proxy sends its own clients' PUBLISH to the home node,
//     where every proxy listens: no extra hop, and it also works over plain
//     Redis servers that do not forward.
//   - SSUBSCRIBE goes to the node owning the shard channel's slot, over one
//     connection per such node.
//
// A channel is subscribed on a node when the first client of this proxy
// asks for it, and unsubscribed when the last one leaves. A client's
// confirmation is sent only once the node has confirmed the subscription,
// so a PUBLISH made after the client saw it is delivered. The hub's
// goroutine owns the node connections and what each carries; when a
// connection breaks, the home node changes or a shard channel's slot moves
// (a failover, a split), it subscribes again where it should (messages
// published meanwhile are lost, as pub/sub promises at most once). Each
// client's messages go through its own bounded outbox (pubsub_client.go).

// subKind is one of the three kinds of subscription.
type subKind uint8

const (
	subChannel subKind = iota // SUBSCRIBE
	subPattern                // PSUBSCRIBE
	subShard                  // SSUBSCRIBE
)

// subWords are the words of each kind: subscribe, unsubscribe, message.
var subWords = [3][3]string{
	{"subscribe", "unsubscribe", "message"},
	{"psubscribe", "punsubscribe", "pmessage"},
	{"ssubscribe", "sunsubscribe", "smessage"},
}

// psKey is one subscription of the hub.
type psKey struct {
	k    subKind
	name string
}

// hubResync is how often the hub retries subscriptions no node carries
// (a node down, a dial that failed) when nothing else wakes it.
const hubResync = time.Second

// hubReq asks the hub goroutine to add (with g, the waiter) or drop
// subscriptions.
type hubReq struct {
	add  bool
	keys []psKey
	g    *ackGroup
}

// ackGroup is closed once every subscription it waits for is confirmed
// (or given up: a connection lost).
type ackGroup struct {
	left atomic.Int32
	done chan struct{}
}

func newAckGroup(n int) *ackGroup {
	g := &ackGroup{done: make(chan struct{})}
	g.left.Store(int32(n))
	return g
}

func (g *ackGroup) one() {
	if g.left.Add(-1) == 0 {
		close(g.done)
	}
}

// pubsubHub is the proxy's subscriptions on the nodes and its
// subscribers.
type pubsubHub struct {
	p    *Proxy
	reqs chan hubReq
	kick chan struct{} // one pending wake-up: a connection failed, the routes changed
	done chan struct{} // closed when the hub goroutine has returned

	// mu guards subs and every subscriber's sets. Node readers hold it
	// shared while they queue messages, sessions exclusively while they
	// change their subscriptions and queue their confirmations, so a
	// confirmation and the messages around it keep their order. Taken
	// before any outbox's lock.
	mu   sync.RWMutex
	subs [3]map[string]map[*subscriber]struct{}

	// The hub goroutine's own state.
	want    map[psKey]int       // clients per subscription
	where   map[psKey]*hubConn  // the connection carrying it
	classic *hubConn            // channels and patterns, to the home node
	shards  map[string]*hubConn // shard channels, by node address
	events  map[string]*hubConn // keyspace notifications of the other nodes, by address (pubsub_events.go)
}

func newPubsubHub(p *Proxy) *pubsubHub {
	h := &pubsubHub{p: p, reqs: make(chan hubReq, 64), kick: make(chan struct{}, 1), done: make(chan struct{}),
		want: map[psKey]int{}, where: map[psKey]*hubConn{}, shards: map[string]*hubConn{},
		events: map[string]*hubConn{}}
	for k := range h.subs {
		h.subs[k] = map[string]map[*subscriber]struct{}{}
	}
	return h
}

// wake asks the hub to check where its subscriptions are, without
// waiting.
func (h *pubsubHub) wake() {
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// send hands r to the hub goroutine; false once it has returned.
func (h *pubsubHub) send(r hubReq) bool {
	select {
	case h.reqs <- r:
		return true
	case <-h.done:
		return false
	}
}

// run is the hub goroutine: it applies requests and keeps every wanted
// subscription on the node that should carry it, until ctx ends.
func (h *pubsubHub) run(ctx context.Context) {
	defer h.p.wg.Done()
	defer close(h.done)
	tick := time.NewTicker(hubResync)
	defer tick.Stop()
	for {
		select {
		case r := <-h.reqs:
			h.apply(r)
		case <-h.kick:
			h.sync()
		case <-tick.C:
			h.sync()
		case <-ctx.Done():
			for _, hc := range h.allConns() {
				hc.close()
			}
			return
		}
	}
}

func (h *pubsubHub) allConns() []*hubConn {
	var out []*hubConn
	if h.classic != nil {
		out = append(out, h.classic)
	}
	for _, hc := range h.shards {
		out = append(out, hc)
	}
	for _, hc := range h.events {
		out = append(out, hc)
	}
	return out
}

// apply adds or drops subscriptions.
func (h *pubsubHub) apply(r hubReq) {
	batch := map[*hubConn][]psKey{}
	for _, key := range r.keys {
		if !r.add {
			if h.want[key]--; h.want[key] > 0 {
				continue
			}
			delete(h.want, key)
			if isEventKey(key) {
				h.dropEvents(key)
			}
			if hc := h.where[key]; hc != nil {
				delete(h.where, key)
				hc.unsubscribe([]psKey{key})
			}
			continue
		}
		h.want[key]++
		hc := h.where[key]
		if hc == nil || hc.isDead() {
			if hc = h.connFor(key); hc == nil {
				continue // no node now: sync retries
			}
			h.where[key] = hc
			batch[hc] = append(batch[hc], key)
		}
		if r.g != nil {
			r.g.left.Add(1)
			hc.waitAck(key, r.g)
		}
	}
	for hc, keys := range batch {
		hc.subscribe(keys)
	}
	if r.add && slices.ContainsFunc(r.keys, isEventKey) {
		h.syncEvents(r.g)
	}
	if r.g != nil {
		r.g.one()
	}
	h.closeIdle()
}

// sync moves subscriptions to where they belong: off dead connections, to
// the home node if it changed, to a shard channel's new owner.
func (h *pubsubHub) sync() {
	rt := h.p.routes.Load()
	home := homeNode(rt)
	if h.classic != nil && (h.classic.isDead() || home == nil || h.classic.addr != home.addr) {
		// Closed first: a moment without messages rather than twice
		// the same.
		h.classic.close()
		h.classic = nil
	}
	batch := map[*hubConn][]psKey{}
	for key := range h.want {
		hc := h.where[key]
		ok := hc != nil && !hc.isDead() && !hc.failedKey(key)
		if ok && key.k != subShard && hc != h.classic {
			ok = false
		}
		if ok && key.k == subShard {
			if owner := rt.slot(keyslot.OfString(key.name)); owner == nil || owner.addr != hc.addr {
				hc.unsubscribe([]psKey{key})
				ok = false
			}
		}
		if ok {
			continue
		}
		if hc != nil {
			hc.forgetFailed(key)
		}
		delete(h.where, key)
		if hc = h.connFor(key); hc == nil {
			continue
		}
		h.where[key] = hc
		batch[hc] = append(batch[hc], key)
	}
	for hc, keys := range batch {
		hc.subscribe(keys)
	}
	h.syncEvents(nil)
	h.closeIdle()
}

// closeIdle closes the connections that carry nothing, and dead ones.
func (h *pubsubHub) closeIdle() {
	used := map[*hubConn]bool{}
	for _, hc := range h.where {
		used[hc] = true
	}
	if h.classic != nil && (!used[h.classic] || h.classic.isDead()) {
		h.classic.close()
		h.classic = nil
	}
	for addr, hc := range h.shards {
		if !used[hc] || hc.isDead() {
			hc.close()
			delete(h.shards, addr)
		}
	}
}

// homeNode is the node channels and patterns are subscribed on: the
// serving node whose address sorts first.
func homeNode(rt *routeTable) *backend {
	var home *backend
	for _, b := range rt.nodes {
		if home == nil || b.addr < home.addr {
			home = b
		}
	}
	return home
}

// connFor returns the live connection that should carry key, dialing it
// if needed; nil if there is no node or it cannot be reached now.
func (h *pubsubHub) connFor(key psKey) *hubConn {
	rt := h.p.routes.Load()
	if key.k != subShard {
		if h.classic != nil && !h.classic.isDead() {
			return h.classic
		}
		b := homeNode(rt)
		if b == nil {
			return nil
		}
		h.classic = h.dial(b.addr)
		return h.classic
	}
	b := rt.slot(keyslot.OfString(key.name))
	if b == nil {
		return nil
	}
	if hc := h.shards[b.addr]; hc != nil && !hc.isDead() {
		return hc
	}
	hc := h.dial(b.addr)
	if hc != nil {
		h.shards[b.addr] = hc
	}
	return hc
}

// dial connects to a node and starts the connection's reader; nil if it
// fails (sync tries again).
func (h *pubsubHub) dial(addr string) *hubConn { return h.dialConn(addr, false) }

// dialConn is dial; an events connection passes on keyspace notifications
// only (pubsub_events.go).
func (h *pubsubHub) dialConn(addr string, events bool) *hubConn {
	nc, err := h.p.dialBackend(addr)
	if err != nil {
		h.p.log.Warn("pub/sub: cannot reach node", "addr", addr, "err", err)
		return nil
	}
	hc := &hubConn{h: h, addr: addr, nc: nc, inflight: map[psKey]int{}, waiters: map[psKey][]*ackGroup{},
		failed: map[psKey]bool{}, events: events, carries: map[psKey]bool{}}
	h.p.wg.Add(1)
	go hc.readLoop()
	return hc
}

// hubConn is one subscriber connection of the hub to a node. The hub
// goroutine writes to it; its reader goroutine reads confirmations and
// messages.
type hubConn struct {
	h    *pubsubHub
	addr string
	nc   net.Conn

	// mu guards the fields below.
	mu       sync.Mutex
	sent     []sentCmd             // subscriptions sent, not confirmed yet, in order
	inflight map[psKey]int         // of sent, per subscription
	waiters  map[psKey][]*ackGroup // waiting for a subscription in flight
	failed   map[psKey]bool        // the node refused them (MOVED...)
	dead     bool

	// events is set on a connection that passes on keyspace
	// notifications only; carries is what such a connection was asked to
	// subscribe (the hub goroutine's).
	events  bool
	carries map[psKey]bool
}

// sentCmd is a (P|S)SUBSCRIBE sent: its subscriptions not confirmed yet.
type sentCmd struct {
	keys []psKey
}

func (hc *hubConn) isDead() bool {
	hc.mu.Lock()
	defer hc.mu.Unlock()
	return hc.dead
}

func (hc *hubConn) failedKey(key psKey) bool {
	hc.mu.Lock()
	defer hc.mu.Unlock()
	return hc.failed[key]
}

func (hc *hubConn) forgetFailed(key psKey) {
	hc.mu.Lock()
	delete(hc.failed, key)
	hc.mu.Unlock()
}

// waitAck makes g wait for key's confirmation if one is in flight, else
// counts it confirmed.
func (hc *hubConn) waitAck(key psKey, g *ackGroup) {
	hc.mu.Lock()
	if hc.inflight[key] > 0 && !hc.dead {
		hc.waiters[key] = append(hc.waiters[key], g)
		hc.mu.Unlock()
		return
	}
	hc.mu.Unlock()
	g.one()
}

// subscribe sends the subscriptions of keys, one command per kind.
func (hc *hubConn) subscribe(keys []psKey) {
	sort.Slice(keys, func(i, j int) bool { return keys[i].k < keys[j].k })
	var buf []byte
	hc.mu.Lock()
	for i := 0; i < len(keys); {
		j := i
		args := []string{subWords[keys[i].k][0]}
		for ; j < len(keys) && keys[j].k == keys[i].k; j++ {
			args = append(args, keys[j].name)
			hc.inflight[keys[j]]++
		}
		hc.sent = append(hc.sent, sentCmd{keys: keys[i:j:j]})
		buf = resp.AppendCommand(buf, args...)
		i = j
	}
	hc.mu.Unlock()
	hc.write(buf)
}

// unsubscribe sends the unsubscriptions of keys; their confirmations are
// not waited for.
func (hc *hubConn) unsubscribe(keys []psKey) {
	var buf []byte
	for _, key := range keys {
		buf = resp.AppendCommand(buf, subWords[key.k][1], key.name)
	}
	hc.write(buf)
}

// hubWriteTimeout bounds a write to a node that does not read.
const hubWriteTimeout = 5 * time.Second

func (hc *hubConn) write(buf []byte) {
	if hc.isDead() {
		return
	}
	_ = hc.nc.SetWriteDeadline(time.Now().Add(hubWriteTimeout))
	if _, err := hc.nc.Write(buf); err != nil {
		hc.close()
	}
}

// close ends the connection; its reader then releases every waiter.
func (hc *hubConn) close() {
	hc.mu.Lock()
	hc.dead = true
	hc.mu.Unlock()
	_ = hc.nc.Close()
}

// readLoop reads the node's confirmations and messages until the
// connection ends, then releases the waiters and wakes the hub.
func (hc *hubConn) readLoop() {
	defer hc.h.p.wg.Done()
	rd := resp.NewReader(hc.nc, 0, hc.h.p.cfg.MaxReplyBytes)
	// The messages of one read are queued to the subscribers' outboxes
	// and sent when no whole reply is left: one write per subscriber and
	// read, made here, however many messages the read held.
	var b outBatch
	for {
		raw, ok, err := rd.Next()
		if err != nil {
			break
		}
		if !ok {
			b.flush()
			if rd.Fill() != nil {
				break
			}
			continue
		}
		hc.handle(raw, &b)
	}
	b.flush()
	hc.mu.Lock()
	hc.dead = true
	var gs []*ackGroup
	for key, ws := range hc.waiters {
		gs = append(gs, ws...)
		delete(hc.waiters, key)
	}
	hc.sent = nil
	hc.mu.Unlock()
	_ = hc.nc.Close()
	for _, g := range gs {
		g.one()
	}
	hc.h.wake()
}

// handle is one reply or message from the node; messages are queued in
// b.
func (hc *hubConn) handle(raw []byte, b *outBatch) {
	v, _, err := resp.Parse(raw)
	if err != nil {
		return
	}
	if v.Kind == resp.Error {
		// A refused (P|S)SUBSCRIBE: MOVED while a slot moves, say.
		// Retried by the next sync: when the routes change, or after
		// hubResync.
		hc.settle(true)
		hc.h.p.refreshSoon()
		return
	}
	if v.Kind != resp.Array || len(v.Elems) < 3 {
		return
	}
	word := string(v.Elems[0].Str)
	switch word {
	case "message", "smessage":
		if hc.events && !isEventChannel(string(v.Elems[1].Str)) {
			return
		}
		k := subChannel
		if word == "smessage" {
			k = subShard
		}
		hc.h.deliver(k, string(v.Elems[1].Str), raw, b)
	case "pmessage":
		if hc.events && (len(v.Elems) < 4 || !isEventChannel(string(v.Elems[2].Str))) {
			return
		}
		hc.h.deliver(subPattern, string(v.Elems[1].Str), raw, b)
	case "subscribe", "psubscribe", "ssubscribe":
		hc.settle(false)
	}
}

// settle counts the first sent command's next subscription as confirmed,
// or all of its subscriptions as refused, and releases who waited for
// them. A refused one is retried by sync.
func (hc *hubConn) settle(refused bool) {
	hc.mu.Lock()
	if len(hc.sent) == 0 {
		hc.mu.Unlock()
		return
	}
	done := hc.sent[0].keys[:1]
	if refused {
		done = hc.sent[0].keys
	}
	var gs []*ackGroup
	for _, key := range done {
		if refused {
			hc.failed[key] = true
		}
		if hc.inflight[key]--; hc.inflight[key] <= 0 {
			delete(hc.inflight, key)
			gs = append(gs, hc.waiters[key]...)
			delete(hc.waiters, key)
		}
	}
	hc.sent[0].keys = hc.sent[0].keys[len(done):]
	if len(hc.sent[0].keys) == 0 {
		hc.sent = hc.sent[1:]
	}
	hc.mu.Unlock()
	for _, g := range gs {
		g.one()
	}
}
