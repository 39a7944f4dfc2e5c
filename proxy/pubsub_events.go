package proxy

import "strings"

// Keyspace notifications through the proxy. A node publishes its
// keyspace events (`__keyspace@0__:<key>`, `__keyevent@0__:<event>`) to
// its own subscribers only, as a Redis Cluster node does, while PUBLISH
// reaches every node. So a subscription that can receive such events is
// carried by the home node's connection (every message) and also by one
// connection to each other serving node, which passes on keyspace events
// only (the PUBLISHed messages it also sees came through the home node
// already). A client's confirmation waits for every node's, so an event
// on any shard after it is delivered.

// isEventChannel reports whether channel is a keyspace notification's.
func isEventChannel(channel string) bool {
	return strings.HasPrefix(channel, "__keyspace@") || strings.HasPrefix(channel, "__keyevent@")
}

// isEventKey reports whether subscription key can receive keyspace
// notifications: a channel of theirs, or a pattern whose literal start
// fits theirs.
func isEventKey(key psKey) bool {
	switch key.k {
	case subChannel:
		return isEventChannel(key.name)
	case subPattern:
		lit := key.name
		if i := strings.IndexAny(lit, `*?[\`); i >= 0 {
			lit = lit[:i]
		}
		for _, p := range []string{"__keyspace@", "__keyevent@"} {
			if strings.HasPrefix(lit, p) || strings.HasPrefix(p, lit) {
				return true
			}
		}
	}
	return false
}

// syncEvents puts every wanted subscription that can receive keyspace
// notifications on every serving node other than the home node, and
// closes the event connections no longer needed; g, when set, also waits
// for the confirmations of the subscriptions it sends.
func (h *pubsubHub) syncEvents(g *ackGroup) {
	rt := h.p.routes.Load()
	home := homeNode(rt)
	var keys []psKey
	for key := range h.want {
		if isEventKey(key) {
			keys = append(keys, key)
		}
	}
	need := map[string]bool{}
	if len(keys) > 0 {
		for _, b := range rt.nodes {
			if home != nil && b.addr != home.addr {
				need[b.addr] = true
			}
		}
	}
	for addr, hc := range h.events {
		if !need[addr] || hc.isDead() {
			hc.close()
			delete(h.events, addr)
		}
	}
	for addr := range need {
		hc := h.events[addr]
		if hc == nil {
			if hc = h.dialConn(addr, true); hc == nil {
				continue // sync tries again
			}
			h.events[addr] = hc
		}
		var add []psKey
		for _, key := range keys {
			if hc.failedKey(key) {
				hc.forgetFailed(key)
				delete(hc.carries, key)
			}
			if !hc.carries[key] {
				hc.carries[key] = true
				add = append(add, key)
			}
		}
		if len(add) == 0 {
			continue
		}
		hc.subscribe(add)
		if g != nil {
			for _, key := range add {
				g.left.Add(1)
				hc.waitAck(key, g)
			}
		}
	}
}

// dropEvents unsubscribes key from the event connections.
func (h *pubsubHub) dropEvents(key psKey) {
	for _, hc := range h.events {
		if hc.carries[key] {
			delete(hc.carries, key)
			hc.unsubscribe([]psKey{key})
		}
	}
}
