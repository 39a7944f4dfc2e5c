package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/testutil"
)

func TestGoRedisHandshakeAndPipeline(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	// go-redis starts with HELLO 3, falls back to RESP2 on NOPROTO and
	// sends CLIENT SETINFO; all of it must pass silently.
	c := redis.NewClient(&redis.Options{Addr: tn.addr, ClientName: "gotest"})
	defer c.Close()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("PING: %v", err)
	}
	name, err := c.ClientGetName(ctx).Result()
	if err != nil || name != "gotest" {
		t.Fatalf("CLIENT GETNAME = %q, %v; want gotest", name, err)
	}
	list, err := c.ClientList(ctx).Result()
	if err != nil || !strings.Contains(list, "lib-name=go-redis") {
		t.Fatalf("CLIENT LIST lacks the go-redis lib-name set by CLIENT SETINFO: %q %v", list, err)
	}
	// A pipeline of 1000 commands returns 1000 replies in order.
	pipe := c.Pipeline()
	cmds := make([]*redis.StringCmd, 1000)
	for i := range cmds {
		cmds[i] = pipe.Echo(ctx, fmt.Sprintf("m%d", i))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatalf("pipeline: %v", err)
	}
	for i, cmd := range cmds {
		if got := cmd.Val(); got != fmt.Sprintf("m%d", i) {
			t.Fatalf("reply %d = %q", i, got)
		}
	}
}

func TestAuth(t *testing.T) {
	tn := startNode(t, func(c *Config) { c.RequirePass = "s3cret" })
	rc := tn.raw(t)
	if got := rc.do("ECHO", "x"); got != "(error) "+command.MsgNoAuth {
		t.Fatalf("before AUTH: %s", got)
	}
	if got := rc.do("AUTH", "wrong"); got != "(error) "+command.MsgWrongPass {
		t.Fatalf("wrong password: %s", got)
	}
	if got := rc.do("AUTH", "default", "s3cret"); got != "OK" {
		t.Fatalf("AUTH: %s", got)
	}
	if got := rc.do("ECHO", "x"); got != `"x"` {
		t.Fatalf("after AUTH: %s", got)
	}
	ctx := context.Background()
	bad := redis.NewClient(&redis.Options{Addr: tn.addr, Password: "nope", MaxRetries: -1})
	defer bad.Close()
	if err := bad.Ping(ctx).Err(); err == nil || !strings.Contains(err.Error(), "WRONGPASS") {
		t.Fatalf("go-redis with a wrong password: %v", err)
	}
	good := redis.NewClient(&redis.Options{Addr: tn.addr, Password: "s3cret"})
	defer good.Close()
	if err := good.Ping(ctx).Err(); err != nil {
		t.Fatalf("go-redis with the password: %v", err)
	}
}

func TestRedisCLI(t *testing.T) {
	tn := startNode(t, nil)
	if out := redisCLI(t, tn.addr, nil, "PING"); strings.TrimSpace(out) != "PONG" {
		t.Fatalf("PING: %q", out)
	}
	if out := redisCLI(t, tn.addr, nil, "--no-raw", "ECHO", "hello world"); strings.TrimSpace(out) != `"hello world"` {
		t.Fatalf("ECHO: %q", out)
	}
	out := redisCLI(t, tn.addr, nil, "INFO", "server")
	if !strings.Contains(out, "redis_version:") || !strings.Contains(out, "vcache_version:") {
		t.Fatalf("INFO server: %q", out)
	}
	// redis-cli in interactive mode asks COMMAND DOCS first; it must work.
	out = redisCLI(t, tn.addr, strings.NewReader("PING\nECHO hi\n"))
	if !strings.Contains(out, "PONG") || !strings.Contains(out, "hi") {
		t.Fatalf("stdin session: %q", out)
	}
}

