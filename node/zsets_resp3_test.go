package node

import (
	"context"
	"reflect"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/testutil"
)

// TestSetsZSetsRESP3AgreeWithSpecs checks, for the set and sorted-set
// commands, that what the node writes to a RESP3 client is what the proxy
// makes of its RESP2 reply with the command's declared shape
// (command.Spec.Reply3 and resp.To3), including a key named like the
// WITHSCORES option. Each case runs its setup before the command on each
// connection, so a pop sees the same data twice.
func TestSetsZSetsRESP3AgreeWithSpecs(t *testing.T) {
	tn := startNode(t, nil)
	c2, c3 := testutil.Dial(t, tn.addr), testutil.Dial(t, tn.addr)
	if got := c3.Do3("HELLO", "3"); got[0] != '%' {
		t.Fatalf("HELLO 3 = %q", got)
	}
	c2.Do("SADD", "s1", "1", "2", "3")
	c2.Do("SADD", "s2", "3", "4")
	c2.Do("SADD", "one", "x")
	c2.Do("ZADD", "z", "0.1", "a", "2", "b", "+inf", "c", "-inf", "d")
	c2.Do("ZADD", "zi", "1", "x")
	c2.Do("ZADD", "withscores", "1", "m", "2", "n")
	c2.Do("SET", "str", "v")
	refill := []string{"ZADD", "zp", "1", "a", "2.5", "b", "3", "c"}
	for _, c := range []struct {
		setup []string
		line  []string
	}{
		{nil, []string{"SMEMBERS", "s1"}},
		{nil, []string{"SMEMBERS", "nokey"}},
		{nil, []string{"SINTER", "s1", "s2"}},
		{nil, []string{"SUNION", "s1", "s2"}},
		{nil, []string{"SDIFF", "s1", "s2"}},
		{[]string{"SADD", "sp", "5"}, []string{"SPOP", "sp", "3"}},
		{[]string{"SADD", "sp", "5"}, []string{"SPOP", "sp"}},
		{nil, []string{"SPOP", "nokey"}},
		{nil, []string{"SRANDMEMBER", "one", "-3"}},
		{nil, []string{"SMISMEMBER", "one", "x", "y"}},
		{nil, []string{"SSCAN", "s1", "0"}},
		{nil, []string{"SMEMBERS", "str"}},
		{nil, []string{"ZSCORE", "z", "a"}},
		{nil, []string{"ZSCORE", "z", "c"}},
		{nil, []string{"ZSCORE", "z", "nope"}},
		{nil, []string{"ZMSCORE", "z", "a", "nope", "d"}},
		{[]string{"DEL", "zadd"}, []string{"ZADD", "zadd", "INCR", "1.5", "m"}},
		{nil, []string{"ZADD", "z", "XX", "INCR", "1", "nope"}},
		{nil, []string{"ZADD", "z", "CH", "2", "b"}},
		{[]string{"DEL", "zinc"}, []string{"ZINCRBY", "zinc", "0.1", "m"}},
		{nil, []string{"ZRANGE", "z", "0", "-1", "WITHSCORES"}},
		{nil, []string{"ZRANGE", "z", "0", "-1"}},
		{nil, []string{"ZRANGE", "z", "+inf", "(0", "BYSCORE", "REV", "LIMIT", "0", "2", "withscores"}},
		{nil, []string{"ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES"}},
		{nil, []string{"ZREVRANGEBYSCORE", "z", "+inf", "-inf", "WITHSCORES"}},
		{nil, []string{"ZREVRANGE", "z", "0", "1", "WITHSCORES"}},
		{nil, []string{"ZRANGEBYLEX", "zi", "-", "+"}},
		{nil, []string{"ZRANDMEMBER", "zi", "-2", "WITHSCORES"}},
		{nil, []string{"ZRANDMEMBER", "zi", "-2"}},
		{nil, []string{"ZUNION", "2", "z", "zi", "WITHSCORES"}},
		{nil, []string{"ZINTER", "2", "z", "zi", "WITHSCORES"}},
		{nil, []string{"ZDIFF", "2", "z", "zi", "WITHSCORES"}},
		{nil, []string{"ZUNION", "1", "withscores"}},
		{nil, []string{"ZDIFF", "1", "withscores", "WITHSCORES"}},
		{nil, []string{"ZSCAN", "z", "0"}},
		{refill, []string{"ZPOPMIN", "zp"}},
		{refill, []string{"ZPOPMAX", "zp", "2"}},
		{nil, []string{"ZPOPMIN", "nokey"}},
		{refill, []string{"ZMPOP", "2", "nokey", "zp", "MAX", "COUNT", "2"}},
		{nil, []string{"ZMPOP", "1", "nokey", "MIN"}},
		{nil, []string{"ZSCORE", "str", "a"}},
	} {
		spec := tn.cmds.Lookup([]byte(c.line[0]))
		if c.setup != nil {
			c2.Do(c.setup...)
		}
		want := string(resp.To3(nil, []byte(c2.Do(c.line...)), spec.Shape3(toBytes(c.line))))
		if c.setup != nil {
			c2.Do(c.setup...)
		}
		if got := c3.Do3(c.line...); got != want {
			t.Errorf("%q: RESP3 reply %q; the RESP2 reply converted by the spec's shape is %q", c.line, got, want)
		}
	}
}

