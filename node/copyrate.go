package node

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/vcache/vcache/cluster"
)

// Copy throttle. Whatever a node still copies in bulk — the snapshot of a
// split or merge by copy, the full sync of a new replica — competes with
// its clients for the processors. A copyPacer paces such a copy in bytes
// per second and adjusts the rate every copyWindow by the node's measured
// headroom (copyHeadroom): a copy starts at the floor, the rate grows by
// half each window the node has headroom (from 8 MiB/s to 512 MiB/s in
// about half a second) and halves each window it has none, never under
// the floor (so a copy always finishes, at worst at the floor rate) nor
// over the ceiling. What a copy did (bytes, time, average rate, lowest rate,
// how often it yielded) is its summary, which the caller records in
// CLUSTER EVENTS.
//
// Durability comes before headroom: the full sync of a shard's only
// replica is not paced (sendStream), because until it completes every
// write the shard acknowledges lives on one node. A kill -9 of the
// promoted node right after a split by promotion lost 942 writes that
// WAIT 1 had acknowledged (bench chaos --faults kill-mid-split) while the
// new replica had not begun its sync; pacing that sync would only widen
// the window.
//
// The signal is the event loops' own view of how long clients wait:
//   - the serving loops' busy fraction (wall time spent serving, per
//     serving loop): over copyBusyAbove the loops have no spare time, and
//     every extra microsecond of processor the copy takes queues client
//     requests (the loop scaler uses the same figure to decide that a
//     loop is saturated, loopscale_linux.go);
//   - the process's processor wait (serving.Group.CPUWait, INFO
//     event_loops_cpu_wait): threads ready to run but kept off a processor.
//     Over io-threads-cpu-wait the loops wait their turn behind other
//     work, and that wait is the client latency a copy adds on a machine
//     without spare processors (bench/tail.sh traced the node's tail to it).
//
// The per-command latency histogram is not used: it times a handler from
// its start, so the wait for the loop — where a copy's processor use
// shows — is not in it, and its power-of-two buckets move by 2x steps.

const (
	copyWindow     = 50 * time.Millisecond
	copyBusyAbove  = 0.9
	defaultCopyMin = 8 << 20   // bytes/s
	defaultCopyMax = 512 << 20 // bytes/s
)

// copySignal reports whether the node is under pressure now; why says by
// which measure. Tests inject one (Node.copySignalHook); the node's own is
// copyHeadroom.
type copySignal = func() (pressed bool, why string)

// copyRates returns the floor and ceiling of the copy rate in bytes/s.
func (n *Node) copyRates() (floor, ceil float64) {
	cfg := n.config()
	floor, ceil = defaultCopyMin, defaultCopyMax
	if cfg.CopyRateMin > 0 {
		floor = float64(cfg.CopyRateMin)
	}
	if cfg.CopyRateMax > 0 {
		ceil = float64(cfg.CopyRateMax)
	}
	return floor, max(floor, ceil)
}

// copyPacer paces one copy. It is used by one goroutine.
type copyPacer struct {
	signal      copySignal
	floor, ceil float64
	rate        float64 // bytes/s now
	lowest      float64
	start       time.Time
	paid        time.Time // when owed was last brought up to date
	owed        float64   // bytes copied beyond the rate (< 0: credit)
	lastCheck   time.Time
	bytes       int64
	yields      int // windows under pressure
	windows     int
	lastWhy     string
	unthrottled string    // why the copy is not paced ("": it is)
	live        *sync.Map // the node's copies in progress
	what        string
}

// CopyProgress is a bulk copy in progress as the status page shows it:
// what is copied, bytes so far, the paced rate now, when it began and in
// how many windows it yielded to clients.
type CopyProgress struct {
	What   string    `json:"what"`
	Bytes  int64     `json:"bytes"`
	Rate   float64   `json:"rate_bytes_per_sec"`
	Since  time.Time `json:"since"`
	Yields int       `json:"yields"`
}

// newCopyPacer starts pacing a copy described by what (for the status
// page).
func (n *Node) newCopyPacer(what string) *copyPacer {
	floor, ceil := n.copyRates()
	now := time.Now()
	// lastCheck is zero: the first pace samples the signal at once.
	p := &copyPacer{floor: floor, ceil: ceil, rate: floor, start: now, paid: now, live: &n.copyLive, what: what}
	p.lowest = p.rate
	if h := n.copySignalHook.Load(); h != nil {
		p.signal = *h
	} else {
		p.signal = n.copyHeadroom()
	}
	p.publish()
	return p
}

