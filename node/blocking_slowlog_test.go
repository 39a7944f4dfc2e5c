package node

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestSlowlogBlockedCommandLoggedWhenServed checks, on a node and on
// redis-server, that a BLPOP which waited is in the slow log once it is
// answered, after the commands of the EXEC that served it (EXEC itself is
// not logged, its commands are), and a BLPOP that timed out is not.
func TestSlowlogBlockedCommandLoggedWhenServed(t *testing.T) {
	ctx := context.Background()
	servers := map[string]*redis.Client{"vcache": startNode(t, nil).client(t), "redis-server": startRedisServer(t)}
	for name, c := range servers {
		t.Run(name, func(t *testing.T) {
			opt := *c.Options()
			waiting := redis.NewClient(&opt)
			defer waiting.Close()
			blocked := func() bool {
				return strings.Contains(c.Info(ctx, "clients").Val(), "\r\nblocked_clients:1\r\n")
			}
			newest := func() string {
				t.Helper()
				logs, err := c.SlowLogGet(ctx, 1).Result()
				if err != nil || len(logs) != 1 {
					t.Fatalf("SLOWLOG GET 1: %v %v", logs, err)
				}
				return strings.Join(logs[0].Args, " ")
			}
			c.ConfigSet(ctx, "slowlog-log-slower-than", "0")
			c.Del(ctx, "l")
			done := make(chan error, 1)
			go func() { done <- waiting.BLPop(ctx, 0, "l").Err() }()
			waitFor(t, 5*time.Second, "BLPOP waiting", blocked)
			if _, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.LPush(ctx, "l", "foo")
				p.Do(ctx, "slowlog", "reset")
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if got := newest(); got != "blpop l 0" {
				t.Fatalf("newest slow log entry after EXEC served BLPOP: %q", got)
			}
			var all []string
			for _, e := range c.SlowLogGet(ctx, -1).Val() {
				all = append(all, strings.Join(e.Args, " "))
			}
			if got := strings.Join(all, ", "); got != "slowlog get 1, blpop l 0, slowlog reset" {
				t.Fatalf("slow log, newest first: %s", got)
			}
			go func() { done <- waiting.Do(ctx, "blpop", "l", "0.05").Err() }()
			if err := <-done; err != redis.Nil {
				t.Fatalf("BLPOP timing out: %v", err)
			}
			if got := newest(); got != "slowlog get -1" {
				t.Fatalf("newest slow log entry after BLPOP timed out: %q, want the SLOWLOG GET before it", got)
			}
		})
	}
}
