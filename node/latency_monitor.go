package node

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/internal/command"
)

// The latency monitor (Redis's LATENCY): when latency-monitor-threshold is
// set (milliseconds, 0: off), every operation of a class that takes at
// least that long is recorded as a sample of its event, one per second
// (the highest), the last latencySamples of each kept. The events:
// "command" (a command's run) and "expire-cycle" (an active expiry cycle's
// work, cache.Config.ExpireCycleDone: not the time it waited for stripes
// that commands held, so a cycle behind a long script is no event).

// latencySamples is how many samples an event keeps, as in Redis.
const latencySamples = 160

// latencySample is one second's highest latency of an event.
type latencySample struct {
	at int64 // unix seconds
	ms int64
}

// latencyEvent is one event's samples, oldest first, and its all-time
// highest latency.
type latencyEvent struct {
	samples []latencySample
	max     int64
}

// latencyMonitor is the node's LATENCY state.
type latencyMonitor struct {
	// threshold is latency-monitor-threshold in milliseconds.
	threshold atomic.Int64
	// mu guards events.
	mu     sync.Mutex
	events map[string]*latencyEvent
	// subs are the per-subcommand statistics of Container commands
	// ("client|id"), for LATENCY HISTOGRAM; subMu guards the map, the
	// counters are atomic.
	subMu sync.Mutex
	subs  map[string]*cmdStats
}

// maxSubStats bounds how many subcommand names LATENCY HISTOGRAM keeps.
const maxSubStats = 512

// add records ms as a sample of event when the monitor is on and ms
// reaches its threshold.
func (m *latencyMonitor) add(event string, ms int64) {
	t := m.threshold.Load()
	if t <= 0 || ms < t {
		return
	}
	now := time.Now().Unix()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.events == nil {
		m.events = map[string]*latencyEvent{}
	}
	e := m.events[event]
	if e == nil {
		e = &latencyEvent{}
		m.events[event] = e
	}
	e.max = max(e.max, ms)
	if n := len(e.samples); n > 0 && e.samples[n-1].at == now {
		e.samples[n-1].ms = max(e.samples[n-1].ms, ms)
		return
	}
	if len(e.samples) == latencySamples {
		e.samples = append(e.samples[:0], e.samples[1:]...)
	}
	e.samples = append(e.samples, latencySample{at: now, ms: ms})
}

// observeLatency records a command run of e that took us microseconds:
// its latency event and, for a subcommand of a Container command, the
// subcommand's statistics (INFO commandstats, LATENCY HISTOGRAM).
func (n *Node) observeLatency(c *client, e *cmdEntry, args [][]byte, us int64, failed bool) {
	n.latency.add("command", us/1000)
	if s := n.subStats(e, args, failed); s != nil {
		s.record(c.id, us, failed)
	}
}

// reject counts a command of e refused before it ran (arity, ACL,
// routing, OOM...): on its subcommand for a Container command, as Redis
// counts "config|get".
func (n *Node) reject(e *cmdEntry, args [][]byte) {
	if s := n.subStats(e, args, true); s != nil {
		s.rejected.Add(1)
		return
	}
	e.stats.rejected.Add(1)
}

// subStats returns the statistics of the subcommand args names of a
// Container command e, made on first use; nil for another command, or a
// subcommand e does not serve (Redis counts no command then). A container
// whose subcommands are not listed counts those that did not fail.
func (n *Node) subStats(e *cmdEntry, args [][]byte, failed bool) *cmdStats {
	if !e.spec.Has(command.Container) || len(args) < 2 || len(args[1]) > 64 {
		return nil
	}
	if subs := e.spec.Subcommands(); subs != nil {
		known := false
		for _, name := range subs {
			if command.EqualFold(args[1], name) {
				known = true
				break
			}
		}
		if !known {
			return nil
		}
	} else if failed {
		return nil
	}
	name := subcommandName(e.spec.Name, args[1])
	m := &n.latency
	m.subMu.Lock()
	defer m.subMu.Unlock()
	s := m.subs[name]
	if s == nil && len(m.subs) < maxSubStats {
		if m.subs == nil {
			m.subs = map[string]*cmdStats{}
		}
		s = &cmdStats{}
		m.subs[name] = s
	}
	return s
}

// resetSubStats is CONFIG RESETSTAT's part for subcommand histograms.
func (m *latencyMonitor) resetSubStats() {
	m.subMu.Lock()
	m.subs = nil
	m.subMu.Unlock()
}

