package node

import (
	"strconv"
	"sync/atomic"
	"time"
)

// msgNoReplicas is Redis's refusal of a write while fewer good replicas
// than min-replicas-to-write are connected.
const msgNoReplicas = "NOREPLICAS Not enough good replicas to write."

// minReplicas holds min-replicas-to-write and min-replicas-max-lag (and
// their min-slaves-* aliases): with to > 0, a primary refuses writes
// unless each shard it streams to has at least that many online replicas
// that acknowledged within maxLag seconds, as Redis does.
type minReplicas struct {
	to     atomic.Int64 // 0: off
	maxLag atomic.Int64 // seconds; Redis's default is 10
}

// minReplicasParams are the CONFIG names of minReplicas, each with its
// alias.
var minReplicasParams = map[string]string{
	"min-replicas-to-write": "to", "min-slaves-to-write": "to",
	"min-replicas-max-lag": "lag", "min-slaves-max-lag": "lag",
}

// addMinReplicasGetters adds the CONFIG GET getters of minReplicas to m.
func (n *Node) addMinReplicasGetters(m map[string]func() string) {
	for name, which := range minReplicasParams {
		v := &n.minRepl.to
		if which == "lag" {
			v = &n.minRepl.maxLag
		}
		m[name] = func() string { return strconv.FormatInt(v.Load(), 10) }
	}
}

// setMinReplicas is CONFIG SET of one of minReplicasParams; ok is false
// for another name.
func (n *Node) setMinReplicas(name, val string) (ok bool, err error) {
	which, ok := minReplicasParams[name]
	if !ok {
		return false, nil
	}
	v, perr := strconv.ParseInt(val, 10, 64)
	if perr != nil || v < 0 || v > 1<<31-1 {
		return true, errArgument("argument couldn't be parsed into an integer")
	}
	if which == "lag" {
		n.minRepl.maxLag.Store(v)
	} else {
		n.minRepl.to.Store(v)
	}
	return true, nil
}

// enoughReplicas reports whether writes may run: min-replicas-to-write is
// off, or every shard this node streams to has that many good replicas
// (none streamed to counts as zero).
func (n *Node) enoughReplicas() bool {
	want := n.minRepl.to.Load()
	if want <= 0 {
		return true
	}
	return int64(n.goodReplicas(time.Now())) >= want
}

// goodReplicas counts, per shard, the online replicas whose last
// acknowledgement is at most min-replicas-max-lag seconds old, and
// returns the fewest (0 without replicas). A shard this node leads with
// no replica streaming counts as none.
func (n *Node) goodReplicas(now time.Time) int {
	lag := n.minRepl.maxLag.Load()
	per := map[string]int{}
	for _, s := range n.ledShards() {
		per[s] = 0
	}
	for _, l := range n.repl.replicaList() {
		t := l.lastAck.Load()
		good := l.online.Load() && t != 0 && secondsSince(now, t) <= lag
		if _, seen := per[l.shard]; !seen {
			per[l.shard] = 0
		}
		if good {
			per[l.shard]++
		}
	}
	fewest := -1
	for _, c := range per {
		if fewest < 0 || c < fewest {
			fewest = c
		}
	}
	return max(fewest, 0)
}
