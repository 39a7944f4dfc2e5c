package proxy

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestConfigIsTheProxys: CONFIG GET through the proxy answers the proxy's
// own parameters (globs, several patterns, each parameter once), never a
// node's (which would hold the nodes' password); CONFIG SET changes what
// the proxy owns and refuses the rest with Redis's errors.
func TestConfigIsTheProxys(t *testing.T) {
	const backendPass = "N0de-Only-Pa55"
	r := startRedis(t)
	if got := rawDo(r.addr, "CONFIG", "SET", "requirepass", backendPass); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET requirepass on the node: %q", got)
	}
	cfg := DefaultConfig()
	cfg.BackendPassword = backendPass
	cfg.RequirePass = "front-pass"
	cfg.MaxClients = 321
	p := startProxy(t, cfg, r.addr)
	c := redis.NewClient(&redis.Options{Addr: p.addr, Password: "front-pass", MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	ctx := context.Background()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET through the proxy (it reaches the node with its password): %v", err)
	}

	all, err := c.ConfigGet(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(p.addr)
	want := map[string]string{
		"port": port, "bind": "127.0.0.1", "maxclients": "321", "timeout": "0",
		"requirepass": "front-pass", "save": "", "appendonly": "no", "databases": "1",
		"cluster-enabled": "no", "aclfile": "", "acl-pubsub-default": "resetchannels",
	}
	for k, v := range want {
		if got, ok := all[k]; !ok || got != v {
			t.Errorf("CONFIG GET * %s = %q (present %v), want %q", k, got, ok, v)
		}
	}
	for k, v := range all {
		if strings.Contains(v, backendPass) {
			t.Errorf("CONFIG GET * shows the backend password in %s", k)
		}
		if _, ok := want[k]; !ok && !isNodeParam(k) {
			t.Errorf("CONFIG GET * has %s, which is neither the proxy's nor the service's", k)
		}
	}

	// Globs and several patterns, each parameter once, in any case.
	raw := dialRaw(t, p.addr)
	raw.do("AUTH", "front-pass")
	if got := raw.do("CONFIG", "GET", "MAXC*", "maxclients", "p?rt"); got != "*4\r\n$10\r\nmaxclients\r\n$3\r\n321\r\n$4\r\nport\r\n$"+strconv.Itoa(len(port))+"\r\n"+port+"\r\n" {
		t.Errorf("CONFIG GET MAXC* maxclients p?rt = %q", got)
	}
	if got := raw.do("CONFIG", "GET", "no-such-parameter"); got != "*0\r\n" {
		t.Errorf("CONFIG GET of an unknown parameter = %q, want an empty array", got)
	}

	// Errors as Redis 7 words them.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"CONFIG", "GET"}, "-ERR wrong number of arguments for 'config|get' command\r\n"},
		{[]string{"CONFIG", "SET", "maxclients"}, "-ERR wrong number of arguments for 'config|set' command\r\n"},
		{[]string{"CONFIG", "SET", "foo", "bar"}, "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n"},
		{[]string{"CONFIG", "SET", "maxmemory", "1mb"}, "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - can't set immutable config\r\n"},
		{[]string{"CONFIG", "SET", "databases", "1"}, "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config\r\n"},
		{[]string{"CONFIG", "SET", "maxclients", "abc"}, "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer\r\n"},
		{[]string{"CONFIG", "SET", "maxclients", "0"}, "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive\r\n"},
		{[]string{"CONFIG", "SET", "requirepass", "x", "requirepass", "y"}, "-ERR CONFIG SET failed (possibly related to argument 'requirepass') - duplicate parameter\r\n"},
		// All or nothing: the good maxclients is not applied either.
		{[]string{"CONFIG", "SET", "maxclients", "7", "timeout", "5"}, "-ERR CONFIG SET failed (possibly related to argument 'timeout') - can't set immutable config\r\n"},
		{[]string{"CONFIG", "REWRITE"}, "-ERR The server is running without a config file\r\n"},
		{[]string{"CONFIG", "NOPE"}, "-ERR unknown subcommand 'NOPE'. Try CONFIG HELP.\r\n"},
		{[]string{"CONFIG", "SET", "save", "", "appendonly", "no"}, "+OK\r\n"},
	} {
		if got := raw.do(tc.args...); got != tc.want {
			t.Errorf("%q = %q, want %q", tc.args, got, tc.want)
		}
	}
	if v := c.ConfigGet(ctx, "maxclients").Val()["maxclients"]; v != "321" {
		t.Errorf("a refused CONFIG SET changed maxclients to %s", v)
	}
	if got := raw.do("CONFIG", "HELP"); !strings.HasPrefix(got, "*11\r\n+CONFIG <subcommand>") {
		t.Errorf("CONFIG HELP = %q", trim(got))
	}

	// CONFIG SET requirepass is the proxy's password, not the node's.
	if err := c.ConfigSet(ctx, "requirepass", "new-front").Err(); err != nil {
		t.Fatal(err)
	}
	fresh := redis.NewClient(&redis.Options{Addr: p.addr, Password: "new-front", MaxRetries: -1})
	defer fresh.Close()
	if v, err := fresh.Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("GET with the new proxy password = %q, %v", v, err)
	}
	if got := rawDo(r.addr, "AUTH", backendPass); got != "+OK\r\n" {
		t.Errorf("the node's password changed: AUTH = %q", got)
	}
	if v := fresh.ConfigGet(ctx, "requirepass").Val()["requirepass"]; v != "new-front" {
		t.Errorf("CONFIG GET requirepass after SET = %q", v)
	}

	// CONFIG SET maxclients applies to new connections.
	if err := fresh.ConfigSet(ctx, "maxclients", "1").Err(); err != nil {
		t.Fatal(err)
	}
	extra := dialRaw(t, p.addr)
	if got := extra.do("PING"); got != "-ERR max number of clients reached\r\n" {
		t.Errorf("a connection past CONFIG SET maxclients 1: %q", got)
	}
}
