package proxy

import (
	"net"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/outbox"
	"github.com/vcache/vcache/internal/resp"
)

// The client side of pub/sub through the proxy (see pubsub_hub.go for the
// node side): the (un)subscribe commands, which the proxy answers itself,
// subscriber mode, PING's pong, PUBLISH to the home node and PUBSUB
// gathered from every node.

// subscriber is a session's subscriptions and its outbox; created by its
// first subscription and kept until the session ends.
type subscriber struct {
	s    *session
	out  *outbox.Queue
	send net.Conn               // the outbox's own handle on the socket, nil if it writes through s.nc
	sets [3]map[string]struct{} // guarded by pubsubHub.mu
	n    [3]atomic.Int64        // sizes of sets
}

// psCmd is how an (un)subscribe command is carried out.
type psCmd struct {
	k   subKind
	add bool
}

// The (un)subscribe commands.
var (
	proxySubscribe    = psCmd{subChannel, true}
	proxyUnsubscribe  = psCmd{subChannel, false}
	proxyPSubscribe   = psCmd{subPattern, true}
	proxyPUnsubscribe = psCmd{subPattern, false}
	proxySSubscribe   = psCmd{subShard, true}
	proxySUnsubscribe = psCmd{subShard, false}
)

// total is the count an (un)subscription reply carries: channels and
// patterns together, shard channels apart, as in Redis.
func (sb *subscriber) total(k subKind) int64 {
	if k == subShard {
		return sb.n[subShard].Load()
	}
	return sb.n[subChannel].Load() + sb.n[subPattern].Load()
}

// subscribed reports whether the session has a subscription of any kind
// (RESP2's subscriber mode).
func (s *session) subscribed() bool {
	sb := s.sub
	return sb != nil && sb.n[subChannel].Load()+sb.n[subPattern].Load()+sb.n[subShard].Load() > 0
}

// appendSubReply appends a confirmation: [word, name, count], as a push
// in RESP3; a nil name is a null (UNSUBSCRIBE with nothing subscribed).
func appendSubReply(b []byte, r3 bool, word string, name []byte, n int64) []byte {
	if r3 {
		b = resp.AppendPush(b, 3)
	} else {
		b = resp.AppendArray(b, 3)
	}
	b = resp.AppendBulk(b, word)
	switch {
	case name != nil:
		b = resp.AppendBulk(b, name)
	case r3:
		b = resp.AppendNull3(b)
	default:
		b = resp.AppendNull(b)
	}
	return resp.AppendInt(b, n)
}

// deliver queues a message the node sent (raw, a RESP2 array) for every
// subscriber of name, in b.
func (h *pubsubHub) deliver(k subKind, name string, raw []byte, b *outBatch) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	var r3 []byte
	for sb := range h.subs[k][name] {
		if !sb.s.resp3.Load() {
			b.push(sb.out, raw)
			continue
		}
		if r3 == nil {
			r3 = append([]byte{'>'}, raw[1:]...)
		}
		b.push(sb.out, r3)
	}
}

// outBatch is the outboxes a node connection's reader queued messages to
// since its last flush: each is flushed once, with a write that does not
// wait, made by the reader; a sender is woken only for what the socket
// did not take (or when its connection has no such write).
type outBatch struct {
	qs []*outbox.Queue
}

// push queues p in o, to be sent by the batch's flush.
func (b *outBatch) push(o *outbox.Queue, p []byte) {
	if ok, first := o.Append(p); ok && first {
		b.qs = append(b.qs, o)
	}
}

// flush sends what the batch's outboxes hold.
func (b *outBatch) flush() {
	for i, q := range b.qs {
		q.Flush()
		b.qs[i] = nil
	}
	b.qs = b.qs[:0]
}

// runPubsub carries out an (un)subscribe command, at a round's edge: the
// replies before it are written.
func (s *session) runPubsub(e *entry, cmd resp.Command) {
	start := time.Now()
	failed := int64(0)
	if e2, it, done := s.admit(cmd); done {
		s.out = append(s.out, s.local[it.lo:it.hi]...)
		s.local = s.local[:0]
		s.flush()
		if e2 != nil {
			e2.stats.record(1, 1, time.Since(start))
		}
		return
	}
	msg := ""
	switch {
	case s.tx != nil:
		msg = "ERR " + strings.ToUpper(e.spec.Name) + " inside MULTI is not supported through the proxy"
	case e.ps.k == subShard && len(cmd.Args) > 1:
		_, msg = s.slotOf(e.spec, cmd.Args)
	}
	if msg != "" {
		s.out = resp.AppendError(s.out, msg)
		s.flush()
		e.stats.record(1, 1, time.Since(start))
		return
	}
	s.feedMonitors(e, cmd.Args) // monitor.go
	if e.ps.add {
		s.subscribe(e.ps.k, cmd.Args[1:])
	} else {
		s.unsubscribe(e.ps.k, cmd.Args[1:])
	}
	s.monitorRoundEnd()
	e.stats.record(1, failed, time.Since(start))
}

