package cluster

import (
	"errors"
	"fmt"
)

// Why a member does not serve a command on a slot. The node's front end
// turns them into Redis Cluster's replies (-MOVED, -ASK, -TRYAGAIN,
// -CLUSTERDOWN).
var (
	// ErrMoved: another node serves the slot (a *Redirect says which).
	ErrMoved = errors.New("cluster: slot served by another node")
	// ErrAsk: the slot is migrating and this key has already moved to the
	// target (a *Redirect says where).
	ErrAsk = errors.New("cluster: key moved to the migration target")
	// ErrTryAgain: a multi-key command during a migration finds some of
	// its keys here and some moved.
	ErrTryAgain = errors.New("cluster: keys split by a slot migration")
	// ErrRestarted: this node restarted and the map still names its
	// previous run as the slot's owner.
	ErrRestarted = errors.New("cluster: node restarted, waiting for the shard map to move its shards")
	// ErrDown: this member is in a minority partition and serves nothing.
	ErrDown = errors.New("cluster: down (minority partition)")
	// ErrNotServed: no alive node serves the slot.
	ErrNotServed = errors.New("cluster: slot not served")
)

// Redirect is a routing answer that names where to go: Err is ErrMoved
// or ErrAsk, Addr the RESP address (host:port) that serves Slot.
type Redirect struct {
	Err  error
	Slot int
	Addr string
}

func (r *Redirect) Error() string { return fmt.Sprintf("%v: slot %d at %s", r.Err, r.Slot, r.Addr) }
func (r *Redirect) Unwrap() error { return r.Err }

// Route decides whether node self serves a command on slot as its primary.
// When it does not, err says why: a *Redirect wrapping ErrMoved when
// another node owns the slot, ErrNotServed when nobody serves it, ErrDown
// when self is in a minority partition, ErrRestarted when self restarted
// and the map still names its previous run. Route ignores migrations; a
// node that holds the keys of a migrating slot uses RouteKeys.
func (m *Map) Route(slot int, self NodeID) (serve bool, err error) {
	if self == m.self && self != "" && m.down {
		return false, ErrDown
	}
	s, ok := m.Owner(slot)
	if !ok {
		return false, ErrNotServed
	}
	if s.Primary == self {
		if self == m.self && m.stale {
			return false, ErrRestarted
		}
		return true, nil
	}
	addr, _ := m.AddrOfSlot(slot)
	if addr == "" {
		return false, ErrNotServed
	}
	return false, &Redirect{Err: ErrMoved, Slot: slot, Addr: addr}
}

// RouteKeys is Route for a command whose keys (total of them, in one slot)
// the node has looked up: missing is how many of them it does not hold.
// asking is whether the client sent ASKING just before. It applies Redis
// Cluster's migration rules: the source serves while it has every key,
// answers ASK when it has none and TRYAGAIN when it has some; the target
// serves an ASKING client unless a multi-key command misses keys
// (TRYAGAIN); anyone else gets MOVED to the source.
func (m *Map) RouteKeys(slot int, self NodeID, asking bool, total, missing int) (serve bool, err error) {
	serve, err = m.Route(slot, self)
	g, moving := m.MigrationOf(slot)
	if !moving {
		return serve, err
	}
	if serve {
		switch {
		case missing == 0:
			return true, nil
		case missing < total:
			return false, ErrTryAgain
		}
		to, _ := m.Shard(g.To)
		addr := m.Addr(to.Primary)
		if addr == "" {
			return false, ErrTryAgain
		}
		return false, &Redirect{Err: ErrAsk, Slot: slot, Addr: addr}
	}
	if to, _ := m.Shard(g.To); to.Primary == self && asking && !(self == m.self && m.down) {
		if total > 1 && missing > 0 {
			return false, ErrTryAgain
		}
		return true, nil
	}
	return serve, err
}
