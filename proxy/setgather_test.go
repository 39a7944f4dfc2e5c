package proxy

import (
	"context"
	"slices"
	"testing"

	"github.com/vcache/vcache/internal/serving"
)

// TestSetReadsAcrossShards: SUNION, SINTER, SDIFF and SINTERCARD over
// sets on three different nodes give what one Redis gives for the same
// sets (the proxy gathers SMEMBERS from each node); a key of another type
// anywhere answers WRONGTYPE; keys on one node go there whole.
func TestSetReadsAcrossShards(t *testing.T) {
	rs := startRedises(t, 3)
	one := startRedis(t) // the same sets in one server, for the expected replies
	p := startProxy(t, Config{Serving: serving.NewGroup(serving.Goroutines, false)}, addrs(rs...)...)
	ctx := context.Background()
	c, ref := client(t, p.addr), client(t, one.addr)
	a, b, d := keysOn(p.router, 0, 1, "a")[0], keysOn(p.router, 1, 1, "b")[0], keysOn(p.router, 2, 1, "d")[0]
	for _, srv := range []*struct {
		add func(k string, ms ...any) error
	}{
		{func(k string, ms ...any) error { return c.SAdd(ctx, k, ms...).Err() }},
		{func(k string, ms ...any) error { return ref.SAdd(ctx, k, ms...).Err() }},
	} {
		for k, ms := range map[string][]any{a: {"x", "y", "z", "1"}, b: {"y", "z", "w"}, d: {"z", "q", "x"}} {
			if err := srv.add(k, ms...); err != nil {
				t.Fatal(err)
			}
		}
	}
	sorted := func(ms []string) []string { slices.Sort(ms); return ms }
	for _, args := range [][]any{
		{"SUNION", a, b, d}, {"SUNION", a, "missing", b}, {"SINTER", a, b}, {"SINTER", a, b, d},
		{"SINTER", a, "missing"}, {"SDIFF", a, b}, {"SDIFF", a, b, d}, {"SDIFF", "missing", a}, {"SDIFF", a, "missing"},
	} {
		got, err := c.Do(ctx, args...).StringSlice()
		want, werr := ref.Do(ctx, args...).StringSlice()
		if err != nil || werr != nil || !slices.Equal(sorted(got), sorted(want)) {
			t.Errorf("%v through the proxy: %v (%v), one Redis: %v (%v)", args, got, err, want, werr)
		}
	}
	for _, args := range [][]any{
		{"SINTERCARD", 2, a, b}, {"SINTERCARD", 3, a, b, d}, {"SINTERCARD", 2, a, b, "LIMIT", 1},
		{"SINTERCARD", 2, a, "missing"}, {"SINTERCARD", 2, a, b, "LIMIT", 0},
	} {
		got, err := c.Do(ctx, args...).Int64()
		want, werr := ref.Do(ctx, args...).Int64()
		if err != nil || werr != nil || got != want {
			t.Errorf("%v through the proxy: %d (%v), one Redis: %d (%v)", args, got, err, want, werr)
		}
	}
	c.Set(ctx, b+"s", "str", 0)
	ref.Set(ctx, b+"s", "str", 0)
	for _, args := range [][]any{
		{"SUNION", a, b + "s"}, {"SINTERCARD", 2, a, b + "s"},
		{"SINTERCARD", 0, a, b}, {"SINTERCARD", 5, a, b}, {"SINTERCARD", 2, a, b, "LIMIT", -1}, {"SINTERCARD", 2, a, b, "FOO"},
	} {
		err := c.Do(ctx, args...).Err()
		werr := ref.Do(ctx, args...).Err()
		if err == nil || werr == nil || err.Error() != werr.Error() {
			t.Errorf("%v through the proxy: %v, one Redis: %v", args, err, werr)
		}
	}
}
