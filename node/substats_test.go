package node

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/testutil"
)

// TestSubcommandStatsAsRedis runs subcommands of container commands,
// good, failing and unknown, on a node and on redis-server, and wants the
// same INFO commandstats lines (times aside): one per subcommand
// ("cmdstat_config|get"), none for an unknown one, and the same
// subcommands in INFO latencystats. EXEC fails only when it answers an
// error itself, not when a queued command does; a script's commands
// count, refused ones (arity, read-only script, not allowed) as rejected.
func TestSubcommandStatsAsRedis(t *testing.T) {
	tn := startNode(t, nil)
	ref := startRedisServer(t)
	times := regexp.MustCompile(`usec=\d+,usec_per_call=[\d.]+,|:p50=.*`)
	stats := func(addr string) string {
		c := testutil.Dial(t, addr)
		c.Do("CONFIG", "RESETSTAT")
		for _, cmd := range [][]string{
			{"CLIENT", "ID"}, {"client", "id"}, {"CLIENT", "NOSUCH"}, {"CONFIG", "GET", "maxmemory"},
			{"CONFIG", "SET", "no-such-option", "1"}, {"XADD", "s", "*", "f", "v"},
			{"XGROUP", "CREATECONSUMER", "s", "nogroup", "c"}, {"XGROUP", "CREATE", "s", "g", "$"},
			{"XINFO", "GROUPS", "s"}, {"OBJECT", "ENCODING", "s"}, {"MEMORY", "NOSUCH"},
			{"MULTI"}, {"SET", "a", "b"}, {"INCR", "s"}, {"EXEC"}, {"EXEC"},
			{"EVAL", "return redis.pcall('SET', 'a')", "0"}, {"EVAL", "return redis.call('GET', 'a', 'b')", "0"},
			{"EVAL", "return redis.pcall('XGROUP', 'CREATECONSUMER', 's', 'nogroup', 'c')", "0"},
			{"EVAL_RO", "return redis.pcall('DEL', 'a')", "0"}, {"EVAL", "return redis.pcall('CONFIG', 'SET', 'x', 'y')", "0"},
		} {
			c.Do(cmd...)
		}
		var lines []string
		for _, section := range []string{"commandstats", "latencystats"} {
			c.Send("INFO", section)
			raw := c.Recv()
			for _, l := range strings.Split(raw, "\r\n") {
				if strings.HasPrefix(l, "cmdstat_") || strings.HasPrefix(l, "latency_percentiles_usec_") {
					if !strings.Contains(l, "_info") {
						lines = append(lines, times.ReplaceAllString(l, ""))
					}
				}
			}
		}
		sort.Strings(lines)
		return strings.Join(lines, "\n")
	}
	got, want := stats(tn.addr), stats(ref.Options().Addr)
	if got != want {
		t.Fatalf("vcache:\n%s\nredis-server:\n%s", got, want)
	}
	if !strings.Contains(got, "cmdstat_client|id:calls=2,") {
		t.Fatalf("no cmdstat_client|id of 2 calls:\n%s", got)
	}
}