func TestProtocolErrors(t *testing.T) {
	tn := startNode(t, func(c *Config) { c.MaxBulkLen = 1 << 20 })
	cases := []struct {
		name, send, want string
	}{
		{"bulk length not a number", "*1\r\n$x\r\n", "-ERR Protocol error: invalid bulk length"},
		{"bulk over the limit", "*2\r\n$3\r\nSET\r\n$2000000\r\n", "-ERR Protocol error: invalid bulk length"},
		{"multibulk over the limit", "*99999999\r\n", "-ERR Protocol error: invalid multibulk length"},
		{"bad bulk marker", "*1\r\n+PING\r\n", "-ERR Protocol error: expected '$', got '+'"},
		{"valid command then garbage", "*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n", "+PONG\r\n-ERR Protocol error: invalid bulk length"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn := testutil.Dial(t, tn.addr)
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(5 * time.Second))
			if _, err := io.WriteString(conn, c.send); err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(conn) // the server must answer and close
			if err != nil {
				t.Fatalf("read: %v (got %q)", err, got)
			}
			if strings.TrimRight(string(got), "\r\n") != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
	// The node still serves others.
	if got := tn.raw(t).do("PING"); got != "PONG" {
		t.Fatalf("after protocol errors: %s", got)
	}
}

func TestInlineCommands(t *testing.T) {
	tn := startNode(t, nil)
	conn := tn.raw(t)
	conn.SendRaw("PING\r\nECHO \"a b\"\r\n")
	for _, want := range []string{"PONG", `"a b"`} {
		got, err := conn.reply()
		if err != nil || got != want {
			t.Fatalf("inline reply %q, %v; want %q", got, err, want)
		}
	}
}

func TestMaxClients(t *testing.T) {
	tn := startNode(t, func(c *Config) { c.MaxClients = 2 })
	a, b := tn.raw(t), tn.raw(t)
	a.do("PING")
	b.do("PING")
	conn := testutil.Dial(t, tn.addr)
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	got, _ := io.ReadAll(conn)
	if strings.TrimSpace(string(got)) != "-"+command.MsgMaxClients {
		t.Fatalf("third client got %q", got)
	}
	if got := a.do("PING"); got != "PONG" {
		t.Fatalf("first client after refusal: %s", got)
	}
}

func TestIdleTimeout(t *testing.T) {
	tn := startNode(t, func(c *Config) { c.IdleTimeout = 200 * time.Millisecond })
	conn := testutil.Dial(t, tn.addr)
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("idle connection was not closed by the server: %v", err)
	}
}

func TestPanickingHandlerClosesOnlyItsConnection(t *testing.T) {
	cfg := DefaultConfig()
	n, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	spec := n.cmds.Lookup([]byte("echo"))
	n.cmdList[spec.ID] = &cmdEntry{spec: spec, handler: func(cx *Ctx) {
		if string(cx.Args[1]) == "boom" {
			panic("test panic")
		}
		cx.Bulk(cx.Args[1])
	}}
	tn := serveNode(t, n)
	other := tn.raw(t)
	other.do("PING")
	victim := tn.raw(t)
	victim.send("ECHO", "boom")
	if got, _ := victim.reply(); got != "(error) ERR internal error" {
		t.Fatalf("panicking command answered %q", got)
	}
	if _, err := victim.reply(); err == nil {
		t.Fatal("connection of the panicking command stayed open")
	}
	if got := other.do("ECHO", "fine"); got != `"fine"` {
		t.Fatalf("other client after a panic: %s", got)
	}
}

func TestShutdownCommand(t *testing.T) {
	tn := startNode(t, nil)
	rc := tn.raw(t)
	rc.send("SHUTDOWN", "NOSAVE")
	if _, err := rc.reply(); err == nil {
		t.Fatal("SHUTDOWN answered instead of closing the connection")
	}
	select {
	case <-tn.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("node did not shut down")
	}
	if _, err := net.DialTimeout("tcp", tn.addr, time.Second); err == nil {
		t.Fatal("node still accepts connections after SHUTDOWN")
	}
}

func TestShutdownIsIdempotentAndConcurrent(t *testing.T) {
	tn := startNode(t, nil)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := tn.Shutdown(ctx); err != nil {
				t.Errorf("Shutdown: %v", err)
			}
		}()
	}
	wg.Wait()
}

func TestInfoFields(t *testing.T) {
	tn := startNode(t, nil)
	out := tn.client(t).Info(context.Background()).Val()
	for _, f := range []string{"used_memory:", "maxmemory:", "evicted_keys:", "expired_keys:", "keyspace_hits:",
		"keyspace_misses:", "connected_clients:", "total_commands_processed:", "instantaneous_ops_per_sec:", "# Keyspace"} {
		if !strings.Contains(out, f) {
			t.Errorf("INFO lacks %q", f)
		}
	}
}

func TestCorruptSnapshotRefusesToStart(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dump.vcache"), []byte("not a snapshot"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Dir = dir
	_, err := New(cfg, nil)
	if !errors.Is(err, ErrBadSnapshot) {
		t.Fatalf("New with a corrupt snapshot: %v; want ErrBadSnapshot", err)
	}
}

func TestShutdownFromAnotherGoroutineEndsServe(t *testing.T) {
	tn := startNode(t, nil)
	tn.raw(t).do("PING")
	if err := tn.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-tn.served:
		tn.served <- nil
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after Shutdown")
	}
}

