package cluster

import (
	"context"
	"time"
)

// Router follows this member's shard map for a proxy. It has the method set
// of proxy.Router (the proxy declares that interface; this package does not
// import it). Its methods are safe for concurrent use and, except Refresh,
// never wait.
type Router struct{ c *Cluster }

// Router returns a Router over this member's map.
func (c *Cluster) Router() *Router { return &Router{c} }

// Lookup returns the RESP address of the primary serving slot.
func (r *Router) Lookup(slot int) (string, bool) { return r.c.Map().AddrOfSlot(slot) }

// ReplicaAddr returns the RESP address of an alive replica of slot's
// shard, preferring one in zone, or false when it has none. (A replica
// still catching up redirects reads to its primary.)
func (r *Router) ReplicaAddr(slot int, zone string) (string, bool) {
	m := r.c.Map()
	sh, ok := m.Owner(slot)
	if !ok {
		return "", false
	}
	var addr, addrZone string
	for _, id := range sh.Replicas {
		mem, alive := m.Member(id)
		a := m.Addr(id)
		if !alive || a == "" {
			continue
		}
		if addr == "" || (zone != "" && mem.Zone == zone && addrZone != zone) {
			addr, addrZone = a, mem.Zone
		}
	}
	return addr, addr != ""
}

// Addrs returns the addresses of the primaries that serve slots, sorted, each
// once. The slice must not be modified.
func (r *Router) Addrs() []string { return r.c.Map().PrimaryAddrs() }

// Changed returns a channel closed the next time the map (its epoch)
// changes.
func (r *Router) Changed() <-chan struct{} {
	r.c.watchMu.Lock()
	defer r.c.watchMu.Unlock()
	return r.c.changed
}

// Refresh asks the coordinator, and any member that announced a newer map,
// for the full map, and returns when a newer map is in place, after one
// LoadInterval (by then any newer map has been announced and fetched), or
// when ctx ends. A proxy calls it after -MOVED or a lost node.
func (r *Router) Refresh(ctx context.Context) error {
	changed := r.Changed()
	select {
	case r.c.refresh <- struct{}{}:
	default: // a refresh is already pending
	}
	t := time.NewTimer(r.c.cfg.LoadInterval)
	defer t.Stop()
	select {
	case <-changed:
		return nil
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// AllowsCrossSlot reports false: like Redis Cluster nodes, vcache nodes
// refuse multi-key commands across slots, so the proxy splits them.
func (r *Router) AllowsCrossSlot() bool { return false }

// DataAddrs returns the RESP address of every alive data node this member
// sees, replicas and nodes that serve no slot included.
func (r *Router) DataAddrs() []string {
	var addrs []string
	for _, m := range r.c.Map().Members() {
		if m.Role == RoleNode && m.Addr != "" {
			addrs = append(addrs, m.Addr)
		}
	}
	return addrs
}
