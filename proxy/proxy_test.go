package proxy

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestGoRedisThroughProxy(t *testing.T) {
	for _, n := range []int{1, 3} {
		t.Run(fmt.Sprintf("%d backends", n), func(t *testing.T) {
			rs := startRedises(t, n)
			p := startProxy(t, Config{}, addrs(rs...)...)
			ctx := context.Background()
			c := client(t, p.addr)
			if err := c.Set(ctx, "greeting", "hello", 0).Err(); err != nil {
				t.Fatalf("SET: %v", err)
			}
			if got, err := c.Get(ctx, "greeting").Result(); err != nil || got != "hello" {
				t.Fatalf("GET = %q, %v; want hello", got, err)
			}
			if err := c.Get(ctx, "missing").Err(); err != redis.Nil {
				t.Fatalf("GET missing: %v, want redis.Nil", err)
			}
			// The key really is on the node the router names.
			owner, _ := p.router.Lookup(slotOfString("greeting"))
			if got := rawDo(owner, "GET", "greeting"); got != "$5\r\nhello\r\n" {
				t.Errorf("node %s holds %q for greeting", owner, got)
			}
			if got, err := c.Incr(ctx, "counter").Result(); err != nil || got != 1 {
				t.Errorf("INCR = %d, %v", got, err)
			}
			if err := c.HSet(ctx, "h", "f", "v").Err(); err != nil {
				t.Errorf("HSET: %v", err)
			}
			if got := c.HGetAll(ctx, "h").Val(); got["f"] != "v" {
				t.Errorf("HGETALL = %v", got)
			}
		})
	}
}

func TestRedisCLIThroughProxy(t *testing.T) {
	if _, err := exec.LookPath("redis-cli"); err != nil {
		t.Skip("redis-cli is not on PATH")
	}
	rs := startRedises(t, 3)
	p := startProxy(t, Config{}, addrs(rs...)...)
	_, port, _ := strings.Cut(p.addr, ":")
	cli := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, "redis-cli", append([]string{"-h", "127.0.0.1", "-p", port}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("redis-cli %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := cli("PING"); got != "PONG" {
		t.Errorf("PING = %q", got)
	}
	if got := cli("MSET", "a", "1", "b", "2", "c", "3"); got != "OK" {
		t.Errorf("MSET = %q", got)
	}
	if got := cli("MGET", "a", "b", "c", "nope"); got != "1\n2\n3\n" && got != "1\n2\n3" {
		t.Errorf("MGET = %q", got)
	}
	if got := cli("DBSIZE"); got != "3" {
		t.Errorf("DBSIZE = %q", got)
	}
	if got := cli("HELLO", "4"); !strings.Contains(got, "NOPROTO") {
		t.Errorf("HELLO 4 = %q, want NOPROTO", got)
	}
	if got := cli("INFO", "keyspace"); !strings.Contains(got, "db0:keys=3,") {
		t.Errorf("INFO keyspace = %q", got)
	}
	if got := cli("--no-raw", "COMMAND", "COUNT"); !strings.HasPrefix(got, "(integer) ") {
		t.Errorf("COMMAND COUNT = %q", got)
	}
}