// pace accounts for size bytes just copied and waits until the copy is
// within its rate, adjusting the rate to the node's headroom meanwhile.
// It returns early only when ctx ends.
func (p *copyPacer) pace(ctx context.Context, size int) error {
	p.bytes += int64(size)
	if p.unthrottled != "" {
		p.publish()
		return nil
	}
	p.owed += float64(size)
	for {
		now := time.Now()
		p.adjust(now)
		// The time since the last look paid for bytes at the rate (the
		// copy's own work, and timers that fire late on a busy machine).
		// Credit is kept up to one window's worth, so a late timer does
		// not slow the copy under its rate, nor does an idle spell let
		// it burst.
		p.owed = max(p.owed-now.Sub(p.paid).Seconds()*p.rate, -p.rate*copyWindow.Seconds())
		p.paid = now
		if p.owed <= 0 {
			break
		}
		step := min(copyWindow, time.Duration(p.owed/p.rate*float64(time.Second)))
		if step <= 0 {
			break
		}
		t := time.NewTimer(step)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	p.publish()
	return nil
}

// unthrottle turns pacing off for this copy, for the reason why (its
// summary says so).
func (p *copyPacer) unthrottle(why string) {
	p.unthrottled = why
	p.rate = p.ceil
}

// otherCopyOnline reports whether a replica other than link's streams
// link's shard from this node, past its full sync.
func (n *Node) otherCopyOnline(link *replicaLink) bool {
	for _, l := range n.repl.replicaList() {
		if l != link && l.shard == link.shard && l.online.Load() {
			return true
		}
	}
	return false
}

// adjust samples the signal once per window and moves the rate.
func (p *copyPacer) adjust(now time.Time) {
	if now.Sub(p.lastCheck) < copyWindow {
		return
	}
	p.lastCheck = now
	p.windows++
	if pressed, why := p.signal(); pressed {
		p.rate = max(p.floor, p.rate/2)
		p.yields++
		p.lastWhy = why
	} else {
		p.rate = min(p.ceil, p.rate*1.5)
	}
	p.lowest = min(p.lowest, p.rate)
}

func (p *copyPacer) publish() {
	p.live.Store(p, CopyProgress{What: p.what, Bytes: p.bytes, Rate: math.Round(p.rate), Since: p.start, Yields: p.yields})
}

// copiesInProgress returns the node's bulk copies in progress, oldest
// first.
func (n *Node) copiesInProgress() []CopyProgress {
	var out []CopyProgress
	n.copyLive.Range(func(_, v any) bool {
		out = append(out, v.(CopyProgress))
		return true
	})
	slices.SortFunc(out, func(a, b CopyProgress) int { return a.Since.Compare(b.Since) })
	return out
}

// done ends the copy: it clears the status page's entry and returns how
// long the copy took and its summary for CLUSTER EVENTS.
func (p *copyPacer) done() (took time.Duration, summary string) {
	p.live.Delete(p)
	took = time.Since(p.start)
	avg := float64(p.bytes) / max(took.Seconds(), 1e-9)
	if p.unthrottled != "" {
		return took, fmt.Sprintf("copied %s in %s at %s (not throttled: %s)",
			fmtBytes(float64(p.bytes)), took.Round(time.Millisecond), fmtRate(avg), p.unthrottled)
	}
	summary = fmt.Sprintf("copied %s in %s at %s (throttle: floor %s, lowest %s, yielded %d of %d windows",
		fmtBytes(float64(p.bytes)), took.Round(time.Millisecond), fmtRate(avg), fmtRate(p.floor), fmtRate(p.lowest),
		p.yields, p.windows)
	if p.lastWhy != "" {
		summary += ", last: " + p.lastWhy
	}
	return took, summary + ")"
}

// fmtRate writes a rate in bytes/s as "12.3 MB/s".
func fmtRate(r float64) string { return fmtBytes(r) + "/s" }

func fmtBytes(b float64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.2f GB", b/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KB", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B", b)
}

// copyHeadroom returns the node's own pressure signal: the serving
// loops' busy fraction and the process's processor wait, each over the
// time since the previous call (see the comment at the top).
func (n *Node) copyHeadroom() copySignal {
	var lastBusy int64
	var lastAt time.Time
	return func() (bool, string) {
		now := time.Now()
		busy := -1.0
		if nanos, serving, ok := n.loopBusy(); ok && serving > 0 {
			if !lastAt.IsZero() {
				if el := now.Sub(lastAt); el > 0 {
					busy = float64(nanos-lastBusy) / float64(el) / float64(serving)
				}
			}
			lastBusy = nanos
		}
		lastAt = now
		if busy > copyBusyAbove {
			return true, fmt.Sprintf("event loops %.0f%% busy", 100*busy)
		}
		limit := n.loopCPUWait()
		if limit <= 0 {
			limit = defaultLoopCPUWait
		}
		if wait := n.io.CPUWait(); wait > limit {
			return true, fmt.Sprintf("processor wait %.2f threads", wait)
		}
		return false, ""
	}
}

// loopBusy returns the event loops' busy time so far (nanoseconds) and
// how many serve; ok is false when the node does not measure it (no
// loops, or a fixed number of them).
func (n *Node) loopBusy() (nanos int64, serving int, ok bool) {
	n.mu.Lock()
	s := n.srv
	n.mu.Unlock()
	if s == nil {
		return 0, 0, false
	}
	return s.busyNanos()
}

// recordFullSync ends the pacing of a replica's full sync and, when it
// copied keys, records in CLUSTER EVENTS how much, how fast and how long.
func (n *Node) recordFullSync(link *replicaLink, keys int, p *copyPacer) {
	took, summary := p.done()
	cl := n.Cluster()
	if cl == nil || keys == 0 {
		return
	}
	id, _ := strconv.ParseUint(link.shard, 10, 32)
	cl.Record(cluster.EventReplica, cluster.ShardID(id),
		fmt.Sprintf("full sync of shard %s to replica %s: %d keys %s", link.shard, link.node, keys, summary), took)
}
