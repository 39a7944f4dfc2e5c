package node

// reset zeroes a command's counters and latency histogram (CONFIG
// RESETSTAT). A call counted while it runs may be kept or dropped.
func (s *cmdStats) reset() {
	for i := range s.shards {
		sh := &s.shards[i]
		sh.calls.Store(0)
		sh.usec.Store(0)
		sh.failed.Store(0)
		for b := range sh.hist {
			sh.hist[b].Store(0)
		}
	}
	s.rejected.Store(0)
}

// addFailed counts a failure of a call already counted (a blocked
// command answered with an error when it is woken).
func (s *cmdStats) addFailed(id int64) { s.shards[id&(statShards-1)].failed.Add(1) }

// resetCommandStats is CONFIG RESETSTAT's part for INFO commandstats and
// latencystats, as in Redis.
func (n *Node) resetCommandStats() {
	for _, e := range n.cmdList {
		if e != nil {
			e.stats.reset()
		}
	}
	n.latency.resetSubStats()
}
