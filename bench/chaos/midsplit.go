package chaos

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// KillMidSplit is a load burst that makes the autoscaler split a shard
// by promotion (the nodes then run with --split-method auto), and a kill
// -9 of that shard's primary as soon as a node reports the split started,
// before it finishes; the node comes back with the same --dir. The
// checker then proves that no write acknowledged by WAIT 1 was lost; the
// fault's note says whether the split completed (before or after the
// kill) or was abandoned. Measured before the hand-over at the flip
// (cluster/handover.go): 942, 332 and 1,362 acknowledged writes lost,
// the kill landing right after the flip, when the moved half lived on
// the promoted node alone until its new replica's full sync completed
// (the old primary emptied its copy for that sync). Since, the old
// primary stays the new shard's replica with its copy whole: 0 lost.
const KillMidSplit = "kill-mid-split"

// ExtraFaults are fault kinds that only run when asked for by name.
var ExtraFaults = []string{KillMidSplit}

// splitStartRE reads the coordinator's event of a split by promotion
// starting: its moving slots and the first of them.
var splitStartRE = regexp.MustCompile(`^started: .*; slots ((\d+)-\d+\S*) \(.*method promote`)

// startedSplit is a split by promotion seen starting.
type startedSplit struct {
	id     string
	ranges string // "8190-10922": the moving slots, as its done event names them
	slot   int
	at     time.Time
}

// killMidSplit carries out KillMidSplit; it returns the fault's note.
func (in *injector) killMidSplit(ctx context.Context, rec *FaultRecord) (string, error) {
	since := time.Now().Add(-time.Second)
	bctx, stopBurst := context.WithCancel(ctx)
	defer stopBurst()
	burst := make(chan string, 1)
	go func() { burst <- in.loadBurst(bctx) }()
	defer func() { stopBurst(); <-burst }()

	// Watch every node's events for the start of a split by promotion.
	deadline := time.Now().Add(in.cfg.BurstFor)
	var sp startedSplit
	for ok := false; !ok; {
		if time.Now().After(deadline) || ctx.Err() != nil {
			// Not a fault of the cluster: the shards had room for the
			// burst (or are cooling down after the last split).
			return "no split by promotion started during the burst; nothing killed", nil
		}
		if sp, ok = in.splitStarted(ctx, since); !ok {
			time.Sleep(2 * time.Millisecond) // polling a process's events; nothing to wait on
		}
	}
	victim, err := in.primaryOf(ctx, sp.slot)
	if err != nil {
		return "", err
	}
	rec.Node = victim.name
	victim.kill()
	killed := time.Now()
	stopBurst()
	in.hold(ctx, time.Second, 4*time.Second)
	if err := victim.start(ctx, 30*time.Second); err != nil {
		return "", err
	}
	if err := in.cl.waitHealthy(ctx, in.cfg.HealTimeout); err != nil {
		return "", fmt.Errorf("not healthy after the kill: %w", err)
	}
	return fmt.Sprintf("split %s of slots %s started; its primary %s killed %s later; %s", sp.id, sp.ranges, victim.name,
		killed.Sub(sp.at).Round(time.Millisecond), in.splitOutcome(ctx, since, sp, killed)), nil
}

// eventList returns a node's last count CLUSTER EVENTS as maps (none when
// it does not answer).
func eventList(ctx context.Context, addr string, count int) []map[string]any {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second, ReadTimeout: 2 * time.Second})
	defer c.Close()
	evs, err := c.Do(ctx, "CLUSTER", "EVENTS", count).Slice()
	if err != nil {
		return nil
	}
	var out []map[string]any
	for _, e := range evs {
		f, _ := e.([]any)
		kv := map[string]any{}
		for i := 0; i+1 < len(f); i += 2 {
			kv[fmt.Sprint(f[i])] = f[i+1]
		}
		out = append(out, kv)
	}
	return out
}

// splitStarted returns a split by promotion that started after since
// and has not finished, as the nodes' events show.
func (in *injector) splitStarted(ctx context.Context, since time.Time) (startedSplit, bool) {
	for _, n := range in.cl.nodes {
		if !n.running() || n.isPaused() {
			continue
		}
		evs := eventList(ctx, n.addr, 200)
		done := map[string]bool{}
		for _, e := range evs {
			d, _ := e["detail"].(string)
			if e["kind"] == "split" && strings.HasPrefix(d, "done: slots ") {
				r, _, _ := strings.Cut(strings.TrimPrefix(d, "done: slots "), " ")
				done[r] = true
			}
		}
		for _, e := range evs {
			d, _ := e["detail"].(string)
			at, _ := e["time"].(int64)
			m := splitStartRE.FindStringSubmatch(d)
			if m == nil || e["kind"] != "split" || time.UnixMilli(at).Before(since) {
				continue
			}
			r := m[1]
			if done[r] {
				continue
			}
			s, _ := strconv.Atoi(m[2])
			id, _ := e["id"].(string)
			return startedSplit{id: id, ranges: r, slot: s, at: time.UnixMilli(at)}, true
		}
	}
	return startedSplit{}, false
}

// primaryOf returns the node that serves slot as primary.
func (in *injector) primaryOf(ctx context.Context, slot int) (*proc, error) {
	ids := map[string]*proc{}
	var slots []redis.ClusterSlot
	for _, n := range in.cl.nodes {
		if !n.running() || n.isPaused() {
			continue
		}
		c := redis.NewClient(&redis.Options{Addr: n.addr, MaxRetries: -1, DialTimeout: time.Second, ReadTimeout: 2 * time.Second})
		if id, err := c.ClusterMyID(ctx).Result(); err == nil {
			ids[id] = n
		}
		if slots == nil {
			slots, _ = c.ClusterSlots(ctx).Result()
		}
		c.Close()
	}
	for _, s := range slots {
		if s.Start <= slot && slot <= s.End && len(s.Nodes) > 0 {
			if p := ids[s.Nodes[0].ID]; p != nil {
				return p, nil
			}
		}
	}
	return nil, fmt.Errorf("no node serves slot %d", slot)
}

// splitOutcome says how sp ended, from every node's events: completed
// (before or after the kill at killed) or abandoned, and what became of
// the other splits since then.
func (in *injector) splitOutcome(ctx context.Context, since time.Time, sp startedSplit, killed time.Time) string {
	seen := map[string]bool{}
	var mine, others []string
	for _, n := range in.cl.nodes {
		if !n.running() {
			continue
		}
		for _, e := range eventList(ctx, n.addr, 200) {
			id, _ := e["id"].(string)
			d, _ := e["detail"].(string)
			ms, _ := e["time"].(int64)
			at := time.UnixMilli(ms)
			if seen[id] || at.Before(since) || !(e["kind"] == "split" && strings.HasPrefix(d, "done: ") || e["kind"] == "abort") {
				continue
			}
			seen[id] = true
			when := "after the kill"
			if at.Before(killed.Truncate(time.Millisecond)) {
				when = "before the kill"
			}
			line := fmt.Sprintf("%s %s: %q", e["kind"], when, d)
			if strings.Contains(d, "slots "+sp.ranges+" ") || e["kind"] == "abort" && strings.Contains(d, "promotion") {
				mine = append(mine, line)
			} else {
				others = append(others, line)
			}
		}
	}
	if len(mine) == 0 {
		mine = []string{"no done or abort event seen"}
	}
	return fmt.Sprintf("the split: %s; other splits: %d", strings.Join(mine, "; "), len(others))
}
