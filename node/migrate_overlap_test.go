package node

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/vcache/vcache/cluster"
)

// stuckTarget listens like a migration target that takes a connection
// and never answers; accepted receives each connection it takes.
func stuckTarget(t *testing.T) (addr string, accepted chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted = make(chan struct{}, 4)
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, c := range conns {
					c.Close()
				}
				return
			}
			conns = append(conns, c)
			accepted <- struct{}{}
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String(), accepted
}

// A migration the cluster abandoned is still unwinding (its copy is stuck
// on a target) when a new one of the same slots starts. The old run's
// cleanup must not clear the new run's logging: the new run waits for the
// old one to end, and its writes during the copy are logged.
func TestMigrateWaitsForTheAbandonedRunOfTheSameSlots(t *testing.T) {
	tn := startNode(t, nil)
	slots := []cluster.SlotRange{{Start: 100, End: 199}}
	run := func(ctx context.Context, id uint64, addr string) chan error {
		errc := make(chan error, 1)
		task := cluster.MigrationTask{Migration: cluster.Migration{ID: id, Kind: cluster.MoveSplit, From: 1, To: 2, Slots: slots}, TargetAddr: addr}
		go func() { errc <- tn.Migrate(ctx, task) }()
		return errc
	}
	wait := func(ch chan struct{}, what string) bool {
		select {
		case <-ch:
			return true
		case <-time.After(10 * time.Second):
			t.Errorf("timed out waiting for %s", what)
			return false
		}
	}
	addrA, acceptedA := stuckTarget(t)
	addrB, acceptedB := stuckTarget(t)

	ctxA, cancelA := context.WithCancel(context.Background())
	defer cancelA()
	errA := run(ctxA, 1, addrA)
	if !wait(acceptedA, "the first run's copy") {
		return
	}
	if !tn.mig.logging[150].Load() {
		t.Fatal("slot 150 is not logged during the first run's copy")
	}

	ctxB, cancelB := context.WithCancel(context.Background())
	defer cancelB()
	errB := run(ctxB, 2, addrB)
	time.Sleep(50 * time.Millisecond) // the second run, if not held back, is in its copy by now
	cancelA()                         // the cluster abandons the first run
	select {
	case err := <-errA:
		if err == nil {
			t.Fatalf("the abandoned run returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the abandoned run did not return")
	}
	if !wait(acceptedB, "the second run's copy") {
		return
	}
	if !tn.mig.logging[150].Load() || !tn.mig.logging[199].Load() {
		t.Fatal("the second run copies slots 100-199 but they are not logged: the first run's cleanup cleared its flags; writes during the copy would be lost")
	}
	cancelB()
	select {
	case <-errB:
	case <-time.After(10 * time.Second):
		t.Fatal("the second run did not return")
	}
	if tn.mig.logging[150].Load() || tn.mig.paused[150].Load() {
		t.Fatal("slot 150 still logged or paused after both runs ended")
	}
}