// TestZSetsGoRedisBothProtocols: go-redis decodes the sorted-set and set
// replies to the same values whether it speaks RESP3 (doubles, sets,
// [member, score] pairs) or RESP2.
func TestZSetsGoRedisBothProtocols(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	results := map[int][]any{}
	for _, proto := range []int{2, 3} {
		c := redis.NewClient(&redis.Options{Addr: tn.addr, Protocol: proto, MaxRetries: -1})
		t.Cleanup(func() { c.Close() })
		p := "p" + strconv.Itoa(proto) + ":"
		zs := []redis.Z{{Score: 0.1, Member: "a"}, {Score: 2, Member: "b"}, {Score: 3.5, Member: "c"}}
		if err := c.ZAdd(ctx, p+"z", zs...).Err(); err != nil {
			t.Fatalf("RESP%d ZADD: %v", proto, err)
		}
		c.SAdd(ctx, p+"s", "1", "2", "3")
		var got []any
		add := func(v any, err error) {
			if err != nil {
				t.Errorf("RESP%d reply %d: %v", proto, len(got), err)
			}
			got = append(got, v)
		}
		add(c.ZScore(ctx, p+"z", "a").Result())
		add(c.ZIncrBy(ctx, p+"z", 1, "b").Result())
		add(c.ZMScore(ctx, p+"z", "a", "nope").Result())
		add(c.ZRangeWithScores(ctx, p+"z", 0, -1).Result())
		add(c.ZRevRangeByScoreWithScores(ctx, p+"z", &redis.ZRangeBy{Min: "-inf", Max: "+inf"}).Result())
		add(c.ZUnionWithScores(ctx, redis.ZStore{Keys: []string{p + "z"}}).Result())
		add(c.SMembers(ctx, p+"s").Result())
		add(c.ZPopMin(ctx, p+"z").Result())
		add(c.ZPopMax(ctx, p+"z", 1).Result())
		key, ms, err := c.ZMPop(ctx, "min", 5, p+"nokey", p+"z").Result()
		add([]any{key[len(p):], ms}, err)
		results[proto] = got
	}
	for i, v2 := range results[2] {
		if v3 := results[3][i]; !reflect.DeepEqual(v2, v3) {
			t.Errorf("reply %d: RESP2 %#v, RESP3 %#v", i, v2, v3)
		}
	}
	want := []any{0.1, 3.0, []float64{0.1, 0}, []redis.Z{{Score: 0.1, Member: "a"}, {Score: 3, Member: "b"}, {Score: 3.5, Member: "c"}}}
	for i, w := range want {
		if !reflect.DeepEqual(results[3][i], w) {
			t.Errorf("RESP3 reply %d = %#v, want %#v", i, results[3][i], w)
		}
	}
}