// subscribe subscribes the session to names: the hub subscribes on the
// node first (if no other client has), then the session's confirmations
// are queued, before any message for them.
func (s *session) subscribe(k subKind, names [][]byte) {
	h := s.p.hub
	s.ensureSub()
	sb := s.sub
	var keys []psKey
	seen := map[string]bool{}
	h.mu.RLock()
	for _, name := range names {
		if _, ok := sb.sets[k][string(name)]; !ok && !seen[string(name)] {
			seen[string(name)] = true
			keys = append(keys, psKey{k: k, name: string(name)})
		}
	}
	h.mu.RUnlock()
	if len(keys) > 0 {
		g := newAckGroup(1)
		if h.send(hubReq{add: true, keys: keys, g: g}) {
			t := time.NewTimer(s.p.cfg.RetryDeadline)
			select {
			case <-g.done:
			case <-t.C:
				// No node confirmed in time (none is up): the
				// subscription stands and is made once one is.
			}
			t.Stop()
		}
	}
	r3 := s.resp3.Load()
	var buf []byte
	h.mu.Lock()
	for _, name := range names {
		if _, ok := sb.sets[k][string(name)]; !ok {
			sb.sets[k][string(name)] = struct{}{}
			sb.n[k].Add(1)
			set := h.subs[k][string(name)]
			if set == nil {
				set = map[*subscriber]struct{}{}
				h.subs[k][string(name)] = set
			}
			set[sb] = struct{}{}
		}
		buf = appendSubReply(buf, r3, subWords[k][0], name, sb.total(k))
	}
	sb.out.Push(buf)
	h.mu.Unlock()
}

// unsubscribe drops the session's subscriptions to names (all of kind k
// when none is named) and confirms each.
func (s *session) unsubscribe(k subKind, names [][]byte) {
	h := s.p.hub
	r3 := s.resp3.Load()
	sb := s.sub
	var buf []byte
	var gone []psKey
	h.mu.Lock()
	if len(names) == 0 && sb != nil {
		for name := range sb.sets[k] {
			names = append(names, []byte(name))
		}
		sort.Slice(names, func(i, j int) bool { return string(names[i]) < string(names[j]) })
	}
	if len(names) == 0 {
		var n int64
		if sb != nil {
			n = sb.total(k)
		}
		buf = appendSubReply(buf, r3, subWords[k][1], nil, n)
	}
	for _, name := range names {
		if sb != nil {
			if _, ok := sb.sets[k][string(name)]; ok {
				gone = append(gone, s.p.hub.dropLocked(sb, k, string(name)))
			}
		}
		var n int64
		if sb != nil {
			n = sb.total(k)
		}
		buf = appendSubReply(buf, r3, subWords[k][1], name, n)
	}
	if sb != nil {
		sb.out.Push(buf)
	}
	h.mu.Unlock()
	if sb == nil {
		s.out = append(s.out, buf...)
		s.flush()
	}
	if len(gone) > 0 {
		h.send(hubReq{keys: gone})
	}
}

// dropLocked removes one subscription of sb; h.mu must be held.
func (h *pubsubHub) dropLocked(sb *subscriber, k subKind, name string) psKey {
	delete(sb.sets[k], name)
	sb.n[k].Add(-1)
	if set := h.subs[k][name]; set != nil {
		delete(set, sb)
		if len(set) == 0 {
			delete(h.subs[k], name)
		}
	}
	return psKey{k: k, name: name}
}

// dropSubs forgets every subscription of the session, without replies
// (RESET, the end of the connection).
func (s *session) dropSubs() {
	sb := s.sub
	if sb == nil {
		return
	}
	h := s.p.hub
	var gone []psKey
	h.mu.Lock()
	for k := range sb.sets {
		for name := range sb.sets[k] {
			gone = append(gone, h.dropLocked(sb, subKind(k), name))
		}
	}
	h.mu.Unlock()
	if len(gone) > 0 {
		h.send(hubReq{keys: gone})
	}
}

// endSubscriber drops the session's subscriptions and sends what its
// outbox holds, before the connection closes.
func (s *session) endSubscriber() {
	if s.sub != nil {
		s.dropSubs()
		s.sub.out.Finish()
		if s.sub.send != nil {
			_ = s.sub.send.Close()
		}
	}
}

// subscriberDenied is the error of a command a RESP2 session in
// subscriber mode may not run, or "".
func (s *session) subscriberDenied(e *entry, args [][]byte) string {
	if e.spec.Has(command.Subscriber) || s.resp3.Load() || !s.subscribed() {
		return ""
	}
	name := e.spec.Name
	if e.spec.Has(command.Container) && len(args) > 1 {
		name += "|" + strings.ToLower(string(args[1]))
	}
	return "ERR Can't execute '" + name + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
}

