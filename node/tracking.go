package node

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/resp"
)

// Client-side caching (CLIENT TRACKING), as Redis 6+ does it. In the
// default mode the node remembers which clients read which keys (a table
// of key -> client IDs, bounded by tracking-table-max-keys) and tells them
// once when such a key changes; in BCAST mode it tells every client whose
// prefix a changed key starts with. The message is a RESP3 push
// (>2 invalidate [keys]) on the tracking connection, or on the connection
// it redirects to: a push there when that one speaks RESP3, else a
// message of channel __redis__:invalidate when it is subscribed to it.
//
// A write's keys are collected on the client that runs the command (its
// transaction and scripts included) and invalidated once the command has
// answered, so a client's own invalidation comes after its reply, and a
// BCAST client gets one message per prefix per command. Expiry, eviction
// and dropped slots are heard from the keyspace's observer and invalidated
// at once; FLUSHALL and FLUSHDB send a null invalidation to every tracking
// client.

// trackChannel is the channel RESP2 redirect targets subscribe to.
const trackChannel = "__redis__:invalidate"

// defaultTrackMaxKeys is Redis's tracking-table-max-keys.
const defaultTrackMaxKeys = 1000000

// trackMode is a client's CLIENT TRACKING state. Its owner changes it
// (CLIENT TRACKING) holding tracker.mu; others read it holding tracker.mu.
type trackMode struct {
	on, bcast, optin, optout, noloop bool
	redirect                         int64 // 0: none
	broken                           bool  // the redirect client is gone (told once)
	prefixes                         []string
}

// clientTrack is what a client keeps for tracking.
type clientTrack struct {
	mode trackMode // see trackMode for its lock

	// Owner's fields (the connection's goroutine):
	// caching is CLIENT CACHING's yes (OPTIN) or no (OPTOUT) for the next
	// command; keep says the command now running keeps it (CLIENT ...).
	caching, keep bool
	// scriptRead: a script of this client ran a read-only command, so
	// its declared keys are remembered.
	scriptRead bool
	// dirty are the keys the running command wrote; out the invalidations
	// for this client itself, sent after its reply.
	dirty []string
	out   []byte

	// pend are messages for this client while it has no outbox (it
	// cannot be written to from other goroutines); tracker.mu guards it.
	pend    []byte
	hasPend atomic.Bool
	// running is set while the client's command runs: an invalidation
	// raised meanwhile (an eviction its write caused) waits in pend and
	// follows its reply.
	running atomic.Bool
}

// tracker is the node's tracking state.
type tracker struct {
	// mu guards keys, items, prefixes, clients, every client's
	// clientTrack.mode and .pend. Taken before clientRegistry.mu,
	// pubsubState.mu and any outbox's lock.
	mu       sync.Mutex
	keys     map[string]map[int64]struct{} // default mode: who read a key
	items    int                           // sum of the sets' sizes
	prefixes map[string]map[*client]struct{}
	clients  map[*client]struct{}

	active  atomic.Int64 // len(clients): 0 means writes have no work
	maxKeys atomic.Int64 // tracking-table-max-keys (0: no limit)
}

// trackOwner is the client whose tracking a command run as c counts for:
// a script's caller for the commands of its script.
func trackOwner(c *client) *client {
	if c.scriptOf != nil {
		return c.scriptOf
	}
	return c
}

// trackBefore notes the slot versions of a write's keys when someone
// tracks; nil otherwise.
func (n *Node) trackBefore(spec *command.Spec, args [][]byte) []uint64 {
	if n.track.active.Load() == 0 || !spec.Has(command.Write) {
		return nil
	}
	idx := spec.KeyIndexes(args)
	vers := make([]uint64, len(idx))
	for j, i := range idx {
		vers[j] = n.ks.SlotVersion(keyslot.Of(args[i]))
	}
	return vers
}

// trackAfter runs after a command's handler: a write's changed keys are
// collected for invalidation, a read's keys remembered for a tracking
// client.
func (n *Node) trackAfter(c *client, spec *command.Spec, args [][]byte, vers []uint64, failed bool) {
	owner := trackOwner(c)
	if vers != nil {
		for j, i := range spec.KeyIndexes(args) {
			if j < len(vers) && n.ks.SlotVersion(keyslot.Of(args[i])) != vers[j] {
				owner.track.dirty = append(owner.track.dirty, string(args[i]))
			}
		}
	}
	m := &owner.track.mode
	if !m.on || m.bcast || failed {
		return
	}
	script := spec.Group == "scripting"
	switch {
	case spec.Has(command.Readonly) && !script && c.script:
		// A read of keys (the table marks keyless PING read-only too).
		owner.track.scriptRead = owner.track.scriptRead || !spec.Has(command.Keyless)
	case spec.Has(command.Readonly) && !script:
		n.trackRemember(owner, spec, args)
	case owner.track.scriptRead && !c.script:
		owner.track.scriptRead = false
		n.trackRemember(owner, spec, args)
	}
}

