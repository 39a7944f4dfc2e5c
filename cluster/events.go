package cluster

import (
	"slices"
	"sync"
	"time"
)

// EventKind names what an Event records.
type EventKind string

// Kinds of events.
const (
	EventBootstrap EventKind = "bootstrap" // the first map was made
	EventSplit     EventKind = "split"     // a split started or finished
	EventMerge     EventKind = "merge"     // a merge started or finished
	EventAbort     EventKind = "abort"     // a migration was abandoned
	EventFailover  EventKind = "failover"  // a replica was promoted, or a lost shard re-placed
	EventReplica   EventKind = "replica"   // a replica was placed
	EventNodeFail  EventKind = "node-fail" // a data node left or failed
	EventNodeJoin  EventKind = "node-join" // a data node joined
	EventScaleOut  EventKind = "scale-out" // the scale-out hook ran
	EventRestarted EventKind = "restart"   // a data node came back with its data gone
)

// Event is one decision of the coordinator, or one change it saw.
type Event struct {
	// ID is unique in the cluster: the coordinator's name and a sequence.
	ID   string
	Time time.Time
	Kind EventKind
	// Shard is the shard concerned, 0 when none.
	Shard  ShardID
	Detail string
	// Duration is how long the action took (a split from its start to the
	// flip of the map, a failover from the failure to the new map); 0 when
	// it does not apply.
	Duration time.Duration
}

// eventLog keeps the latest events, oldest first. Safe for concurrent use.
type eventLog struct {
	mu     sync.Mutex // guards events
	size   int
	events []Event
}

func newEventLog(size int) *eventLog { return &eventLog{size: size} }

// add records ev unless an event with its ID is already there; it reports
// whether ev was new.
func (l *eventLog) add(ev Event) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if slices.ContainsFunc(l.events, func(e Event) bool { return e.ID == ev.ID }) {
		return false
	}
	i, _ := slices.BinarySearchFunc(l.events, ev, func(a, b Event) int { return a.Time.Compare(b.Time) })
	l.events = slices.Insert(l.events, i, ev)
	if over := len(l.events) - l.size; over > 0 {
		l.events = slices.Delete(l.events, 0, over)
	}
	return true
}

// last returns up to n latest events, newest first.
func (l *eventLog) last(n int) []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	n = min(n, len(l.events))
	out := make([]Event, 0, n)
	for i := len(l.events) - 1; i >= len(l.events)-n; i-- {
		out = append(out, l.events[i])
	}
	return out
}
