package cluster

import (
	"time"
)

// View is the cluster as the status page shows it: the shard map, each
// shard's usage of its budgets against the scale line, and recent events.
// It is plain data for JSON.
type View struct {
	Epoch       uint64             `json:"epoch"`
	Coordinator string             `json:"coordinator"`
	Down        bool               `json:"down"`
	ScaleAt     float64            `json:"scale_at"`
	Budget      map[string]float64 `json:"budget"`
	Nodes       []ViewNode         `json:"nodes"`
	Shards      []ViewShard        `json:"shards"`
	Events      []ViewEvent        `json:"events"`
}

// ViewNode is one member.
type ViewNode struct {
	Name  string `json:"name"`
	Role  string `json:"role"`
	Addr  string `json:"addr"`
	Alive bool   `json:"alive"`
}

// ViewShard is one shard.
type ViewShard struct {
	ID        uint64   `json:"id"`
	Slots     string   `json:"slots"`
	SlotCount int      `json:"slot_count"`
	Primary   string   `json:"primary"`
	Replicas  []string `json:"replicas"`
	State     string   `json:"state"`
	// Usage is the share of each budget in use (1 = the whole budget).
	Usage map[string]float64 `json:"usage"`
}

// ViewEvent is one cluster event.
type ViewEvent struct {
	Time       time.Time `json:"time"`
	Kind       string    `json:"kind"`
	Shard      uint64    `json:"shard"`
	Detail     string    `json:"detail"`
	DurationMs float64   `json:"duration_ms"`
}

// View returns the cluster as this member sees it, with the last events.
func (c *Cluster) View(events int) View {
	st := c.Status()
	v := View{Epoch: st.Epoch, Coordinator: string(st.Coordinator), ScaleAt: st.ScaleAt, Budget: map[string]float64{}}
	for r, b := range st.Budget.values() {
		v.Budget[Resource(r).String()] = b
	}
	usage := map[ShardID]ShardStatus{}
	for _, s := range st.Shards {
		usage[s.Shard] = s
	}
	if m := c.Map(); m != nil {
		v.Down = m.Down()
		// The map's nodes and the warm spares (alive, hosting nothing).
		for _, n := range m.nodeList() {
			v.Nodes = append(v.Nodes, ViewNode{Name: string(n.ID), Role: n.Role.String(), Addr: n.Addr, Alive: m.Alive(n.ID)})
		}
		for _, s := range m.Shards() {
			vs := ViewShard{ID: uint64(s.ID), Slots: FormatRanges(s.Slots), SlotCount: CountSlots(s.Slots),
				Primary: string(s.Primary), State: "no-report", Usage: map[string]float64{}}
			for _, r := range s.Replicas {
				vs.Replicas = append(vs.Replicas, string(r))
			}
			if u, ok := usage[s.ID]; ok {
				vs.State = u.State
				for r, x := range u.Usage {
					vs.Usage[Resource(r).String()] = x
				}
			}
			v.Shards = append(v.Shards, vs)
		}
	}
	for _, e := range c.Events(events) {
		v.Events = append(v.Events, ViewEvent{Time: e.Time, Kind: string(e.Kind), Shard: uint64(e.Shard), Detail: e.Detail,
			DurationMs: float64(e.Duration) / float64(time.Millisecond)})
	}
	return v
}
