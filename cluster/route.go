package cluster

import "strconv"

// Redirect texts (RESP error messages without the leading '-').
const (
	msgClusterDown = "CLUSTERDOWN The cluster is down"
	msgNotServed   = "CLUSTERDOWN Hash slot not served"
	msgTryAgain    = "TRYAGAIN Multiple keys request during rehashing of slot"
	msgRestarted   = "TRYAGAIN Node restarted, waiting for the shard map to move its shards"
)

// Route decides whether node self serves a command on slot as its primary.
// When it does not, redirect is the RESP error to answer, without the
// leading '-': "MOVED 1234 10.0.0.2:6379" when another node owns the slot,
// "CLUSTERDOWN ..." when nobody serves it or self is in a minority
// partition, "TRYAGAIN ..." when self restarted and the map still names its
// previous run. Route ignores migrations; a node that holds the keys of a
// migrating slot uses RouteKeys.
func (m *Map) Route(slot int, self NodeID) (serve bool, redirect string) {
	if self == m.self && self != "" && m.down {
		return false, msgClusterDown
	}
	s, ok := m.Owner(slot)
	if !ok {
		return false, msgNotServed
	}
	if s.Primary == self {
		if self == m.self && m.stale {
			return false, msgRestarted
		}
		return true, ""
	}
	addr, _ := m.AddrOfSlot(slot)
	if addr == "" {
		return false, msgNotServed
	}
	return false, movedText(slot, addr)
}

// RouteKeys is Route for a command whose keys (total of them, in one slot)
// the node has looked up: missing is how many of them it does not hold.
// asking is whether the client sent ASKING just before. It applies Redis
// Cluster's migration rules: the source serves while it has every key,
// answers ASK when it has none and TRYAGAIN when it has some; the target
// serves an ASKING client unless a multi-key command misses keys
// (TRYAGAIN); anyone else gets MOVED to the source.
func (m *Map) RouteKeys(slot int, self NodeID, asking bool, total, missing int) (serve bool, redirect string) {
	serve, redirect = m.Route(slot, self)
	g, moving := m.MigrationOf(slot)
	if !moving {
		return serve, redirect
	}
	if serve {
		switch {
		case missing == 0:
			return true, ""
		case missing < total:
			return false, msgTryAgain
		}
		to, _ := m.Shard(g.To)
		addr := m.Addr(to.Primary)
		if addr == "" {
			return false, msgTryAgain
		}
		return false, "ASK " + strconv.Itoa(slot) + " " + addr
	}
	if to, _ := m.Shard(g.To); to.Primary == self && asking && !(self == m.self && m.down) {
		if total > 1 && missing > 0 {
			return false, msgTryAgain
		}
		return true, ""
	}
	return serve, redirect
}

// movedText returns "MOVED <slot> <addr>".
func movedText(slot int, addr string) string {
	return "MOVED " + strconv.Itoa(slot) + " " + addr
}