// eventNames returns the monitor's event names, sorted.
func (m *latencyMonitor) eventNames() []string {
	var names []string
	for name := range m.events {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func cmdLatency(cx *Ctx) {
	m := &cx.Node.latency
	sub := strings.ToLower(string(cx.Args[1]))
	switch {
	case sub == "latest" && len(cx.Args) == 2:
		m.mu.Lock()
		defer m.mu.Unlock()
		names := m.eventNames()
		cx.Array(len(names))
		for _, name := range names {
			e := m.events[name]
			last := e.samples[len(e.samples)-1]
			cx.Array(4)
			cx.BulkString(name)
			cx.Int(last.at)
			cx.Int(last.ms)
			cx.Int(e.max)
		}
	case sub == "history" && len(cx.Args) == 3:
		m.mu.Lock()
		defer m.mu.Unlock()
		e := m.events[string(cx.Args[2])]
		if e == nil {
			cx.Array(0)
			return
		}
		cx.Array(len(e.samples))
		for _, s := range e.samples {
			cx.Array(2)
			cx.Int(s.at)
			cx.Int(s.ms)
		}
	case sub == "graph" && len(cx.Args) == 3:
		m.mu.Lock()
		defer m.mu.Unlock()
		name := string(cx.Args[2])
		e := m.events[name]
		if e == nil {
			cx.Error("ERR No samples available for event '" + name + "'")
			return
		}
		cx.Verbatim(latencyGraph(name, e))
	case sub == "doctor" && len(cx.Args) == 2:
		m.mu.Lock()
		defer m.mu.Unlock()
		cx.Verbatim(m.doctor())
	case sub == "reset" && len(cx.Args) >= 2:
		m.mu.Lock()
		defer m.mu.Unlock()
		n := 0
		if len(cx.Args) == 2 {
			n = len(m.events)
			m.events = nil
		}
		for _, a := range cx.Args[min(len(cx.Args), 2):] {
			if _, ok := m.events[string(a)]; ok {
				delete(m.events, string(a))
				n++
			}
		}
		cx.Int(int64(n))
	case sub == "histogram":
		cx.Node.latencyHistogram(cx)
	case sub == "help" && len(cx.Args) == 2:
		lines := []string{
			"LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
			"DOCTOR",
			"    Return a human readable latency analysis report.",
			"GRAPH <event>",
			"    Return an ASCII latency graph for the <event> class.",
			"HISTORY <event>",
			"    Return time-latency samples for the <event> class.",
			"LATEST",
			"    Return the latest latency samples for all events.",
			"RESET [<event> ...]",
			"    Reset latency data of one or more <event> classes.",
			"    (default: reset all data for all event classes)",
			"HISTOGRAM [COMMAND ...]",
			"    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
			"    If no commands are specified then all histograms are replied.",
			"HELP",
			"    Prints this help.",
		}
		replyHelp(cx, lines)
	case sub == "latest" || sub == "history" || sub == "graph" || sub == "doctor" || sub == "help":
		cx.Error("ERR wrong number of arguments for 'latency|" + sub + "' command")
	default:
		cx.Error("ERR unknown subcommand '" + string(cx.Args[1]) + "'. Try LATENCY HELP.")
	}
}

// latencyGraph draws an event's samples as Redis's LATENCY GRAPH does in
// outline: a header, then one column per sample, as high as its latency
// between the lowest and the highest, and how long ago it was.
func latencyGraph(name string, e *latencyEvent) string {
	lo, hi := e.samples[0].ms, e.samples[0].ms
	for _, s := range e.samples {
		lo, hi = min(lo, s.ms), max(hi, s.ms)
	}
	var b strings.Builder
	b.WriteString(name + " - high " + strconv.FormatInt(hi, 10) + " ms, low " + strconv.FormatInt(lo, 10) +
		" ms (all time high " + strconv.FormatInt(e.max, 10) + " ms)\n")
	b.WriteString(strings.Repeat("-", 80) + "\n")
	const rows = 4
	height := func(ms int64) int {
		if hi == lo {
			return rows
		}
		return 1 + int((ms-lo)*(rows-1)/(hi-lo))
	}
	samples := e.samples[max(0, len(e.samples)-80):]
	for r := rows; r >= 1; r-- {
		for _, s := range samples {
			switch h := height(s.ms); {
			case h == r:
				b.WriteByte('#')
			case h > r:
				b.WriteByte('|')
			default:
				b.WriteByte(' ')
			}
		}
		b.WriteByte('\n')
	}
	now := time.Now().Unix()
	for _, s := range samples {
		ago := strconv.FormatInt(now-s.at, 10)
		b.WriteByte(ago[0])
	}
	b.WriteString("\n")
	return b.String()
}

// doctor is LATENCY DOCTOR's report.
func (m *latencyMonitor) doctor() string {
	if m.threshold.Load() == 0 && len(m.events) == 0 {
		return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. " +
			"You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. " +
			"If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n"
	}
	if len(m.events) == 0 {
		return "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. " +
			"I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n"
	}
	var b strings.Builder
	b.WriteString("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n")
	for i, name := range m.eventNames() {
		e := m.events[name]
		var sum int64
		for _, s := range e.samples {
			sum += s.ms
		}
		avg := sum / int64(len(e.samples))
		var dev int64
		for _, s := range e.samples {
			d := s.ms - avg
			dev += max(d, -d)
		}
		b.WriteString(strconv.Itoa(i+1) + ". " + name + ": " + strconv.Itoa(len(e.samples)) +
			" latency spikes (average " + strconv.FormatInt(avg, 10) + "ms, mean deviation " +
			strconv.FormatInt(dev/int64(len(e.samples)), 10) + "ms). Worst all time event " +
			strconv.FormatInt(e.max, 10) + "ms.\n")
	}
	b.WriteString("\nI have a few advices for you:\n\n" +
		"- Check your Slow Log to understand what are the commands you are running which are too slow to execute. " +
		"Please check https://redis.io/commands/slowlog for more information.\n" +
		"- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. " +
		"If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n")
	return b.String()
}