// trackRemember adds the keys of a read to the table for owner, unless
// OPTIN/OPTOUT and CLIENT CACHING say otherwise.
func (n *Node) trackRemember(owner *client, spec *command.Spec, args [][]byte) {
	m := &owner.track.mode
	if (m.optin && !owner.track.caching) || (m.optout && owner.track.caching) {
		return
	}
	idx := spec.KeyIndexes(args)
	if len(idx) == 0 {
		return
	}
	t := &n.track
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, i := range idx {
		k := string(args[i])
		ids := t.keys[k]
		if ids == nil {
			if t.keys == nil {
				t.keys = map[string]map[int64]struct{}{}
			}
			ids = map[int64]struct{}{}
			t.keys[k] = ids
		}
		if _, ok := ids[owner.id]; !ok {
			ids[owner.id] = struct{}{}
			t.items++
		}
	}
	n.trackLimit(nil)
}

// trackLimit invalidates keys of the table until it holds at most
// tracking-table-max-keys. t.mu must be held.
func (n *Node) trackLimit(cur *client) {
	t := &n.track
	limit := int(t.maxKeys.Load())
	if limit <= 0 {
		return
	}
	for k := range t.keys {
		if len(t.keys) <= limit {
			return
		}
		n.invalidateKey(k, nil, cur)
	}
}

// trackEnd runs after each command a client sent (its reply written):
// the keys it wrote are invalidated, and the invalidations for itself
// follow its reply.
func (n *Node) trackEnd(c *client) {
	tr := &c.track
	if len(tr.dirty) > 0 {
		n.invalidate(c, tr.dirty, c)
		clear(tr.dirty)
		tr.dirty = tr.dirty[:0]
	}
	if tr.hasPend.Load() || tr.running.Load() {
		n.track.mu.Lock()
		tr.out = append(tr.out, tr.pend...)
		tr.pend = nil
		tr.hasPend.Store(false)
		tr.running.Store(false)
		n.track.mu.Unlock()
	}
	if len(tr.out) > 0 {
		c.conn.WriteRaw(tr.out)
		tr.out = tr.out[:0]
	}
	if tr.keep {
		tr.keep = false
	} else if c.multi == nil {
		tr.caching = false
	}
}

// invalidate tells the clients tracking keys (written by origin, nil for
// expiry and eviction) that they changed. cur is the client whose command
// is running on this goroutine: its own messages go out after its reply.
func (n *Node) invalidate(origin *client, keys []string, cur *client) {
	t := &n.track
	if t.active.Load() == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	seen := make(map[string]struct{}, len(keys))
	uniq := keys[:0:0]
	for _, k := range keys {
		if _, ok := seen[k]; !ok {
			seen[k] = struct{}{}
			uniq = append(uniq, k)
		}
	}
	for _, k := range uniq {
		n.invalidateKey(k, origin, cur)
	}
	for p, cs := range t.prefixes {
		var matched []string
		for _, k := range uniq {
			if strings.HasPrefix(k, p) {
				matched = append(matched, k)
			}
		}
		if len(matched) == 0 {
			continue
		}
		for c := range cs {
			if c.track.mode.noloop && c == origin {
				continue
			}
			n.sendInvalidation(c, matched, false, cur)
		}
	}
}

// invalidateKey tells the default-mode clients that read k and forgets
// them. t.mu must be held.
func (n *Node) invalidateKey(k string, origin, cur *client) {
	t := &n.track
	ids := t.keys[k]
	if ids == nil {
		return
	}
	delete(t.keys, k)
	t.items -= len(ids)
	for id := range ids {
		c := n.clients.byIDGet(id)
		if c == nil || !c.track.mode.on || c.track.mode.bcast {
			continue
		}
		if c.track.mode.noloop && c == origin {
			continue
		}
		n.sendInvalidation(c, []string{k}, false, cur)
	}
}

// trackFlushed sends the null invalidation of FLUSHALL/FLUSHDB to every
// tracking client and empties the table.
func (n *Node) trackFlushed(cur *client) {
	t := &n.track
	t.mu.Lock()
	defer t.mu.Unlock()
	for c := range t.clients {
		n.sendInvalidation(c, nil, true, cur)
	}
	t.keys, t.items = nil, 0
}