// proxyPing is PING: in subscriber mode a RESP2 session gets ["pong",
// message], as from Redis.
func proxyPing(s *session, args [][]byte) {
	if len(args) <= 2 && !s.resp3.Load() && s.subscribed() {
		s.local = resp.AppendArray(s.local, 2)
		s.local = resp.AppendBulk(s.local, "pong")
		if len(args) == 2 {
			s.local = resp.AppendBulk(s.local, args[1])
		} else {
			s.local = resp.AppendBulk(s.local, "")
		}
		return
	}
	front.Ping(s, args)
}

// proxyPublish sends PUBLISH to the home node, where every proxy listens.
func proxyPublish(s *session, cmd resp.Command) (merger, string) {
	home := homeNode(s.p.routes.Load())
	if home == nil {
		return nil, msgNoNodes
	}
	c := s.newCall(cmd.Raw)
	s.targetNode(c, home)
	return &fanMerge{calls: []*call{c}, combine: func(vals []resp.Value, dst []byte) []byte {
		return vals[0].AppendTo(dst)
	}}, ""
}

// proxyPubSub answers PUBSUB from every node: CHANNELS and SHARDCHANNELS
// are the union, NUMSUB and SHARDNUMSUB the sums in which this proxy's
// own subscription on a node counts as its subscribers, NUMPAT the sum.
// Other subcommands (HELP, errors) are a node's answer.
func proxyPubSub(s *session, cmd resp.Command) (merger, string) {
	sub := strings.ToLower(string(cmd.Args[1]))
	argc := len(cmd.Args)
	switch {
	case (sub == "channels" || sub == "shardchannels") && argc <= 3:
		return s.fan(cmd, unionSorted)
	case sub == "numsub" || sub == "shardnumsub":
		k := subChannel
		if sub == "shardnumsub" {
			k = subShard
		}
		return s.fan(cmd, func(vals []resp.Value, dst []byte) []byte {
			names := cmd.Args[2:]
			counts := make([]int64, len(names))
			for i := range vals {
				for j := range names {
					if 2*j+1 < len(vals[i].Elems) {
						counts[j] += vals[i].Elems[2*j+1].Int
					}
				}
			}
			h := s.p.hub
			h.mu.RLock()
			for j, name := range names {
				if n := len(h.subs[k][string(name)]); n > 0 {
					counts[j] += int64(n) - 1 // the proxy's own subscription on the node
				}
			}
			h.mu.RUnlock()
			dst = resp.AppendArray(dst, 2*len(names))
			for j, name := range names {
				dst = resp.AppendBulk(dst, name)
				dst = resp.AppendInt(dst, counts[j])
			}
			return dst
		})
	case sub == "numpat" && argc == 2:
		return s.fan(cmd, func(vals []resp.Value, dst []byte) []byte {
			var n int64
			for i := range vals {
				n += vals[i].Int
			}
			return resp.AppendInt(dst, n)
		})
	}
	c := s.newCall(cmd.Raw)
	s.targetAny(c)
	return &fanMerge{calls: []*call{c}, combine: func(vals []resp.Value, dst []byte) []byte {
		return vals[0].AppendTo(dst)
	}}, ""
}

// unionSorted merges arrays of names into one sorted array without
// duplicates.
func unionSorted(vals []resp.Value, dst []byte) []byte {
	seen := map[string]bool{}
	var names []string
	for i := range vals {
		for _, el := range vals[i].Elems {
			if !seen[string(el.Str)] {
				seen[string(el.Str)] = true
				names = append(names, string(el.Str))
			}
		}
	}
	sort.Strings(names)
	dst = resp.AppendArray(dst, len(names))
	for _, n := range names {
		dst = resp.AppendBulk(dst, n)
	}
	return dst
}

// pubsubAt returns the index of the first (un)subscribe command of cmds,
// or -1. Names are checked by length first: the usual pipeline has none.
func (s *session) pubsubAt(cmds []resp.Command) int {
	for i := range cmds {
		name := cmds[i].Args[0]
		if n := len(name); n < 9 || n > 12 || name[n-1]|0x20 != 'e' {
			continue
		}
		if e := s.p.cmds.lookup(name); e != nil && e.kind == kindSubscribe {
			return i
		}
	}
	return -1
}

// runAround runs the commands before cmds[i], writes their replies, runs
// the (un)subscribe command cmds[i] and then the rest; it returns how many
// it took, as run does.
func (s *session) runAround(cmds []resp.Command, i int) int {
	if i > 0 {
		took := s.run(cmds[:i])
		s.flush()
		if took < i || s.quit {
			return took
		}
	}
	s.runPubsub(s.p.cmds.lookup(cmds[i].Args[0]), cmds[i])
	if i+1 < len(cmds) && !s.quit {
		return i + 1 + s.run(cmds[i+1:])
	}
	return i + 1
}
