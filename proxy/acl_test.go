package proxy

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/acl"
)

// backendCalls returns how many times the redis-servers ran cmd, from
// their INFO commandstats.
func backendCalls(t *testing.T, rs []*redisServer, cmd string) int {
	t.Helper()
	total := 0
	for _, r := range rs {
		info := rawDo(r.addr, "INFO", "commandstats")
		_, rest, ok := strings.Cut(info, "cmdstat_"+cmd+":calls=")
		if !ok {
			continue
		}
		n := 0
		for _, c := range rest {
			if c < '0' || c > '9' {
				break
			}
			n = n*10 + int(c-'0')
		}
		total += n
	}
	return total
}

// TestACLUsersThroughProxy: users live on the proxy; a user limited to
// reads of cache:* reads there and gets Redis's NOPERM texts for the
// rest, and nothing denied reaches a node.
func TestACLUsersThroughProxy(t *testing.T) {
	rs := startRedises(t, 3)
	p := startProxy(t, Config{}, addrs(rs...)...)
	ctx := context.Background()
	admin := client(t, p.addr)
	for _, rules := range [][]string{
		{"reader", "on", ">r3ad", "+@read", "+acl|whoami", "~cache:*"},
		{"writer", "on", ">wr1te", "+@write", "+@read", "+@transaction", "~cache:*"},
	} {
		if err := admin.Do(ctx, append([]any{"ACL", "SETUSER"}, anys(rules)...)...).Err(); err != nil {
			t.Fatalf("ACL SETUSER %v: %v", rules, err)
		}
	}
	if err := admin.MSet(ctx, "cache:x", "1", "other:x", "2").Err(); err != nil {
		t.Fatal(err)
	}
	// The users are the proxy's: no node has them.
	for _, r := range rs {
		if got := rawDo(r.addr, "ACL", "USERS"); got != "*1\r\n$7\r\ndefault\r\n" {
			t.Errorf("node %s has users %q", r.addr, got)
		}
	}

	reader := redis.NewClient(&redis.Options{Addr: p.addr, Username: "reader", Password: "r3ad", MaxRetries: -1})
	t.Cleanup(func() { reader.Close() })
	if got, err := reader.Get(ctx, "cache:x").Result(); err != nil || got != "1" {
		t.Fatalf("reader GET cache:x = %q, %v", got, err)
	}
	if got, err := reader.ACLWhoAmI(ctx).Result(); err != nil || got != "reader" {
		t.Errorf("ACL WHOAMI as reader = %q, %v", got, err)
	}
	gets := backendCalls(t, rs, "get")
	mgets := backendCalls(t, rs, "mget")
	const noKey = "NOPERM No permissions to access a key"
	for _, c := range []struct {
		cmd  []any
		want string
	}{
		{[]any{"SET", "cache:x", "2"}, "NOPERM User reader has no permissions to run the 'set' command"},
		{[]any{"GET", "other:x"}, noKey},
		{[]any{"MGET", "cache:a", "cache:b", "other:x"}, noKey},
		{[]any{"FLUSHALL"}, "NOPERM User reader has no permissions to run the 'flushall' command"},
		{[]any{"ACL", "SETUSER", "reader", "+@all"}, "NOPERM User reader has no permissions to run the 'acl|setuser' command"},
	} {
		err := reader.Do(ctx, c.cmd...).Err()
		if err == nil || err.Error() != c.want {
			t.Errorf("reader %v: %v, want %s", c.cmd, err, c.want)
		}
	}
	if n := backendCalls(t, rs, "get"); n != gets {
		t.Errorf("denied GETs reached the nodes: %d calls, was %d", n, gets)
	}
	if n := backendCalls(t, rs, "mget"); n != mgets {
		t.Errorf("a denied MGET reached the nodes: %d calls, was %d", n, mgets)
	}
	if got, _ := admin.Get(ctx, "cache:x").Result(); got != "1" {
		t.Errorf("cache:x = %q after a denied SET", got)
	}

	// Every key of a multi-key write is checked; a denied one stops it all.
	writer := redis.NewClient(&redis.Options{Addr: p.addr, Username: "writer", Password: "wr1te", MaxRetries: -1})
	t.Cleanup(func() { writer.Close() })
	if err := writer.MSet(ctx, "cache:a", "1", "cache:b", "2").Err(); err != nil {
		t.Errorf("writer MSET cache:*: %v", err)
	}
	if err := writer.MSet(ctx, "cache:c", "1", "other:c", "2").Err(); err == nil || err.Error() != noKey {
		t.Errorf("writer MSET with other:c: %v", err)
	}
	if n, _ := admin.Exists(ctx, "cache:c", "other:c").Result(); n != 0 {
		t.Errorf("a denied MSET wrote %d keys", n)
	}
	if err := writer.Del(ctx, "cache:a", "other:x").Err(); err == nil || err.Error() != noKey {
		t.Errorf("writer DEL with other:x: %v", err)
	}
	if n, _ := admin.Exists(ctx, "cache:a", "other:x").Result(); n != 2 {
		t.Errorf("a denied DEL deleted keys: %d of 2 left", n)
	}
	// In a transaction a denied command aborts EXEC, as in Redis.
	c := dialRaw(t, p.addr)
	for _, s := range []struct{ cmd, want string }{
		{"AUTH writer wr1te", "+OK\r\n"},
		{"MULTI", "+OK\r\n"},
		{"SET cache:t 1", "+QUEUED\r\n"},
		{"SET other:t 1", "-" + noKey + "\r\n"},
		{"EXEC", "-EXECABORT"},
		{"GET cache:t", "$-1\r\n"},
	} {
		if got := c.do(strings.Fields(s.cmd)...); !strings.HasPrefix(got, s.want) {
			t.Errorf("%s = %q, want %q", s.cmd, got, s.want)
		}
	}

	// ACL LOG has the denials, newest first, and go-redis reads it.
	log, err := admin.ACLLog(ctx, 10).Result()
	if err != nil {
		t.Fatalf("ACL LOG: %v", err)
	}
	if len(log) < 4 || log[0].Reason != "key" || log[0].Object != "other:t" || log[0].Username != "writer" || log[0].Context != "multi" ||
		log[0].ClientInfo == nil || log[0].ClientInfo.User != "writer" {
		t.Errorf("ACL LOG: %+v", log[0])
	}
	// CLIENT LIST names each connection's user.
	if list := admin.ClientList(ctx).Val(); !strings.Contains(list, "user=reader") || !strings.Contains(list, "user=writer") {
		t.Errorf("CLIENT LIST:\n%s", list)
	}
	// Taking a right away applies to open connections at once.
	if err := admin.Do(ctx, "ACL", "SETUSER", "reader", "-get").Err(); err != nil {
		t.Fatal(err)
	}
	if err := reader.Get(ctx, "cache:x").Err(); err == nil || !strings.HasPrefix(err.Error(), "NOPERM") {
		t.Errorf("reader GET after -get: %v", err)
	}
	if n, err := admin.ACLDelUser(ctx, "reader").Result(); n != 1 || err != nil {
		t.Errorf("ACL DELUSER: %d, %v", n, err)
	}
	if err := reader.MGet(ctx, "cache:x").Err(); err == nil || err.Error() != "NOPERM User reader has no permissions to run the 'mget' command" {
		t.Errorf("a deleted user's connection: %v", err)
	}
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// TestACLAuthThroughProxy: AUTH and HELLO AUTH with users, WRONGPASS for a
// bad password or a disabled user, ACL WHOAMI, and redis-cli --user.
func TestACLAuthThroughProxy(t *testing.T) {
	r := startRedis(t)
	cfg := DefaultConfig()
	cfg.RequirePass = "s3cret"
	p := startProxy(t, cfg, r.addr)
	c := dialRaw(t, p.addr)
	const wrongPass = "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
	for _, s := range []struct{ cmd, want string }{
		{"ACL WHOAMI", "-NOAUTH Authentication required.\r\n"},
		{"AUTH s3cret", "+OK\r\n"},
		{"ACL WHOAMI", "$7\r\ndefault\r\n"},
		{"ACL SETUSER app on >app-pass ~app:* +@read +@write +@connection", "+OK\r\n"},
		{"ACL SETUSER idle off >idle-pass +@all allkeys", "+OK\r\n"},
		{"AUTH app wrong", wrongPass},
		{"AUTH nobody app-pass", wrongPass},
		{"AUTH idle idle-pass", wrongPass},
		{"HELLO 2 AUTH app wrong", wrongPass},
		{"ACL WHOAMI", "$7\r\ndefault\r\n"},
		{"HELLO 2 AUTH app app-pass", "*14\r\n"},
		{"ACL WHOAMI", "-NOPERM User app has no permissions to run the 'acl' command\r\n"},
		{"SET app:1 x", "+OK\r\n"},
		{"GET other:1", "-NOPERM No permissions to access a key\r\n"},
		{"AUTH default s3cret", "+OK\r\n"},
		{"ACL WHOAMI", "$7\r\ndefault\r\n"},
		{"AUTH app app-pass", "+OK\r\n"},
		{"RESET", "+RESET\r\n"},
		{"GET app:1", "-NOAUTH Authentication required.\r\n"},
	} {
		if got := c.do(strings.Fields(s.cmd)...); !strings.HasPrefix(got, s.want) {
			t.Errorf("%s = %q, want %q", s.cmd, got, s.want)
		}
	}
	ctx := context.Background()
	bad := redis.NewClient(&redis.Options{Addr: p.addr, Username: "app", Password: "nope", MaxRetries: -1})
	t.Cleanup(func() { bad.Close() })
	if err := bad.Get(ctx, "app:1").Err(); err == nil || !strings.Contains(err.Error(), "WRONGPASS") {
		t.Errorf("go-redis with a wrong password: %v", err)
	}
	log, err := redis.NewClient(&redis.Options{Addr: p.addr, Password: "s3cret"}).ACLLog(ctx, 1).Result()
	if err != nil || len(log) != 1 || log[0].Reason != "auth" || log[0].Username != "app" {
		t.Errorf("ACL LOG after a failed AUTH: %+v, %v", log, err)
	}

	if _, err := exec.LookPath("redis-cli"); err != nil {
		t.Skip("redis-cli is not on PATH")
	}
	_, port, _ := strings.Cut(p.addr, ":")
	cli := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, "redis-cli", append([]string{"-h", "127.0.0.1", "-p", port, "--no-auth-warning"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("redis-cli %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := cli("--user", "app", "--pass", "app-pass", "GET", "app:1"); got != "x" {
		t.Errorf("redis-cli --user app GET app:1 = %q", got)
	}
	if got := cli("--user", "app", "--pass", "app-pass", "GET", "other:1"); got != "NOPERM No permissions to access a key" {
		t.Errorf("redis-cli --user app GET other:1 = %q", got)
	}
	if got := cli("--user", "app", "--pass", "wrong", "PING"); !strings.Contains(got, "WRONGPASS") {
		t.Errorf("redis-cli with a wrong password = %q", got)
	}
	if got := cli("-a", "s3cret", "ACL", "WHOAMI"); got != "default" {
		t.Errorf("redis-cli ACL WHOAMI = %q", got)
	}
}

// TestACLFileThroughProxy: the proxy's users come from --aclfile, survive
// ACL SAVE and a restart, and ACL LOAD and a bad file behave as in Redis.
func TestACLFileThroughProxy(t *testing.T) {
	r := startRedis(t)
	path := filepath.Join(t.TempDir(), "users.acl")
	if err := os.WriteFile(path, []byte("# proxy users\nuser reader on >r3ad ~cache:* +@read\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.ACLFile = path
	p := startProxy(t, cfg, r.addr)
	ctx := context.Background()
	admin := client(t, p.addr)
	reader := redis.NewClient(&redis.Options{Addr: p.addr, Username: "reader", Password: "r3ad", MaxRetries: -1})
	t.Cleanup(func() { reader.Close() })
	if err := reader.Get(ctx, "cache:x").Err(); err != redis.Nil {
		t.Fatalf("reader from the file, GET cache:x: %v", err)
	}
	if err := admin.ACLSetUser(ctx, "writer", "on", ">wr1te", "~*", "+@write").Err(); err != nil {
		t.Fatal(err)
	}
	if err := admin.Do(ctx, "ACL", "SAVE").Err(); err != nil {
		t.Fatalf("ACL SAVE: %v", err)
	}
	saved, _ := os.ReadFile(path)
	if want := "user writer on #" + acl.HashPassword("wr1te") + " ~* resetchannels -@all +@write\n"; !strings.Contains(string(saved), want) {
		t.Errorf("the saved file has no %q:\n%s", want, saved)
	}

	// A new proxy on the same file has both users.
	p2 := startProxy(t, cfg, r.addr)
	for _, u := range []struct{ name, pass, cmd string }{{"reader", "r3ad", "GET cache:x"}, {"writer", "wr1te", "SET any 1"}} {
		c := dialRaw(t, p2.addr)
		if got := c.do("AUTH", u.name, u.pass); got != "+OK\r\n" {
			t.Errorf("AUTH %s on a proxy started from the saved file: %q", u.name, got)
		}
		if got := c.do(strings.Fields(u.cmd)...); strings.HasPrefix(got, "-") {
			t.Errorf("%s %s on a proxy started from the saved file: %q", u.name, u.cmd, got)
		}
	}
	if got := dialRaw(t, p2.addr).do("SET", "k", "v"); got != "+OK\r\n" {
		t.Errorf("the default user, not in the file: %q", got)
	}

	// ACL LOAD: a bad file changes nothing and names its line; a good one
	// replaces the users.
	os.WriteFile(path, []byte("user reader on nopass +@all allkeys\nuser broken on +nosuch\n"), 0o600)
	err := admin.Do(ctx, "ACL", "LOAD").Err()
	want := "ERR " + path + ":2: Error in rule '+nosuch': Unknown command or category name in ACL. WARNING: ACL errors detected, no change to the previously active ACL rules was performed"
	if err == nil || err.Error() != want {
		t.Errorf("ACL LOAD of a bad file:\n got %v\nwant %s", err, want)
	}
	if err := reader.Set(ctx, "cache:x", "1", 0).Err(); err == nil || !strings.HasPrefix(err.Error(), "NOPERM") {
		t.Errorf("reader after a failed ACL LOAD: %v", err)
	}
	os.WriteFile(path, []byte("user reader on nopass +@all allkeys\n"), 0o600)
	if err := admin.Do(ctx, "ACL", "LOAD").Err(); err != nil {
		t.Fatalf("ACL LOAD: %v", err)
	}
	if err := reader.Set(ctx, "cache:x", "1", 0).Err(); err != nil {
		t.Errorf("reader's open connection after ACL LOAD: %v", err)
	}
	if got := admin.ACLUsers(ctx).Val(); strings.Join(got, ",") != "default,reader" {
		t.Errorf("ACL USERS after LOAD: %v", got)
	}

	// New refuses a bad file and names the line.
	os.WriteFile(path, []byte("user ok on nopass\n\nuser bad on >pw %Q~x\n"), 0o600)
	router, _ := NewStaticRouter([]string{r.addr})
	_, err = New(cfg, router, nil)
	if err == nil || err.Error() != "proxy: ACL file: "+path+":3: Error in rule '%Q~x': Syntax error." {
		t.Errorf("New with a bad ACL file: %v", err)
	}
}

// TestACLWithoutFileThroughProxy: ACL LOAD and SAVE on a proxy without an
// ACL file answer Redis's error.
func TestACLWithoutFileThroughProxy(t *testing.T) {
	p := startProxy(t, Config{}, startRedis(t).addr)
	c := dialRaw(t, p.addr)
	want := "-ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.\r\n"
	for _, sub := range []string{"LOAD", "SAVE"} {
		if got := c.do("ACL", sub); got != want {
			t.Errorf("ACL %s = %q", sub, got)
		}
	}
}

// TestACLPubsubDefaultThroughProxy: acl-pubsub-default is the proxy's own
// (its users are): set at start it gives the ACL file's users every
// channel; CONFIG SET changes what users created or reset afterwards
// get, and no node's value.
func TestACLPubsubDefaultThroughProxy(t *testing.T) {
	r := startRedis(t)
	path := filepath.Join(t.TempDir(), "users.acl")
	if err := os.WriteFile(path, []byte("user filed on nopass ~* +@all\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.ACLFile = path
	cfg.ACLPubsubDefault = "allchannels"
	p := startProxy(t, cfg, r.addr)
	c := dialRaw(t, p.addr)
	channels := func(user string) string {
		t.Helper()
		got := c.do("ACL", "GETUSER", user)
		_, rest, _ := strings.Cut(got, "$8\r\nchannels\r\n")
		v, _, _ := strings.Cut(rest, "\r\n$9\r\nselectors")
		return v
	}
	for _, step := range []struct{ cmd, want string }{
		{"CONFIG GET acl-pubsub-default", "*2\r\n$18\r\nacl-pubsub-default\r\n$11\r\nallchannels\r\n"},
		{"AUTH filed x", "+OK\r\n"},
		{"PUBLISH news hi", ":0\r\n"},
		{"AUTH default x", "+OK\r\n"},
		{"ACL SETUSER one &test", "-ERR Error in ACL SETUSER modifier '&test': Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels\r\n"},
		{"CONFIG SET acl-pubsub-default sometimes", "-ERR CONFIG SET failed (possibly related to argument 'acl-pubsub-default') - argument(s) must be one of the following: allchannels, resetchannels\r\n"},
		{"CONFIG SET acl-pubsub-default resetchannels", "+OK\r\n"},
		{"ACL SETUSER later on nopass ~* +@all", "+OK\r\n"},
		{"AUTH later x", "+OK\r\n"},
		{"PUBLISH news hi", "-NOPERM this user has no permissions to access one of the channels used as arguments\r\n"},
		{"AUTH filed x", "+OK\r\n"},
		{"PUBLISH news hi", ":0\r\n"},
	} {
		if got := c.do(strings.Fields(step.cmd)...); got != step.want {
			t.Errorf("%s:\n got %q\nwant %q", step.cmd, got, step.want)
		}
	}
	if got := channels("filed"); got != "$2\r\n&*" {
		t.Errorf("the file's user's channels %q, want &*", got)
	}
	if got := channels("later"); got != "$0\r\n" {
		t.Errorf("a user created after CONFIG SET resetchannels: channels %q, want none", got)
	}
	if got := rawDo(r.addr, "CONFIG", "GET", "acl-pubsub-default"); !strings.Contains(got, "resetchannels") {
		t.Errorf("the node's acl-pubsub-default changed: %q", got)
	}
}
