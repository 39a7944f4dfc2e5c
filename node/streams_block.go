package node

import (
	"strconv"
	"time"

	"github.com/vcache/vcache/cache"
)

// Blocking stream reads: XREAD and XREADGROUP with BLOCK wait on the
// blocking registry of blocking.go as BLPOP does. A reader that finds no
// entry registers a waiter on its keys; every write to one of them looks
// at it again (while the writer holds its stripes) and answers it with
// that one stream's new entries, as Redis does.
//
// XREAD waits for entries after fixed IDs ("$" is the stream's last ID
// when the command ran); a missing key or one of another type keeps it
// waiting. XREADGROUP waits for entries its group has not delivered
// (">"): it is looked at again only when its stream's last ID changed
// (XADD, a stream renamed onto the key), as Redis wakes it only then; a
// key that no longer holds a stream answers it -UNBLOCKED, a group that
// is gone -NOGROUP. What a served group read changed is replicated as
// Redis propagates it: an XCLAIM per entry added to the PEL (or XGROUP
// CREATECONSUMER with NOACK), then XGROUP SETID with ENTRIESREAD.

// streamWait is what a client blocked in XREAD or XREADGROUP waits for,
// per key of its waiter (same order).
type streamWait struct {
	after           []cache.StreamID // XREAD: entries after these
	seen            []cache.StreamID // XREADGROUP: each stream's last ID when last looked at
	group, consumer string           // XREADGROUP's
	count           int              // 0: all
	noack           bool
}

// streamRead is one stream of an XREAD or XREADGROUP reply.
type streamRead struct {
	key []byte
	es  []cache.StreamEntry
}

// replyStreams answers XREAD or XREADGROUP: [[key, [entry...]]...], in
// RESP3 a map of key to entries (as Redis 7 sends it; resp.AsStreams).
func replyStreams(cx *Ctx, out []streamRead) {
	r3 := cx.cl.resp3.Load()
	if r3 {
		cx.Map(len(out))
	} else {
		cx.Array(len(out))
	}
	for _, s := range out {
		if !r3 {
			cx.Array(2)
		}
		cx.Bulk(s.key)
		replyEntries(cx, s.es)
	}
}

// blockStreams registers the client as blocked in XREAD (xs.after set)
// or XREADGROUP for keys, or, when it may not block (inside EXEC, an
// internal client such as a replica applying the stream), answers the
// null reply. blockRegistry.mu must be held since the reads that found
// nothing.
func blockStreams(cx *Ctx, keys [][]byte, xs *streamWait, ms int64) {
	c := cx.cl
	if c.conn == nil || c.inExec {
		cx.NullArray()
		return
	}
	w := &waiter{cl: c, kind: blockStream, xs: xs, done: make(chan blockResult, 1)}
	for _, k := range keys {
		w.keys = append(w.keys, string(k))
	}
	if ms > 0 {
		w.deadline = time.Now().Add(time.Duration(ms) * time.Millisecond)
	}
	cx.Node.blocked.add(w)
	c.block = w
}

// serveStream looks at w, blocked in XREAD or XREADGROUP, after a write
// to key, and answers it if it can; it reports whether it did.
// blockRegistry.mu must be held.
func (n *Node) serveStream(w *waiter, key string) bool {
	xs, r := w.xs, &n.blocked
	i := 0
	for i < len(w.keys)-1 && w.keys[i] != key {
		i++
	}
	kb := []byte(key)
	last, found, err := n.ks.StreamLastID(kb)
	if xs.group == "" {
		if err != nil || !found {
			return false // XREAD waits for a stream to come back
		}
		es, ok, err := n.ks.XRead(kb, xs.after[i], xs.count)
		if err != nil || !ok {
			return false
		}
		r.finish(w, blockResult{key: kb, entries: es})
		return true
	}
	if err != nil || !found {
		r.finish(w, blockResult{errText: "UNBLOCKED the stream key no longer exists"})
		return true
	}
	if n.ks.StreamHasGroup(kb, xs.group) != nil {
		r.finish(w, blockResult{errText: "NOGROUP the consumer group this client was blocked on no longer exists"})
		return true
	}
	if last == xs.seen[i] {
		return false
	}
	xs.seen[i] = last
	now := n.ks.StreamClockMs()
	es, ok, err := n.ks.XReadGroup(kb, cache.XReadGroupArgs{Group: xs.group, Consumer: xs.consumer, New: true, Count: xs.count, NoAck: xs.noack})
	if err != nil {
		r.finish(w, blockResult{err: err})
		return true
	}
	if !ok || len(es) == 0 {
		return false
	}
	r.finish(w, blockResult{key: kb, entries: es})
	n.logGroupServed(key, xs, es, now)
	return true
}

// logGroupServed replicates what a served XREADGROUP changed in its group,
// as Redis propagates it: each entry it added to the PEL as XCLAIM ...
// FORCE JUSTID, or with NOACK the consumer's creation, then the group's
// position as XGROUP SETID ... ENTRIESREAD.
func (n *Node) logGroupServed(key string, xs *streamWait, es []cache.StreamEntry, now int64) {
	if !n.repl.log.on.Load() && n.cl.Load() == nil {
		return
	}
	pos, err := n.ks.XGroupPosition([]byte(key), xs.group)
	if err != nil {
		return
	}
	k, g, c := []byte(key), []byte(xs.group), []byte(xs.consumer)
	last := []byte(pos.LastID.String())
	if xs.noack {
		n.logServedArgs(key, [][]byte{[]byte("XGROUP"), []byte("CREATECONSUMER"), k, g, c})
	} else {
		t := []byte(strconv.FormatInt(now, 10))
		for _, e := range es {
			n.logServedArgs(key, [][]byte{[]byte("XCLAIM"), k, g, c, []byte("0"), []byte(e.ID.String()),
				[]byte("TIME"), t, []byte("RETRYCOUNT"), []byte("1"), []byte("FORCE"), []byte("JUSTID"),
				[]byte("LASTID"), last})
		}
	}
	n.logServedArgs(key, [][]byte{[]byte("XGROUP"), []byte("SETID"), k, g, last,
		[]byte("ENTRIESREAD"), []byte(strconv.FormatInt(pos.EntriesRead, 10))})
}

// groupReaderKeys returns the keys clients wait on in XREADGROUP (after
// FLUSHALL they learn their streams are gone). mu must be held.
func (r *blockRegistry) groupReaderKeys() []string {
	var keys []string
	for k, q := range r.byKey {
		for _, w := range q {
			if w.xs != nil && w.xs.group != "" {
				keys = append(keys, k)
				break
			}
		}
	}
	return keys
}
