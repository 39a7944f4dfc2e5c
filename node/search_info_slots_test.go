package node

import (
	"context"
	"fmt"
	"testing"

	"github.com/vcache/vcache/internal/keyslot"
)

// TestFTInfoCountsTheProxysSlots: FT.INFO with the proxy's hidden slot
// argument counts in num_docs the documents of those slots only, the same
// documents FT.SEARCH answers for with it; halves of the slots add up to
// the whole, through deletes and re-indexing. Without it num_docs is every
// document; any other extra argument is an arity error.
func TestFTInfoCountsTheProxysSlots(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "t", "TAG").Err(); err != nil {
		t.Fatalf("FT.CREATE: %v", err)
	}
	const n = 400
	for i := range n {
		if err := c.HSet(ctx, fmt.Sprintf("doc:%d", i), "t", "a").Err(); err != nil {
			t.Fatalf("HSET: %v", err)
		}
	}
	// Re-indexing a document, deleting some and failing none.
	if err := c.HSet(ctx, "doc:7", "t", "b").Err(); err != nil {
		t.Fatalf("HSET again: %v", err)
	}
	for i := 0; i < n; i += 10 {
		if err := c.Del(ctx, fmt.Sprintf("doc:%d", i)).Err(); err != nil {
			t.Fatalf("DEL: %v", err)
		}
	}
	const docs = n - n/10
	numDocs := func(args ...any) int64 {
		t.Helper()
		info, err := c.Do(ctx, append([]any{"FT.INFO", "idx"}, args...)...).Slice()
		if err != nil {
			t.Fatalf("FT.INFO %v: %v", args, err)
		}
		for i := 0; i+1 < len(info); i += 2 {
			if info[i] == "num_docs" {
				return infoNum(info[i+1])
			}
		}
		t.Fatalf("FT.INFO %v: no num_docs in %v", args, info)
		return 0
	}
	searchTotal := func(slots string) int64 {
		t.Helper()
		res, err := c.Do(ctx, "FT.SEARCH", "idx", "*", "LIMIT", "0", "0", "__SLOTS", slots).Slice()
		if err != nil {
			t.Fatalf("FT.SEARCH __SLOTS %s: %v", slots, err)
		}
		return res[0].(int64)
	}
	if got := numDocs(); got != docs {
		t.Fatalf("FT.INFO num_docs %d, want %d", got, docs)
	}
	inLow := 0
	for i := range n {
		if i%10 != 0 && keyslot.OfString(fmt.Sprintf("doc:%d", i)) < 8192 {
			inLow++
		}
	}
	if inLow == 0 || inLow == docs {
		t.Fatalf("%d of %d documents in slots 0-8191: want a share", inLow, docs)
	}
	low, high := numDocs("__SLOTS", "0-8191"), numDocs("__slots", "8192-16383")
	if low != int64(inLow) || low+high != docs {
		t.Errorf("num_docs of slots 0-8191 %d (want %d), of 8192-16383 %d: sum %d, want %d", low, inLow, high, low+high, docs)
	}
	profileTotal := func(slots string) int64 {
		t.Helper()
		res, err := c.Do(ctx, "FT.PROFILE", "idx", "SEARCH", "QUERY", "*", "LIMIT", "0", "0", "__SLOTS", slots).Slice()
		if err != nil || len(res) != 2 {
			t.Fatalf("FT.PROFILE __SLOTS %s: %v, %v", slots, res, err)
		}
		return res[0].([]any)[0].(int64)
	}
	for _, slots := range []string{"0-8191", "8192-16383", "0-100,5000-9000,16383", ""} {
		if got, want := numDocs("__SLOTS", slots), searchTotal(slots); got != want {
			t.Errorf("slots %q: FT.INFO num_docs %d, FT.SEARCH total %d", slots, got, want)
		}
		// FT.PROFILE SEARCH answers for the proxy's slots too.
		if got, want := profileTotal(slots), searchTotal(slots); got != want {
			t.Errorf("slots %q: FT.PROFILE total %d, FT.SEARCH total %d", slots, got, want)
		}
	}
	// Bad slots get FT.SEARCH's error; other arguments the arity error.
	_, searchErr := c.Do(ctx, "FT.SEARCH", "idx", "*", "__SLOTS", "9-1").Result()
	_, infoErr := c.Do(ctx, "FT.INFO", "idx", "__SLOTS", "9-1").Result()
	if searchErr == nil || infoErr == nil || infoErr.Error() != searchErr.Error() {
		t.Errorf("bad slots: FT.INFO error %v, FT.SEARCH's %v", infoErr, searchErr)
	}
	for _, args := range [][]any{{"FT.INFO", "idx", "extra"}, {"FT.INFO", "idx", "__SLOTS"}, {"FT.INFO", "idx", "LIMIT", "0-5"}, {"FT.INFO", "idx", "__SLOTS", "0-5", "x"}} {
		if err := c.Do(ctx, args...).Err(); err == nil || err.Error() != "ERR wrong number of arguments for 'ft.info' command" {
			t.Errorf("%v: %v, want the arity error", args, err)
		}
	}
	plain := c.Do(ctx, "FT.INFO", "nosuch").Err()
	if err := c.Do(ctx, "FT.INFO", "nosuch", "__SLOTS", "0-5").Err(); plain == nil || err == nil || err.Error() != plain.Error() {
		t.Errorf("FT.INFO of an unknown index with slots: %v, without: %v", err, plain)
	}
}

// TestFTRefusesSlotsMovedAway: a clustered node asked (with the proxy's
// slots) for a slot its map gives to a shard it neither leads nor
// replicates refuses FT.SEARCH, FT.AGGREGATE and FT.INFO with the error
// the proxy takes as "ask again by a newer map" (the node has dropped, or
// is about to drop, that slot's documents); its own slots it answers.
func TestFTRefusesSlotsMovedAway(t *testing.T) {
	nodes := startClusterNodes(t, 3)
	ctx := context.Background()
	c := nodes[0].client2(t)
	if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "t", "TAG").Err(); err != nil {
		t.Fatalf("FT.CREATE: %v", err)
	}
	m, self := nodes[0].Cluster().Map(), nodes[0].Cluster().Self()
	own, other := -1, -1
	for s := range keyslot.Count {
		sh, _ := m.Owner(s)
		switch {
		case sh.Primary == self && own < 0:
			own = s
		case sh.Primary != self && !m.IsReplica(s, self) && other < 0:
			other = s
		}
	}
	if own < 0 || other < 0 {
		t.Fatalf("node 1's slot %d, another's %d: want one of each", own, other)
	}
	for _, cmd := range [][]any{
		{"FT.SEARCH", "idx", "*", "__SLOTS"},
		{"FT.AGGREGATE", "idx", "*", "__SLOTS"},
		{"FT.INFO", "idx", "__SLOTS"},
	} {
		if err := c.Do(ctx, append(cmd, fmt.Sprint(own))...).Err(); err != nil {
			t.Errorf("%v %d (its own): %v", cmd, own, err)
		}
		err := c.Do(ctx, append(cmd, fmt.Sprintf("%d,%d", own, other))...).Err()
		if want := fmt.Sprintf("ERR __SLOTS slot moved %d is no longer on this node", other); err == nil || err.Error() != want {
			t.Errorf("%v %d,%d (another's): %v, want %q", cmd, own, other, err, want)
		}
	}
}
