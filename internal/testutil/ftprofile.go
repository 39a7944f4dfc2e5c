package testutil

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
)

// CheckFTProfileLimited indexes four documents (RediSearch 2.8's test of
// FT.PROFILE ... LIMITED) under prefix at addr, a node or the proxy, and
// checks the iterators profile of a prefix and TAG query: every iterator
// has a time (a number of milliseconds); without LIMITED the unions a
// term expands into list their iterators; with LIMITED they say how
// many there are, as RediSearch words it. Through the proxy each shard's
// profile has that form, and their counters add up to one node's.
func CheckFTProfileLimited(t *testing.T, addr, prefix string) {
	t.Helper()
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, MaxRetries: -1})
	defer c.Close()
	if err := c.Do(ctx, "FT.CREATE", prefix, "PREFIX", "1", prefix+":", "SCHEMA", "t", "TEXT", "g", "TAG").Err(); err != nil {
		t.Fatal(err)
	}
	for i, d := range [][]string{{"hello", "a"}, {"hell", "b"}, {"help", "c"}, {"helowa", "d"}} {
		if err := c.HSet(ctx, fmt.Sprintf("%s:%d", prefix, i+1), "t", d[0], "g", d[1]).Err(); err != nil {
			t.Fatal(err)
		}
	}
	profile := func(limited bool) [][]any {
		t.Helper()
		args := []any{"FT.PROFILE", prefix, "SEARCH"}
		if limited {
			args = append(args, "LIMITED")
		}
		v, err := c.Do(ctx, append(args, "QUERY", "hel* @g:{a|b}", "NOCONTENT")...).Result()
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return shardIterators(t, v)
	}
	unions := func(limited bool, prefixKids, tagKids []any) []any {
		return []any{"Type", "INTERSECT", "Counter", int64(2), "Child iterators",
			append([]any{"Type", "UNION", "Query type", "PREFIX - hel", "Counter", int64(4), "Child iterators"}, prefixKids...),
			append([]any{"Type", "UNION", "Query type", "TAG", "Counter", int64(2), "Child iterators"}, tagKids...)}
	}
	reader := func(typ, term string) []any {
		return []any{"Type", typ, "Term", term, "Counter", int64(1), "Size", int64(1)}
	}
	full, limited := profile(false), profile(true)
	if len(full) == 1 {
		want := unions(false,
			[]any{reader("TEXT", "hell"), reader("TEXT", "hello"), reader("TEXT", "helowa"), reader("TEXT", "help")},
			[]any{reader("TAG", "a"), reader("TAG", "b")})
		if !reflect.DeepEqual(full[0], want) {
			t.Errorf("FT.PROFILE iterators:\n got %#v\nwant %#v", full[0], want)
		}
		want = unions(true, []any{"The number of iterators in the union is 4"}, []any{"The number of iterators in the union is 2"})
		if !reflect.DeepEqual(limited[0], want) {
			t.Errorf("FT.PROFILE LIMITED iterators:\n got %#v\nwant %#v", limited[0], want)
		}
		return
	}
	// Shards: each LIMITED profile names its unions' sizes, which add up
	// to the terms the full profiles list (a shard holding none of a
	// union's words has a null in its place, as RediSearch's).
	var root, listed, counted int64
	for i, it := range limited {
		if len(it) != 7 || it[4] != "Child iterators" {
			t.Fatalf("shard %d: FT.PROFILE LIMITED iterators %#v", i, it)
		}
		root += it[3].(int64)
		for _, kid := range it[5:] {
			k, ok := kid.([]any)
			if !ok {
				continue // a shard holding none of the clause's words: no iterator (null)
			}
			var n int64
			if _, err := fmt.Sscanf(fmt.Sprint(k[len(k)-1]), "The number of iterators in the union is %d", &n); err != nil {
				t.Fatalf("shard %d: a union under LIMITED ends with %#v", i, k[len(k)-1])
			}
			counted += n
		}
		full := full[i]
		for _, kid := range full[5:] {
			if k, ok := kid.([]any); ok {
				listed += int64(len(k) - 7)
			}
		}
	}
	if root != 2 || counted != listed || listed < 6 {
		t.Errorf("shards: %d matches (want 2), %d iterators counted under LIMITED, %d listed (want the same, at least 6)", root, counted, listed)
	}
}

// shardIterators returns the iterators profile of an FT.PROFILE reply
// with each "Time" (checked to be a number) left out: one, or one per
// shard for the proxy's reply.
func shardIterators(t *testing.T, v any) [][]any {
	t.Helper()
	r, ok := v.([]any)
	if !ok || len(r) != 2 {
		t.Fatalf("FT.PROFILE reply %#v", v)
	}
	prof, _ := r[1].([]any)
	var profiles [][]any
	if len(prof) > 0 {
		if s, ok := prof[0].(string); ok && len(s) > 6 && s[:6] == "Shard " {
			for i := 1; i < len(prof); i += 2 {
				p, _ := prof[i].([]any)
				profiles = append(profiles, p)
			}
		} else {
			profiles = append(profiles, prof)
		}
	}
	var out [][]any
	for _, p := range profiles {
		for _, e := range p {
			if kv, ok := e.([]any); ok && len(kv) == 2 && kv[0] == "Iterators profile" {
				it, _ := kv[1].([]any)
				out = append(out, withoutTimes(t, it))
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("FT.PROFILE reply without an iterators profile: %#v", v)
	}
	return out
}

func withoutTimes(t *testing.T, it []any) []any {
	t.Helper()
	out := []any{}
	timed := false
	for i := 0; i < len(it); i++ {
		if it[i] == "Time" && i+1 < len(it) {
			if _, err := strconv.ParseFloat(fmt.Sprint(it[i+1]), 64); err != nil {
				t.Errorf("iterator time %#v is not a number", it[i+1])
			}
			timed = true
			i++
			continue
		}
		if kid, ok := it[i].([]any); ok {
			out = append(out, withoutTimes(t, kid))
			continue
		}
		out = append(out, it[i])
	}
	if !timed {
		t.Errorf("iterator without a time: %#v", it)
	}
	return out
}
