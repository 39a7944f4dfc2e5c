package node

import (
	"context"
	"slices"
	"strconv"
	"testing"
)

// TestFTIndexedBigHashFollowsChanges: a hash of 3000 fields under the
// prefix of two indexes (whose schemas name a few of its fields, with
// SCORE_FIELD) is found by what those fields hold after each HSET, HDEL
// and HINCRBY of them, stays found when other fields change, gets its
// score from SCORE_FIELD, and a field FT.ALTER adds is indexed at the
// next HSET.
func TestFTIndexedBigHashFollowsChanges(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	do := doer(t, c)
	ctx := context.Background()
	do("FT.CREATE", "a", "ON", "HASH", "PREFIX", "1", "doc:", "SCORE_FIELD", "sc", "SCHEMA",
		"title", "TEXT", "price", "NUMERIC", "color", "TAG")
	do("FT.CREATE", "b", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "body", "TEXT")
	args := []any{"title", "red chair", "price", 10, "color", "red", "sc", "0.1", "body", "wooden"}
	for i := range 3000 {
		args = append(args, "x"+strconv.Itoa(i), "filler "+strconv.Itoa(i))
	}
	if err := c.HSet(ctx, "doc:big", args...).Err(); err != nil {
		t.Fatal(err)
	}
	do("HSET", "doc:small", "title", "blue chair", "price", 10, "color", "blue", "body", "wooden")
	find := func(index, query string, want ...string) {
		t.Helper()
		got := replyKeysSorted(do("FT.SEARCH", index, query, "NOCONTENT"))
		if !slices.Equal(got, want) {
			t.Fatalf("FT.SEARCH %s %q = %v, want %v", index, query, got, want)
		}
	}
	find("a", "@price:[10 10]", "doc:big", "doc:small")
	do("HSET", "doc:big", "price", 20)
	find("a", "@price:[10 10]", "doc:small")
	find("a", "@price:[20 20]", "doc:big")
	do("HINCRBY", "doc:big", "price", 5)
	find("a", "@price:[25 25]", "doc:big")
	do("HSET", "doc:big", "x7", "zebra", "x8", "quokka")
	find("a", "@color:{red}", "doc:big")
	find("b", "zebra")
	find("b", "wooden", "doc:big", "doc:small")
	do("HSET", "doc:big", "body", "zebra stripes")
	find("b", "zebra", "doc:big")
	find("b", "wooden", "doc:small")
	do("HDEL", "doc:big", "color")
	find("a", "@color:{red}")

	score := func() float64 {
		t.Helper()
		r := do("FT.SEARCH", "a", "chair", "WITHSCORES", "NOCONTENT").([]any)
		for i := 1; i+1 < len(r); i += 2 {
			if r[i] == "doc:big" {
				s, err := strconv.ParseFloat(r[i+1].(string), 64)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
		}
		t.Fatalf("doc:big not found: %v", r)
		return 0
	}
	low := score()
	do("HSET", "doc:big", "sc", "1")
	if high := score(); !(high > 5*low) {
		t.Fatalf("SCORE_FIELD from 0.1 to 1: score %v to %v", low, high)
	}

	do("FT.ALTER", "a", "SCHEMA", "ADD", "brand", "TAG")
	do("HSET", "doc:big", "brand", "acme")
	find("a", "@brand:{acme}", "doc:big")
}