func TestWatchAbortsWhenAnotherClientWrites(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	a, b := tn.client(t), tn.client(t)
	a.Set(ctx, "balance", 10, 0)
	err := a.Watch(ctx, func(tx *redis.Tx) error {
		if err := b.Set(ctx, "balance", 99, 0).Err(); err != nil { // another client writes
			return err
		}
		_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.IncrBy(ctx, "balance", 5)
			return nil
		})
		return err
	}, "balance")
	if err != redis.TxFailedErr {
		t.Fatalf("WATCH/EXEC after another client's write: %v, want TxFailedErr", err)
	}
	if v := a.Get(ctx, "balance").Val(); v != "99" {
		t.Fatalf("balance = %s, want 99 (the transaction must not run)", v)
	}
	err = a.Watch(ctx, func(tx *redis.Tx) error {
		_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.IncrBy(ctx, "balance", 1)
			return nil
		})
		return err
	}, "balance")
	if err != nil || a.Get(ctx, "balance").Val() != "100" {
		t.Fatalf("an undisturbed WATCH transaction: %v, balance %s", err, a.Get(ctx, "balance").Val())
	}
}

// TestLongPipelineStreamsReplies sends a pipeline far longer than one
// flush (replies of a long pipeline are sent every flushEvery commands);
// every reply must arrive, in order, across the flushes.
func TestLongPipelineStreamsReplies(t *testing.T) {
	tn := startNode(t, nil)
	conn := tn.raw(t)
	var b strings.Builder
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&b, "*2\r\n$4\r\nECHO\r\n$%d\r\n%d\r\n", len(fmt.Sprint(i)), i)
	}
	conn.SendRaw(b.String())
	conn.Flush()
	for i := 0; i < 1000; i++ {
		got, err := conn.reply()
		if err != nil || got != fmt.Sprintf("%q", fmt.Sprint(i)) {
			t.Fatalf("reply %d: %s %v", i, got, err)
		}
	}
}

// TestExecIsIsolated runs transactions that increment two keys while
// another client reads both: it must never see one incremented without
// the other.
func TestExecIsIsolated(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	writer, reader := tn.client(t), tn.client(t)
	const rounds = 3000
	done := make(chan error, 1)
	go func() {
		for i := 0; i < rounds; i++ {
			_, err := writer.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Incr(ctx, "x")
				p.Incr(ctx, "y")
				return nil
			})
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	reads, torn := 0, 0
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			if reads == 0 {
				t.Fatal("no reads ran alongside the transactions")
			}
			if torn > 0 {
				t.Fatalf("%d of %d MGETs saw a transaction half done", torn, reads)
			}
			t.Logf("%d MGETs during %d transactions, none torn", reads, rounds)
			return
		default:
		}
		vals, err := reader.MGet(ctx, "x", "y").Result()
		if err != nil {
			t.Fatal(err)
		}
		reads++
		if fmt.Sprint(vals[0]) != fmt.Sprint(vals[1]) {
			torn++
		}
	}
}

// TestSlowlogAndCommandStats: with a zero threshold every command lands in
// SLOWLOG with its arguments; INFO commandstats and latencystats count
// calls, failures and rejections.
func TestSlowlogAndCommandStats(t *testing.T) {
	tn := startNode(t, nil)
	rc := tn.raw(t)
	if got := rc.do("CONFIG", "SET", "slowlog-log-slower-than", "0"); got != "OK" {
		t.Fatal(got)
	}
	rc.do("SLOWLOG", "RESET")
	rc.do("SET", "k", "v")
	rc.do("HGET", "k", "f") // WRONGTYPE: failed
	rc.do("GET")            // wrong arity: rejected
	got := rc.do("SLOWLOG", "GET", "2")
	if !strings.Contains(got, `"HGET"`) || !strings.Contains(got, `"SET"`) || !strings.Contains(got, `"k"`) {
		t.Fatalf("SLOWLOG GET 2:\n%s", got)
	}
	if n := rc.do("SLOWLOG", "LEN"); n == "(integer) 0" {
		t.Fatalf("SLOWLOG LEN = %s", n)
	}
	if got := rc.do("CONFIG", "GET", "slowlog-max-len"); !strings.Contains(got, "128") {
		t.Fatalf("CONFIG GET slowlog-max-len: %s", got)
	}
	rc.do("CONFIG", "SET", "slowlog-log-slower-than", "-1")
	rc.do("SLOWLOG", "RESET")
	rc.do("SET", "k2", "v")
	if n := rc.do("SLOWLOG", "LEN"); n != "(integer) 0" {
		t.Fatalf("SLOWLOG LEN with the log off = %s", n)
	}
	info := rc.do("INFO", "commandstats")
	for _, want := range []string{"cmdstat_set:calls=2,", "cmdstat_hget:calls=1,", "failed_calls=1", "cmdstat_get:calls=0,"} {
		if !strings.Contains(info, want) {
			t.Errorf("INFO commandstats lacks %q:\n%s", want, info)
		}
	}
	if !strings.Contains(info, "rejected_calls=1") {
		t.Errorf("the arity error is not a rejected call:\n%s", info)
	}
	if lat := rc.do("INFO", "latencystats"); !strings.Contains(lat, "latency_percentiles_usec_set:p50=") {
		t.Errorf("INFO latencystats:\n%s", lat)
	}
	if plain := rc.do("INFO"); strings.Contains(plain, "cmdstat_") {
		t.Error("a plain INFO includes commandstats; Redis leaves it to INFO all")
	}
}

