package node

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func configGet1(t *testing.T, c *redis.Client, name string) string {
	t.Helper()
	m, err := c.ConfigGet(context.Background(), name).Result()
	if err != nil {
		t.Fatalf("CONFIG GET %s: %v", name, err)
	}
	v, ok := m[name]
	if !ok {
		t.Fatalf("CONFIG GET %s: not there (%v)", name, m)
	}
	return v
}

// TestConfigSetAllOrNothing: CONFIG SET of several parameters sets them
// all, or, when one is refused, none: those set before it get their old
// values back. Unknown, duplicate and immutable names are refused with
// Redis's errors before anything changes.
func TestConfigSetAllOrNothing(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	if err := c.Do(ctx, "CONFIG", "SET", "maxmemory", "10000001", "repl-backlog-size", "10000002", "save", "3000 5").Err(); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"maxmemory": "10000001", "repl-backlog-size": "10000002", "save": "3000 5"} {
		if got := configGet1(t, c, k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	for _, tc := range []struct {
		args []any
		want string
	}{
		{[]any{"maxmemory", "10000009", "maxmemory-clients", "200%", "client-query-buffer-limit", "invalid"},
			"ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100"},
		{[]any{"maxmemory", "10000009", "client-query-buffer-limit", "1k"},
			"ERR CONFIG SET failed (possibly related to argument 'client-query-buffer-limit') - argument must be between 1048576 and 9223372036854775807 inclusive"},
		{[]any{"maxmemory", "10000009", "maxmemory", "10000008"}, "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter"},
		{[]any{"maxmemory", "10000009", "daemonize", "yes"}, "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"},
		{[]any{"maxmemory", "10000009", "nosuch", "1"}, "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"},
		{[]any{"maxmemory", "10000009", "save", "1 -1"}, "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"},
	} {
		err := c.Do(ctx, append([]any{"CONFIG", "SET"}, tc.args...)...).Err()
		if err == nil || err.Error() != tc.want {
			t.Errorf("CONFIG SET %v: %v, want %s", tc.args, err, tc.want)
		}
		if got := configGet1(t, c, "maxmemory"); got != "10000001" {
			t.Fatalf("after CONFIG SET %v: maxmemory %s, want it rolled back to 10000001", tc.args, got)
		}
	}
	if got := configGet1(t, c, "maxmemory-clients"); got != "0" {
		t.Errorf("maxmemory-clients = %s", got)
	}
	if err := c.ConfigSet(ctx, "maxmemory-clients", "10%").Err(); err != nil || configGet1(t, c, "maxmemory-clients") != "10%" {
		t.Errorf("maxmemory-clients 10%%: %v, %s", err, configGet1(t, c, "maxmemory-clients"))
	}
	// A port in use: Redis's apply error, and the rest rolled back.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, port, _ := net.SplitHostPort(busy.Addr().String())
	err = c.Do(ctx, "CONFIG", "SET", "maxmemory", "10000009", "port", port).Err()
	if err == nil || !strings.HasPrefix(err.Error(), "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port") {
		t.Fatalf("CONFIG SET port %s (in use): %v", port, err)
	}
	if got := configGet1(t, c, "maxmemory"); got != "10000001" {
		t.Fatalf("maxmemory %s after the port failed", got)
	}
	if c.Ping(ctx).Err() != nil {
		t.Fatal("node no longer answers")
	}
}

// TestConfigGetHiddenAndAliases: a hidden parameter (key-load-delay) is
// left out of patterns but given by its name; replicaof and slaveof are
// both there; maxmemory* finds maxmemory-samples and maxmemory-clients;
// repl-backlog-size below 16 KiB is raised to it and INFO shows the
// backlog's size.
func TestConfigGetHiddenAndAliases(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	all, err := c.ConfigGet(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := all["key-load-delay"]; ok {
		t.Fatal("CONFIG GET * shows the hidden key-load-delay")
	}
	if err := c.ConfigSet(ctx, "key-load-delay", "5").Err(); err != nil || configGet1(t, c, "key-load-delay") != "5" {
		t.Fatalf("key-load-delay: %v", err)
	}
	m, err := c.ConfigGet(ctx, "*of").Result()
	if _, ok := m["replicaof"]; !ok || err != nil {
		t.Fatalf("CONFIG GET *of: %v %v", m, err)
	}
	if _, ok := m["slaveof"]; !ok {
		t.Fatalf("CONFIG GET *of: %v", m)
	}
	m, _ = c.ConfigGet(ctx, "maxmemory*").Result()
	if m["maxmemory-samples"] != "5" || m["maxmemory-clients"] != "0" {
		t.Fatalf("CONFIG GET maxmemory*: %v", m)
	}
	if err := c.ConfigSet(ctx, "repl-backlog-size", "1").Err(); err != nil {
		t.Fatal(err)
	}
	if got := configGet1(t, c, "repl-backlog-size"); got != "16384" {
		t.Fatalf("repl-backlog-size after 1: %s", got)
	}
	if !strings.Contains(c.Info(ctx, "replication").Val(), "repl_backlog_size:16384\r\n") {
		t.Fatalf("INFO replication:\n%s", c.Info(ctx, "replication").Val())
	}
}

// TestConfigSavePoints: CONFIG SET save makes the node snapshot by itself
// once a save point is reached (1 second and 1 change), as Redis does;
// save "" turns it off.
func TestConfigSavePoints(t *testing.T) {
	dir := t.TempDir()
	tn := startNode(t, func(c *Config) { c.Dir = dir })
	ctx := context.Background()
	c := tn.client(t)
	saves := func() int64 { return infoInt(t, c, "rdb_saves") }
	before := saves()
	if err := c.ConfigSet(ctx, "save", "1 1").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "a save point's snapshot", func() bool { return saves() > before })
	if _, err := os.Stat(filepath.Join(dir, configGet1(t, c, "dbfilename"))); err != nil {
		t.Fatal(err)
	}
	if n := infoInt(t, c, "rdb_changes_since_last_save"); n != 0 {
		t.Fatalf("rdb_changes_since_last_save %d after the save", n)
	}
	if err := c.ConfigSet(ctx, "save", "").Err(); err != nil || configGet1(t, c, "save") != "" {
		t.Fatalf("save \"\": %v", err)
	}
}
