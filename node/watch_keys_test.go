package node

import (
	"context"
	"errors"
	"os/exec"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestWatchOnlyModifiedKeys checks that a write command invalidates WATCH
// only on the keys it actually modified, as Redis does: SMOVE of a member
// the destination already holds leaves the destination watched intact,
// a write to another key of the same slot (same hash tag) does not abort,
// multi-key writes that change nothing leave their keys intact. Every
// case runs on redis-server 7.0.15 too, when installed, with the same
// expectation.
func TestWatchOnlyModifiedKeys(t *testing.T) {
	type tcase struct {
		name    string
		setup   [][]any
		watch   string
		other   []any // run by another client between WATCH and EXEC
		aborted bool
	}
	base := [][]any{{"sadd", "src{t}", "a", "b"}, {"sadd", "dst{t}", "a"}, {"rpush", "l{t}", "x"}}
	cases := []tcase{
		{"smove member already in destination, watch destination", base, "dst{t}", []any{"smove", "src{t}", "dst{t}", "a"}, false},
		{"smove member already in destination, watch source", base, "src{t}", []any{"smove", "src{t}", "dst{t}", "a"}, true},
		{"smove new member, watch destination", base, "dst{t}", []any{"smove", "src{t}", "dst{t}", "b"}, true},
		{"smove missing member, watch source", base, "src{t}", []any{"smove", "src{t}", "dst{t}", "zz"}, false},
		{"smove onto itself", base, "src{t}", []any{"smove", "src{t}", "src{t}", "a"}, false},
		{"write to another key of the slot", base, "dst{t}", []any{"set", "other{t}", "1"}, false},
		{"sinterstore of an empty result into a missing key", base, "none{t}", []any{"sinterstore", "none{t}", "src{t}", "missing{t}"}, false},
		{"sinterstore into the watched key", base, "dst{t}", []any{"sinterstore", "dst{t}", "src{t}", "src{t}"}, true},
		{"lmove from a missing list, watch destination", base, "l{t}", []any{"lmove", "missing{t}", "l{t}", "left", "left"}, false},
		{"lmove, watch source", base, "l{t}", []any{"lmove", "l{t}", "l2{t}", "left", "left"}, true},
		{"msetnx refused, watch the missing key", base, "new{t}", []any{"msetnx", "new{t}", "1", "dst{t}", "2"}, false},
		{"rename, watch destination", base, "dst2{t}", []any{"rename", "dst{t}", "dst2{t}"}, true},
		{"srem of a missing member", base, "src{t}", []any{"srem", "src{t}", "zz"}, false},
		{"del of the watched key among others", base, "src{t}", []any{"del", "missing{t}", "src{t}"}, true},
	}
	ctx := context.Background()
	run := func(t *testing.T, who string, a, b *redis.Client) {
		for _, c := range cases {
			if err := a.FlushAll(ctx).Err(); err != nil {
				t.Fatal(err)
			}
			for _, s := range c.setup {
				if err := a.Do(ctx, s...).Err(); err != nil {
					t.Fatalf("%s: %v: %v", who, s, err)
				}
			}
			err := a.Watch(ctx, func(tx *redis.Tx) error {
				if err := b.Do(ctx, c.other...).Err(); err != nil && !errors.Is(err, redis.Nil) {
					return err
				}
				_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Set(ctx, "done{t}", "1", 0)
					return nil
				})
				return err
			}, c.watch)
			switch {
			case c.aborted && !errors.Is(err, redis.TxFailedErr):
				t.Errorf("%s, %s: EXEC ran (%v), want it aborted", who, c.name, err)
			case !c.aborted && err != nil:
				t.Errorf("%s, %s: EXEC: %v, want it to run", who, c.name, err)
			}
		}
	}
	tn := startNode(t, nil)
	run(t, "vcache", tn.client(t), tn.client(t))
	if _, err := exec.LookPath("redis-server"); err == nil {
		rs := startRedisServer(t)
		other := redis.NewClient(rs.Options())
		t.Cleanup(func() { other.Close() })
		run(t, "redis-server", rs, other)
	}
}
