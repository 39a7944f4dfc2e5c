package chaos

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// minorityProbe is what a client inside a cut-off node's namespace saw
// while the node was cut off: writes it sent to a key of a slot the node
// led, each followed by WAIT 1.
type minorityProbe struct {
	tried, ok, acked int           // SETs sent, answered OK, then acknowledged by WAIT 1
	refusedAfter     time.Duration // from the cut to the first refused SET (0: none)
	refusal          string        // that SET's error
	okAfterRefusal   int           // SETs answered OK after the first refusal
	lastOK           bool          // the last SET before healing was answered OK
}

// partition cuts node i off (its veth down) for 5–15 s, then heals it.
// Inside its namespace a client keeps writing to a key of a slot node i
// led before the cut: the node must refuse writes once it is cut off
// from the majority, and no write there may be acknowledged by WAIT 1
// (its replicas are on the other side). The cluster's convergence after
// healing is checked by inject (waitHealthy) and at the end (check).
func (in *injector) partition(ctx context.Context, i int) (string, error) {
	lab, n := in.cl.lab, in.cl.nodes[i]
	mc := redis.NewClient(&redis.Options{Addr: n.addr, Dialer: dialIn(lab.nsPath(i)), MaxRetries: -1, PoolSize: 1,
		DialTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: time.Second})
	defer mc.Close()
	key := ""
	for k := 0; k < 5000 && key == "" && ctx.Err() == nil; k++ {
		candidate := fmt.Sprintf("chaos:minority:%d", k)
		if mc.Set(ctx, candidate, "before", time.Hour).Err() == nil {
			key = candidate
		}
	}
	if key == "" {
		return "", fmt.Errorf("no key of %s's slots found from inside its namespace", n.name)
	}
	if err := lab.cut(i); err != nil {
		return "", err
	}
	cutAt := time.Now()
	probeCtx, stopProbe := context.WithCancel(ctx)
	done := make(chan minorityProbe, 1)
	go func() { done <- probe(probeCtx, mc, key, cutAt) }()
	in.hold(ctx, 5*time.Second, 15*time.Second)
	stopProbe()
	p := <-done
	held := time.Since(cutAt)
	healErr := lab.heal(i)

	note := fmt.Sprintf("cut %.1fs; inside: %d SETs, %d OK, %d acknowledged by WAIT 1", held.Seconds(), p.tried, p.ok, p.acked)
	if p.refusedAfter > 0 {
		note += fmt.Sprintf(", refused from %.1fs after the cut (%s)", p.refusedAfter.Seconds(), p.refusal)
	}
	var errs []error
	if p.acked > 0 {
		errs = append(errs, fmt.Errorf("the cut-off node acknowledged %d writes with WAIT 1", p.acked))
	}
	if p.refusedAfter == 0 || p.lastOK {
		errs = append(errs, fmt.Errorf("the cut-off node still accepted writes %.1fs after the cut", held.Seconds()))
	}
	if p.okAfterRefusal > 0 {
		errs = append(errs, fmt.Errorf("the cut-off node accepted %d writes after it had refused one", p.okAfterRefusal))
	}
	if healErr != nil {
		errs = append(errs, healErr)
	}
	return note, errors.Join(errs...)
}

// probe sends SET key and WAIT 1 through c every 100 ms until ctx ends.
func probe(ctx context.Context, c *redis.Client, key string, cutAt time.Time) minorityProbe {
	var p minorityProbe
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return p
		case <-tick.C:
		}
		p.tried++
		err := c.Set(ctx, key, fmt.Sprintf("minority-%d", i), time.Hour).Err()
		if ctx.Err() != nil {
			p.tried--
			return p
		}
		if err != nil {
			p.lastOK = false
			if p.refusedAfter == 0 {
				p.refusedAfter, p.refusal = time.Since(cutAt), firstWord(err.Error())
			}
			continue
		}
		p.ok++
		p.lastOK = true
		if p.refusedAfter > 0 {
			p.okAfterRefusal++
		}
		if n, err := c.Wait(ctx, 1, 500*time.Millisecond).Result(); err == nil && n >= 1 {
			p.acked++
		}
	}
}

// firstWord is an error's code (CLUSTERDOWN, MOVED, ...) or its first word.
func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i > 0 {
		return s[:i]
	}
	return s
}
