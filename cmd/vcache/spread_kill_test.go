package main

import (
	"context"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// TestKill9AfterReplicaSpread runs three node processes (three shards,
// each node the replica of another's shard) behind the proxy while four
// clients write through it and call WAIT 1 every 10 writes; then a
// fourth node joins, leading nothing, and the replicas move to it one at
// a time (the replica spread, on by default). Right after a primary's
// own CLUSTER SHARDS shows its shard's old replica dropped for the new
// node, that primary is killed with SIGKILL: every write acknowledged by
// WAIT 1 is readable through the proxy afterwards.
func TestKill9AfterReplicaSpread(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs processes")
	}
	bin := buildVcache(t)
	procs, _, seed, addr := startReplicatedProxy(t, bin)
	ctx := context.Background()
	ww := startWaitWriters(t, addr, 4, 10, 0)
	acked := ww.acked
	testutil.WaitFor(t, 30*time.Second, func() bool { return acked() >= 500 }, "writes acknowledged by WAIT 1")

	// The fourth node leads nothing: the replicas move to it.
	var spare *proc
	for attempt := 0; spare == nil; attempt++ {
		gossip := "127.0.0.1:" + freePort(t)
		p, ok := startProc(t, bin, freePort(t), "--gossip", gossip, "--join", seed, "--node-name", "n3",
			"--loglevel", "warn", "--replicas", "1")
		if ok {
			spare = p
		} else if attempt == 4 {
			t.Fatalf("the fourth node did not start:\n%s", p.logs.String())
		}
	}
	clients := map[*proc]*redis.Client{}
	for _, p := range procs {
		clients[p] = redis.NewClient(&redis.Options{Addr: p.addr, MaxRetries: -1})
		defer clients[p].Close()
	}
	// A primary whose own view has the new node as its shard's only
	// replica: the old one was just dropped.
	var victim *proc
	testutil.WaitNil(t, 120*time.Second, func() error {
		for _, p := range procs {
			shards, err := clients[p].ClusterShards(ctx).Result()
			if err != nil {
				continue
			}
			for _, s := range shards {
				var master string
				var replicas []string
				for _, n := range s.Nodes {
					a := net.JoinHostPort(n.IP, strconv.FormatInt(n.Port, 10))
					if n.Role == "master" {
						master = a
					} else {
						replicas = append(replicas, a)
					}
				}
				if master == p.addr && len(replicas) == 1 && replicas[0] == spare.addr {
					victim = p
					return nil
				}
			}
		}
		return errors.New("no primary dropped its old replica for the new node")
	})
	if err := victim.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killedAt := time.Now()
	before := acked()
	// Writes flow again through the proxy once the shard failed over.
	rc := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, ReadTimeout: 5 * time.Second})
	defer rc.Close()
	testutil.WaitFor(t, 60*time.Second, func() bool { return acked() >= before+500 }, "writes acknowledged after the kill")
	ww.halt()
	lost := 0
	for _, k := range ww.durable {
		if v, err := rc.Get(ctx, k).Result(); err != nil || v != k {
			if lost++; lost <= 5 {
				t.Errorf("acknowledged write %s: %q, %v", k, v, err)
			}
		}
	}
	t.Logf("%s killed right after the spread dropped its shard's old replica: %d writes acknowledged by WAIT 1 (%d before the kill), %d lost; writes acknowledged again %v after the kill",
		victim.addr, len(ww.durable), before, lost, time.Since(killedAt).Round(100*time.Millisecond))
	if lost > 0 {
		t.Fatalf("%d of %d writes acknowledged by WAIT 1 were lost", lost, len(ww.durable))
	}
}