// sendInvalidation queues the invalidation of keys (null: everything) for
// tracking client c. t.mu must be held.
func (n *Node) sendInvalidation(c *client, keys []string, null bool, cur *client) {
	m := &c.track.mode
	recv := c
	if m.redirect != 0 {
		recv = n.clients.byIDGet(m.redirect)
		if recv == nil || recv.quit.Load() {
			if !m.broken {
				m.broken = true
				if c.resp3.Load() {
					b := resp.AppendPush(nil, 2)
					b = resp.AppendBulk(b, "tracking-redir-broken")
					n.trackDeliver(c, resp.AppendInt(b, m.redirect), cur)
				}
			}
			return
		}
	}
	r3 := recv.resp3.Load()
	var b []byte
	switch {
	case r3:
		b = resp.AppendPush(nil, 2)
		b = resp.AppendBulk(b, "invalidate")
	case m.redirect != 0 && n.subscribedTo(recv, trackChannel):
		b = resp.AppendArray(nil, 3)
		b = resp.AppendBulk(b, "message")
		b = resp.AppendBulk(b, trackChannel)
	default:
		return // a RESP2 client without a redirect cannot be told
	}
	switch {
	case null && r3:
		b = resp.AppendNull3(b)
	case null:
		b = resp.AppendNull(b)
	default:
		b = resp.AppendArray(b, len(keys))
		for _, k := range keys {
			b = resp.AppendBulk(b, k)
		}
	}
	n.trackDeliver(recv, b, cur)
}

// trackDeliver queues message b for client r: after the running command's
// reply when r runs it, through r's outbox when it has one, else until r
// runs its next command. t.mu must be held.
func (n *Node) trackDeliver(r *client, b []byte, cur *client) {
	switch {
	case r == cur:
		r.track.out = append(r.track.out, b...)
	case r.out.Load() != nil && !r.track.running.Load():
		cur.batch().push(r.out.Load(), b) // flushed once per event loop round (pubsub.go)
	default:
		r.track.pend = append(r.track.pend, b...)
		r.track.hasPend.Store(true)
		if r.out.Load() == nil && !r.track.running.Load() {
			// An idle client without an outbox is on an event loop:
			// its loop sends the message (loop_push_linux.go).
			n.kickLoops()
		}
	}
}

// subscribedTo reports whether c is subscribed to channel.
func (n *Node) subscribedTo(c *client, channel string) bool {
	if c.subCount(subChannel) == 0 {
		return false
	}
	n.pubsub.mu.RLock()
	defer n.pubsub.mu.RUnlock()
	_, ok := c.subs.sets[subChannel][channel]
	return ok
}

// trackDrop forgets a closed or RESET client's tracking.
func (n *Node) trackDrop(c *client) {
	if !c.track.mode.on && !c.track.hasPend.Load() {
		return
	}
	t := &n.track
	t.mu.Lock()
	n.trackOffLocked(c)
	c.track.pend = nil
	c.track.hasPend.Store(false)
	t.mu.Unlock()
}

// trackOffLocked turns c's tracking off. t.mu must be held.
func (n *Node) trackOffLocked(c *client) {
	t := &n.track
	m := &c.track.mode
	if !m.on {
		return
	}
	for _, p := range m.prefixes {
		if cs := t.prefixes[p]; cs != nil {
			delete(cs, c)
			if len(cs) == 0 {
				delete(t.prefixes, p)
			}
		}
	}
	delete(t.clients, c)
	t.active.Store(int64(len(t.clients)))
	*m = trackMode{}
	c.track.caching = false
}

// trackStats returns INFO's tracking_total_keys, _items and _prefixes and
// tracking_clients.
func (n *Node) trackStats() (keys, items, prefixes, clients int) {
	t := &n.track
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.keys), t.items, len(t.prefixes), len(t.clients)
}

// trackObserver invalidates keys that expire, are evicted or leave with
// their slot (the keyspace calls it under the key's lock; invalidating
// never blocks).
type trackObserver struct{ n atomic.Pointer[Node] }

func (o *trackObserver) HashChanged(string, int, map[string][]byte) {}

// WantsHash: tracking needs no hash's fields.
func (o *trackObserver) WantsHash(string) bool { return false }

// WantsHashes: never.
func (o *trackObserver) WantsHashes() bool { return false }

func (o *trackObserver) KeyRemoved(key string, _ int, why cache.Reason) {
	n := o.n.Load()
	if n == nil || n.track.active.Load() == 0 {
		return
	}
	switch why {
	case cache.ReasonExpired, cache.ReasonEvicted, cache.ReasonSlotDropped:
		n.invalidate(nil, []string{key}, nil)
	}
}

// setTrackMaxKeys is CONFIG SET tracking-table-max-keys: the table
// shrinks to the new size at once, invalidating the keys it drops.
func (n *Node) setTrackMaxKeys(val string) error {
	v, err := strconv.ParseInt(val, 10, 64)
	if err != nil || v < 0 {
		return errArgument("argument couldn't be parsed into an integer")
	}
	t := &n.track
	t.maxKeys.Store(v)
	t.mu.Lock()
	n.trackLimit(nil)
	t.mu.Unlock()
	return nil
}

// trackApplied invalidates the keys of a write a replica applied from its
// primary's stream.
func (n *Node) trackApplied(spec *command.Spec, args [][]byte) {
	if n.track.active.Load() == 0 || !spec.Has(command.Write) {
		return
	}
	var keys []string
	for _, i := range spec.KeyIndexes(args) {
		keys = append(keys, string(args[i]))
	}
	n.invalidate(nil, keys, nil)
}
