package cluster

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A member back in touch after a partition hears the others' load reports
// before it has their map. When they announce a newer map than its own (the
// majority moved its slots meanwhile), they are no majority for its map: it
// stays down, serving none of its old slots, until it adopts theirs, and
// then redirects. The member's loop is driven by hand, with no network, so
// the order of the report and the map is the one a partition's heal can
// produce.
func TestHealedMemberServesOnlyTheNewerMap(t *testing.T) {
	c, err := New(testConfig("a", 7001), testLogger())
	if err != nil {
		t.Fatal(err)
	}
	ms := members("a", "b", "c")
	c.boot = ms[0].Boot
	for _, m := range ms {
		c.members[m.ID] = memberRec{Member: m}
	}
	c.loop = newLoopState(context.Background(), c)
	l, err := bootstrap(1, ms, 0)
	if err != nil {
		t.Fatal(err)
	}
	old, err := l.build(5, "a")
	if err != nil {
		t.Fatal(err)
	}
	c.adopt(old)
	report := func(from string, boot, seq, epoch uint64, coord NodeID) {
		c.takeLoad(loadMsg{from: NodeID(from), boot: boot, seq: seq, epoch: epoch, coord: coord}, time.Now())
	}

	// In touch with both, on the same map: a serves its slots.
	report("b", 2, 1, 5, "a")
	report("c", 3, 1, 5, "a")
	c.publish()
	if c.Map().Down() || servedBy(c) == 0 {
		t.Fatalf("with both others on its map: down=%v, serves %d slots; want up, serving its own", c.Map().Down(), servedBy(c))
	}
	mine := servedBy(c)

	// Back from a partition: both announce epoch 6, made without a.
	report("b", 2, 2, 6, "b")
	report("c", 3, 2, 6, "b")
	c.publish()
	if n := servedBy(c); !c.Map().Down() || n != 0 {
		t.Fatalf("the others announce a newer map: a serves %d of its %d old slots (down=%v), want none until it has that map", n, mine, c.Map().Down())
	}
	if ok, err := c.Map().Route(0, "a"); ok || !errors.Is(err, ErrDown) {
		t.Fatalf("Route(0) before the newer map: %v %v, want ErrDown", ok, err)
	}
	// The newer map arrives: every slot moved to b and c, a is a spare.
	nl, err := bootstrap(1, members("b", "c"), 0)
	if err != nil {
		t.Fatal(err)
	}
	nl.nodes["a"] = ms[0]
	nl.spares = map[NodeID]bool{"a": true}
	next, err := nl.build(6, "b")
	if err != nil {
		t.Fatal(err)
	}
	if !c.adopt(next) {
		t.Fatal("a did not adopt the newer map")
	}
	if c.Map().Down() || servedBy(c) != 0 {
		t.Fatalf("on the newer map: down=%v, serves %d slots; want up, serving none", c.Map().Down(), servedBy(c))
	}
	var r *Redirect
	if ok, err := c.Map().Route(0, "a"); ok || !errors.As(err, &r) || !errors.Is(err, ErrMoved) {
		t.Fatalf("Route(0) on the newer map: %v %v, want MOVED", ok, err)
	}
}