// TestACLUsers: a user limited to some commands and keys gets NOPERM for
// the rest, a wrong password is WRONGPASS, and ACL SETUSER applies to
// connections already authenticated as the user.
func TestACLUsers(t *testing.T) {
	tn := startNode(t, nil)
	admin := tn.raw(t)
	for _, c := range [][]string{
		{"ACL", "SETUSER", "alice", "on", ">wonderland", "~app:*", "+get", "+set", "+@hash"},
		{"SET", "other:x", "1"},
	} {
		if got := admin.do(c...); got != "OK" {
			t.Fatalf("%v: %s", c, got)
		}
	}
	alice := tn.raw(t)
	if got := alice.do("AUTH", "alice", "nope"); got != "(error) WRONGPASS invalid username-password pair or user is disabled." {
		t.Fatalf("wrong password: %s", got)
	}
	if got := alice.do("AUTH", "alice", "wonderland"); got != "OK" {
		t.Fatalf("AUTH alice: %s", got)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ACL", "WHOAMI"}, "(error) NOPERM User alice has no permissions to run the 'acl' command"},
		{[]string{"SET", "app:x", "1"}, "OK"},
		{[]string{"GET", "app:x"}, `"1"`},
		{[]string{"HSET", "app:h", "f", "v"}, "(integer) 1"},
		{[]string{"GET", "other:x"}, "(error) NOPERM No permissions to access a key"},
		{[]string{"DEL", "app:x"}, "(error) NOPERM User alice has no permissions to run the 'del' command"},
		{[]string{"FLUSHALL"}, "(error) NOPERM User alice has no permissions to run the 'flushall' command"},
	} {
		if got := alice.do(c.args...); got != c.want {
			t.Errorf("alice %v: %s, want %s", c.args, got, c.want)
		}
	}
	if got := admin.do("ACL", "WHOAMI"); got != `"default"` {
		t.Errorf("ACL WHOAMI: %s", got)
	}
	// Taking a right away applies to the open connection.
	admin.do("ACL", "SETUSER", "alice", "-get")
	if got := alice.do("GET", "app:x"); !strings.HasPrefix(got, "(error) NOPERM") {
		t.Errorf("GET after -get: %s", got)
	}
	if got := admin.do("ACL", "LIST"); !strings.Contains(got, "user alice on #") || !strings.Contains(got, "~app:*") ||
		!strings.Contains(got, `"user default on nopass ~* &* +@all"`) {
		t.Errorf("ACL LIST:\n%s", got)
	}
	if got := admin.do("ACL", "GETUSER", "alice"); !strings.Contains(got, `"flags"`) || !strings.Contains(got, `"~app:*"`) {
		t.Errorf("ACL GETUSER:\n%s", got)
	}
	if got := admin.do("ACL", "SETUSER", "bob", "+nosuchcommand"); !strings.Contains(got, "Unknown command or category name in ACL") {
		t.Errorf("bad rule: %s", got)
	}
	if got := admin.do("ACL", "CAT", "hash"); !strings.Contains(got, `"hset"`) {
		t.Errorf("ACL CAT hash:\n%s", got)
	}
	if got := admin.do("ACL", "DELUSER", "alice", "ghost"); got != "(integer) 1" {
		t.Errorf("ACL DELUSER: %s", got)
	}
	if got := alice.do("SET", "app:y", "1"); !strings.HasPrefix(got, "(error) NOPERM") {
		t.Errorf("a deleted user's connection still runs commands: %s", got)
	}
	if got := admin.do("ACL", "DELUSER", "default"); !strings.Contains(got, "cannot be removed") {
		t.Errorf("deleting default: %s", got)
	}
	// requirepass is the default user's password.
	admin.do("CONFIG", "SET", "requirepass", "s3cret")
	fresh := tn.raw(t)
	if got := fresh.do("GET", "app:x"); !strings.HasPrefix(got, "(error) NOAUTH") {
		t.Errorf("without AUTH after requirepass: %s", got)
	}
	if got := fresh.do("AUTH", "default", "s3cret"); got != "OK" {
		t.Errorf("AUTH default: %s", got)
	}
	out := redisCLI(t, tn.addr, nil, "--user", "default", "--pass", "wrong", "--no-auth-warning", "PING")
	if !strings.Contains(out, "WRONGPASS") {
		t.Errorf("redis-cli with a wrong password: %q", out)
	}
}
