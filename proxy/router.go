package proxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"

	"github.com/vcache/vcache/internal/keyslot"
)

// Router tells the proxy where each hash slot is served. The static
// router below splits slots over a fixed list of nodes; the cluster
// supplies one that follows the gossiped shard map.
//
// All methods are called concurrently from many goroutines and must not
// block on the network, except Refresh.
type Router interface {
	// Lookup returns the RESP address ("host:port") of the node serving
	// slot (0 <= slot < keyslot.Count), or false if no node does.
	Lookup(slot int) (addr string, ok bool)
	// Addrs returns every node address that serves at least one slot,
	// each once, in a stable order. Fan-out commands go to each of them.
	// The caller must not modify the slice.
	Addrs() []string
	// Refresh brings the map up to date (asked after -MOVED, a lost node
	// or a timeout) and returns when it has, or when ctx ends. A router
	// that cannot do better returns nil at once.
	Refresh(ctx context.Context) error
	// Changed returns a channel that is closed the next time the map
	// changes; call it again for the change after that. A router whose map
	// never changes may return nil.
	Changed() <-chan struct{}
}

// ReplicaRouter is implemented by routers that know each slot's replicas.
type ReplicaRouter interface {
	// ReplicaAddr returns the RESP address of a replica of slot, one in
	// zone when there is one, or false if the slot has none.
	ReplicaAddr(slot int, zone string) (addr string, ok bool)
}

// CrossSlotRouter is implemented by routers whose nodes accept multi-key
// commands over keys in different slots, as long as the node serves them
// all (a standalone Redis does; Redis Cluster does not). Routers that do
// not implement it are assumed strict: the proxy then splits multi-key
// commands per slot.
type CrossSlotRouter interface {
	AllowsCrossSlot() bool
}

// StaticRouter splits the hash slots evenly, in order, over a list of
// nodes that do not know about slots (`--backend a,b,c`). Its map changes
// only through SetAddrs.
type StaticRouter struct {
	// mu guards addrs, owner and changed.
	mu      sync.RWMutex
	addrs   []string
	owner   []uint16 // slot -> index in addrs
	changed chan struct{}
}

// NewStaticRouter returns a router over addrs, each "host:port".
func NewStaticRouter(addrs []string) (*StaticRouter, error) {
	r := &StaticRouter{changed: make(chan struct{})}
	if err := r.SetAddrs(addrs); err != nil {
		return nil, err
	}
	return r, nil
}

// SetAddrs replaces the node list and re-splits the slots, as a resharding
// would, and notifies watchers.
func (r *StaticRouter) SetAddrs(addrs []string) error {
	if len(addrs) == 0 {
		return errors.New("proxy: no backend address")
	}
	if len(addrs) > keyslot.Count {
		return fmt.Errorf("proxy: %d backends, at most %d", len(addrs), keyslot.Count)
	}
	seen := map[string]bool{}
	for _, a := range addrs {
		if _, _, err := net.SplitHostPort(a); err != nil {
			return fmt.Errorf("proxy: backend %q: %w", a, err)
		}
		if seen[a] {
			return fmt.Errorf("proxy: backend %q listed twice", a)
		}
		seen[a] = true
	}
	owner := make([]uint16, keyslot.Count)
	for s := range owner {
		owner[s] = uint16(s * len(addrs) / keyslot.Count)
	}
	r.mu.Lock()
	r.addrs = append([]string(nil), addrs...)
	r.owner = owner
	old := r.changed
	r.changed = make(chan struct{})
	r.mu.Unlock()
	close(old)
	return nil
}

// Lookup implements Router.
func (r *StaticRouter) Lookup(slot int) (string, bool) {
	if slot < 0 || slot >= keyslot.Count {
		return "", false
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.addrs[r.owner[slot]], true
}

// Addrs implements Router.
func (r *StaticRouter) Addrs() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.addrs
}

// Refresh implements Router; a static map is always up to date.
func (r *StaticRouter) Refresh(context.Context) error { return nil }

// Changed implements Router.
func (r *StaticRouter) Changed() <-chan struct{} {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.changed
}

// AllowsCrossSlot implements CrossSlotRouter: standalone nodes accept any
// keys.
func (r *StaticRouter) AllowsCrossSlot() bool { return true }
