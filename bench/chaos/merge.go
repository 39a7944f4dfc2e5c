package chaos

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// mergeBack waits, with the workload running, until the autoscaler merges
// a shard back: the nodes run with a short --merge-after
// (Config.MergeAfter), so a shard made by an earlier split burst merges into a
// neighbour once its cool-down has passed and it stayed underused that
// long. It returns at the merge's "done" event, or after cfg.MergeWait;
// with no more shards than at the start there is nothing to merge.
func (in *injector) mergeBack(ctx context.Context) (string, error) {
	start := time.Now()
	n, err := in.cl.shardCount(ctx)
	if err != nil {
		return "", err
	}
	if n <= in.cl.initialShards {
		return fmt.Sprintf("nothing to merge (%d shards, as at the start; %d merges done before)", n, in.cl.mergesDone(ctx, time.Time{})), nil
	}
	deadline := start.Add(in.cfg.MergeWait)
	for ctx.Err() == nil && time.Now().Before(deadline) {
		if d, ok := in.cl.mergeDone(ctx, start); ok {
			m, _ := in.cl.shardCount(ctx)
			return fmt.Sprintf("merged after %.1fs (%d shards -> %d): %s", time.Since(start).Seconds(), n, m, d), nil
		}
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
	return fmt.Sprintf("no merge within %v (%d shards)", in.cfg.MergeWait, n), nil
}

// shardCount is the number of shards in the first answering node's
// CLUSTER SHARDS.
func (cl *cluster) shardCount(ctx context.Context) (int, error) {
	var err error
	for _, n := range cl.nodes {
		if !n.running() || n.isPaused() {
			continue
		}
		c := redis.NewClient(&redis.Options{Addr: n.addr, MaxRetries: -1, DialTimeout: time.Second, ReadTimeout: 2 * time.Second})
		shards, e := c.ClusterShards(ctx).Result()
		c.Close()
		if e == nil {
			return len(shards), nil
		}
		err = e
	}
	return 0, fmt.Errorf("no node answered CLUSTER SHARDS: %v", err)
}

// mergeDone looks in the running nodes' CLUSTER EVENTS for a merge that
// finished after since, and returns its detail.
func (cl *cluster) mergeDone(ctx context.Context, since time.Time) (string, bool) {
	ds := cl.merges(ctx, since)
	if len(ds) == 0 {
		return "", false
	}
	return ds[0], true
}

// mergesDone counts the merges that finished after since.
func (cl *cluster) mergesDone(ctx context.Context, since time.Time) int {
	return len(cl.merges(ctx, since))
}

// merges returns the details of the merges that finished after since, by
// event id, from the running nodes' CLUSTER EVENTS.
func (cl *cluster) merges(ctx context.Context, since time.Time) []string {
	byID := map[string]string{}
	for _, n := range cl.nodes {
		if !n.running() || n.isPaused() {
			continue
		}
		for _, e := range eventList(ctx, n.addr, 200) {
			id, _ := e["id"].(string)
			detail, _ := e["detail"].(string)
			at, _ := e["time"].(int64)
			if e["kind"] == "merge" && strings.HasPrefix(detail, "done") && !time.UnixMilli(at).Before(since) {
				byID[id] = detail
			}
		}
	}
	var out []string
	for _, d := range byID {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}
