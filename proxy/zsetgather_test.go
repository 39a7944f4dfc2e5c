package proxy

import (
	"slices"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/serving"
)

// TestSortedSetOpsAcrossShards: ZUNION, ZINTER, ZDIFF, ZINTERCARD and
// their STORE forms, and SUNIONSTORE, SINTERSTORE, SDIFFSTORE, over keys
// on three nodes answer through the proxy byte for byte what one
// redis-server holding every key answers (weights, AGGREGATE, WITHSCORES,
// plain sets as sources, inf, float formatting, errors), and the STORE
// forms leave the same destination.
func TestSortedSetOpsAcrossShards(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		rs := startRedises(t, 3)
		one := startRedis(t)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
		c, ref := dialRaw(t, p.addr), dialRaw(t, one.addr)
		a, b, d := keysOn(p.router, 0, 1, "a")[0], keysOn(p.router, 1, 1, "b")[0], keysOn(p.router, 2, 1, "d")[0]
		s, str := keysOn(p.router, 1, 2, "s")[1], keysOn(p.router, 2, 2, "str")[1]
		dst := keysOn(p.router, 2, 3, "dst")[2]
		setup := [][]string{
			{"ZADD", a, "1", "x", "2", "y", "3", "z", "1.5", "one", "inf", "big", "0.1", "tenth"},
			{"ZADD", b, "10", "y", "-1", "z", "0.5", "w", "0.2", "tenth", "-inf", "small"},
			{"ZADD", d, "7", "z", "8", "x"},
			{"SADD", s, "z", "q", "x", "y", "k"},
			{"SET", str, "v"},
		}
		for _, cmd := range setup {
			if got, want := c.do(cmd...), ref.do(cmd...); got != want {
				t.Fatalf("%v: %q, one Redis %q", cmd, got, want)
			}
		}
		lines := [][]string{
			{"ZUNION", "3", a, b, d}, {"ZUNION", "3", a, b, d, "WITHSCORES"},
			{"ZUNION", "2", a, b, "WEIGHTS", "2", "0.5", "WITHSCORES"},
			{"ZUNION", "2", a, b, "WEIGHTS", "0", "1", "WITHSCORES"},
			{"ZUNION", "3", a, b, s, "AGGREGATE", "MIN", "WITHSCORES"},
			{"ZUNION", "3", a, b, s, "AGGREGATE", "max", "withscores"},
			{"ZUNION", "2", a, "missing", "WITHSCORES"},
			{"ZINTER", "2", a, b}, {"ZINTER", "2", a, b, "WITHSCORES"},
			{"ZINTER", "3", a, b, s, "WEIGHTS", "1", "-1", "3", "WITHSCORES"},
			{"ZINTER", "2", a, d, "AGGREGATE", "MIN", "WITHSCORES"},
			{"ZINTER", "2", a, "missing", "WITHSCORES"},
			{"ZDIFF", "2", a, b}, {"ZDIFF", "3", a, b, d, "WITHSCORES"}, {"ZDIFF", "2", s, a, "WITHSCORES"},
			{"ZDIFF", "2", "missing", a},
			{"ZINTERCARD", "2", a, b}, {"ZINTERCARD", "3", a, b, s}, {"ZINTERCARD", "2", a, b, "LIMIT", "1"},
			{"ZINTERCARD", "2", a, "missing"},
			// errors
			{"ZUNION", "2", a, str}, {"ZINTER", "2", str, b, "WITHSCORES"}, {"ZINTERCARD", "2", a, str},
			{"ZUNION", "2", a, b, "WEIGHTS", "1", "x"}, {"ZUNION", "2", a, b, "AGGREGATE", "avg"},
			{"ZUNION", "0", a}, {"ZUNION", "3", a, b}, {"ZDIFF", "2", a, b, "WEIGHTS", "1", "1"},
			{"ZUNIONSTORE", dst, "2", a, b, "WITHSCORES"}, {"ZINTERCARD", "2", a, b, "LIMIT", "-1"},
			{"ZUNION", "2", a, b, "FOO"},
		}
		for _, args := range lines {
			if got, want := c.do(args...), ref.do(args...); got != want {
				t.Errorf("%v:\n proxy:      %s\n one Redis:  %s", args, trim(got), trim(want))
			}
		}
		stores := [][]string{
			{"ZUNIONSTORE", dst, "3", a, b, d}, {"ZUNIONSTORE", dst, "2", a, b, "WEIGHTS", "2", "3", "AGGREGATE", "MAX"},
			{"ZINTERSTORE", dst, "2", a, b}, {"ZINTERSTORE", dst, "2", a, s, "WEIGHTS", "3", "1"},
			{"ZDIFFSTORE", dst, "2", a, b}, {"ZINTERSTORE", dst, "2", a, "missing"},
			{"ZUNIONSTORE", dst, "2", a, str},
		}
		for _, args := range stores {
			c.do("SET", dst, "old")
			ref.do("SET", dst, "old")
			if got, want := c.do(args...), ref.do(args...); got != want {
				t.Errorf("%v:\n proxy:      %s\n one Redis:  %s", args, trim(got), trim(want))
			}
			for _, read := range [][]string{{"TYPE", dst}, {"ZRANGE", dst, "0", "-1", "WITHSCORES"}} {
				if got, want := c.do(read...), ref.do(read...); got != want {
					t.Errorf("after %v, %v:\n proxy:      %s\n one Redis:  %s", args, read, trim(got), trim(want))
				}
			}
		}
		// RESP3: scores as doubles, in pairs.
		c3, ref3 := dialRaw(t, p.addr), dialRaw(t, one.addr)
		c3.Do3("HELLO", "3")
		ref3.Do3("HELLO", "3")
		for _, args := range [][]string{{"ZUNION", "3", a, b, d, "WITHSCORES"}, {"ZINTER", "2", a, b}, {"ZINTERCARD", "2", a, b}} {
			if got, want := c3.Do3(args...), ref3.Do3(args...); got != want {
				t.Errorf("RESP3 %v:\n proxy:      %s\n one Redis:  %s", args, trim(got), trim(want))
			}
		}
		ssets := [][]string{{"SADD", a + "s", "1", "2", "3", "x"}, {"SADD", b + "s", "2", "3", "y"}, {"SADD", d + "s", "3", "z"}}
		for _, cmd := range ssets {
			c.do(cmd...)
			ref.do(cmd...)
		}
		for _, args := range [][]string{
			{"SUNIONSTORE", dst, a + "s", b + "s", d + "s"}, {"SINTERSTORE", dst, a + "s", b + "s"},
			{"SINTERSTORE", dst, a + "s", b + "s", d + "s"}, {"SDIFFSTORE", dst, a + "s", b + "s"},
			{"SINTERSTORE", dst, a + "s", "missing"}, {"SUNIONSTORE", dst, a + "s", str},
		} {
			c.do("SET", dst, "old")
			ref.do("SET", dst, "old")
			if got, want := c.do(args...), ref.do(args...); got != want {
				t.Errorf("%v:\n proxy:      %s\n one Redis:  %s", args, trim(got), trim(want))
			}
			got, want := c.do("SMEMBERS", dst), ref.do("SMEMBERS", dst)
			g, w := strings.Split(got, "\r\n"), strings.Split(want, "\r\n")
			slices.Sort(g)
			slices.Sort(w)
			if !slices.Equal(g, w) || c.do("TYPE", dst) != ref.do("TYPE", dst) {
				t.Errorf("after %v, SMEMBERS: proxy %s, one Redis %s", args, trim(got), trim(want))
			}
		}
	})
}
