package proxy

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/testutil"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/serving"
)

func TestAuth(t *testing.T) {
	r := startRedis(t)
	cfg := DefaultConfig()
	cfg.RequirePass = "s3cret"
	p := startProxy(t, cfg, r.addr)
	c := dialRaw(t, p.addr)
	steps := []struct{ cmd, want string }{
		{"GET k", "-NOAUTH Authentication required.\r\n"},
		{"AUTH wrong", "-WRONGPASS invalid username-password pair or user is disabled.\r\n"},
		{"HELLO 2", "-NOAUTH HELLO must be called"},
		{"AUTH default s3cret", "+OK\r\n"},
		{"GET k", "$-1\r\n"},
		{"RESET", "+RESET\r\n"},
		{"GET k", "-NOAUTH"},
		{"HELLO 2 AUTH default s3cret", "*14\r\n$6\r\nserver\r\n"},
		{"GET k", "$-1\r\n"},
	}
	for _, s := range steps {
		if got := c.do(strings.Fields(s.cmd)...); !strings.HasPrefix(got, s.want) {
			t.Errorf("%s = %q, want %q", s.cmd, got, s.want)
		}
	}
	ctx := context.Background()
	good := redis.NewClient(&redis.Options{Addr: p.addr, Password: "s3cret"})
	defer good.Close()
	if err := good.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Errorf("go-redis with the password: %v", err)
	}
	bad := redis.NewClient(&redis.Options{Addr: p.addr, Password: "nope", MaxRetries: -1})
	defer bad.Close()
	if err := bad.Get(ctx, "k").Err(); err == nil || !strings.Contains(err.Error(), "WRONGPASS") {
		t.Errorf("go-redis with a wrong password: %v, want WRONGPASS", err)
	}
}

func TestNoPasswordSet(t *testing.T) {
	p := startProxy(t, Config{}, startRedis(t).addr)
	want := "-" + command.MsgNoPassSet + "\r\n"
	if got := dialRaw(t, p.addr).do("AUTH", "x"); got != want {
		t.Errorf("AUTH without requirepass = %q", got)
	}
}

func TestHelloAndClient(t *testing.T) {
	p := startProxy(t, Config{}, startRedis(t).addr)
	c := dialRaw(t, p.addr)
	if got := c.do("HELLO", "4"); got != "-NOPROTO unsupported protocol version\r\n" {
		t.Errorf("HELLO 4 = %q", got)
	}
	if got := c.do("HELLO", "2", "SETNAME", "app1"); !strings.Contains(got, "$5\r\nproto\r\n:2\r\n") {
		t.Errorf("HELLO 2 = %q", got)
	}
	if got := c.do("CLIENT", "GETNAME"); got != "$4\r\napp1\r\n" {
		t.Errorf("CLIENT GETNAME = %q", got)
	}
	if got := c.do("CLIENT", "SETNAME", "bad name"); !strings.HasPrefix(got, "-ERR Client names cannot contain spaces") {
		t.Errorf("CLIENT SETNAME with a space = %q", got)
	}
	if got := c.do("CLIENT", "SETINFO", "LIB-NAME", "mylib"); got != "+OK\r\n" {
		t.Errorf("CLIENT SETINFO = %q", got)
	}
	if got := c.do("CLIENT", "REPLY", "OFF"); got != "-ERR 'client|reply' is not available through the proxy\r\n" {
		t.Errorf("CLIENT REPLY OFF = %q", got)
	}
	if got := c.do("CLIENT", "REPLY"); got != "-ERR wrong number of arguments for 'client|reply' command\r\n" {
		t.Errorf("CLIENT REPLY = %q", got)
	}
	id := c.do("CLIENT", "ID")
	if !strings.HasPrefix(id, ":") {
		t.Fatalf("CLIENT ID = %q", id)
	}
	list := c.do("CLIENT", "LIST")
	if want := "id=" + strings.TrimSpace(id[1:]) + " "; !strings.Contains(list, want) || !strings.Contains(list, "name=app1") || !strings.Contains(list, "lib-name=mylib") {
		t.Errorf("CLIENT LIST = %q, want this client (%s) with its name and library", list, want)
	}
	if got := c.do("CLIENT", "INFO"); !strings.Contains(got, "name=app1") {
		t.Errorf("CLIENT INFO = %q", got)
	}
	if got := c.do("QUIT"); got != "+OK\r\n" {
		t.Errorf("QUIT = %q", got)
	}
	c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.nc.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("after QUIT the connection should close; read gave %v", err)
	}
}

func TestCommandDescribesTheTable(t *testing.T) {
	p := startProxy(t, Config{}, startRedis(t).addr)
	c := dialRaw(t, p.addr)
	n := len(command.Specs())
	if got := c.do("COMMAND", "COUNT"); got != ":"+strconv.Itoa(n)+"\r\n" {
		t.Errorf("COMMAND COUNT = %q, want %d", got, n)
	}
	if got := c.do("COMMAND", "INFO", "get", "nosuch"); !strings.HasPrefix(got, "*2\r\n*10\r\n$3\r\nget\r\n:2\r\n") || !strings.HasSuffix(got, "*-1\r\n") {
		t.Errorf("COMMAND INFO get nosuch = %q", trim(got))
	}
	if got := c.do("COMMAND", "DOCS", "mget"); !strings.Contains(got, "Returns the values of several keys.") {
		t.Errorf("COMMAND DOCS mget = %q", trim(got))
	}
	if got := c.do("COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"); got != "*2\r\n$1\r\na\r\n$1\r\nb\r\n" {
		t.Errorf("COMMAND GETKEYS = %q", got)
	}
	// redis-cli's interactive hints ask COMMAND DOCS with no names.
	if got := c.do("COMMAND", "DOCS"); !strings.HasPrefix(got, "*"+strconv.Itoa(2*n)+"\r\n") {
		t.Errorf("COMMAND DOCS = %q", trim(got))
	}
}

func TestInfo(t *testing.T) {
	rs := startRedises(t, 2)
	p := startProxy(t, Config{}, addrs(rs...)...)
	ctx := context.Background()
	c := client(t, p.addr)
	for i := range 10 {
		c.Set(ctx, "k"+strconv.Itoa(i), i, 0)
	}
	c.Get(ctx, "k1")
	info := c.Info(ctx, "everything").Val()
	for _, want := range []string{"# Server\r\n", "redis_version:", "vcache_role:proxy", "# Clients\r\nconnected_clients:1\r\n",
		"# Proxy\r\nnodes:2\r\n", "backend0:addr=", "backend1_batch_hist:", "cmdstat_set:calls=10,",
		"cmdstat_get:calls=1,", "latency_percentiles_usec_set:p50=", "# Keyspace\r\ndb0:keys=10,expires=0"} {
		if !strings.Contains(info, want) {
			t.Errorf("INFO everything lacks %q:\n%s", want, info)
		}
	}
	if ks := c.Info(ctx, "keyspace").Val(); ks != "# Keyspace\r\ndb0:keys=10,expires=0,avg_ttl=0\r\n" {
		t.Errorf("INFO keyspace = %q", ks)
	}
	m := p.Metrics()
	if m.Commands < 11 || len(m.Backends) != 2 {
		t.Errorf("Metrics = %+v", m)
	}
	var prom strings.Builder
	if err := p.WritePrometheus(&prom); err != nil || !strings.Contains(prom.String(), `vcache_proxy_command_duration_seconds_count{cmd="set"} 10`) {
		t.Errorf("WritePrometheus: %v\n%s", err, prom.String())
	}
}

func TestKeyspaceFanOut(t *testing.T) {
	rs := startRedises(t, 3)
	p := startProxy(t, Config{}, addrs(rs...)...)
	ctx := context.Background()
	c := client(t, p.addr)
	want := map[string]bool{}
	for i := range 300 {
		k := "key:" + strconv.Itoa(i)
		want[k] = true
		if err := c.Set(ctx, k, i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.DBSize(ctx).Val(); n != 300 {
		t.Errorf("DBSIZE = %d", n)
	}
	if ks := c.Keys(ctx, "key:*").Val(); len(ks) != 300 {
		t.Errorf("KEYS returned %d keys", len(ks))
	}
	seen := map[string]int{}
	var cursor uint64
	for rounds := 0; ; rounds++ {
		if rounds > 1000 {
			t.Fatal("SCAN did not finish")
		}
		ks, next, err := c.Scan(ctx, cursor, "key:*", 20).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range ks {
			seen[k]++
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	for k := range want {
		if seen[k] == 0 {
			t.Errorf("SCAN missed %s", k)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("SCAN saw %d distinct keys, want %d", len(seen), len(want))
	}
	// A cursor naming no node (-1 names node 1023) ends the scan as a cursor
	// past Redis's table does; a malformed one is refused as Redis
	// refuses it.
	for _, cur := range []string{"12345678", "-1", "18446744073709551615"} {
		if v, err := c.Do(ctx, "SCAN", cur).Slice(); err != nil || len(v) != 2 || v[0] != "0" {
			t.Errorf("SCAN %s: %v, %v; want a finished scan", cur, v, err)
		}
	}
	for _, cur := range []string{"x", " 1", "18446744073709551616"} {
		if err := c.Do(ctx, "SCAN", cur).Err(); err == nil || err.Error() != "ERR invalid cursor" {
			t.Errorf("SCAN %q: %v; want ERR invalid cursor", cur, err)
		}
	}
	if k := c.RandomKey(ctx).Val(); !want[k] {
		t.Errorf("RANDOMKEY = %q", k)
	}
	if err := c.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	for i, r := range rs {
		if got := rawDo(r.addr, "DBSIZE"); got != ":0\r\n" {
			t.Errorf("node %d has %q keys after FLUSHALL", i, got)
		}
	}
	if err := c.RandomKey(ctx).Err(); err != redis.Nil {
		t.Errorf("RANDOMKEY on an empty keyspace: %v", err)
	}
}

func TestCrossSlot(t *testing.T) {
	rs := startRedises(t, 3)
	p := startProxy(t, Config{}, addrs(rs...)...)
	a, b := keysOn(p.router, 0, 1, "a")[0], keysOn(p.router, 1, 1, "b")[0]
	c := dialRaw(t, p.addr)
	want := "-" + msgCrossSlot + "\r\n"
	if got := c.do("RENAME", a, b); got != want {
		t.Errorf("RENAME across nodes = %q", got)
	}
	if got := c.do("MSETNX", a, "1", b, "2"); got != want {
		t.Errorf("MSETNX across nodes = %q", got)
	}
	c.do("MULTI")
	if got := c.do("SET", a, "1"); got != "+QUEUED\r\n" {
		t.Errorf("SET in MULTI = %q", got)
	}
	// Over nodes that cannot lock keys (redis-server), a transaction
	// across nodes is refused at EXEC; nothing runs.
	if got := c.do("SET", b, "1"); got != "+QUEUED\r\n" {
		t.Errorf("SET of another node's key in MULTI = %q", got)
	}
	if got := c.do("EXEC"); got != "-"+msgCrossSlotTx+"\r\n" {
		t.Errorf("EXEC = %q", got)
	}
	if got := rawDo(rs[0].addr, "EXISTS", a); got != ":0\r\n" {
		t.Errorf("the aborted transaction wrote %s", a)
	}
	// Keys on one node but in different slots are fine with a static map.
	a2 := keysOn(p.router, 0, 2, "a")[1]
	if got := c.do("RENAME", a, a2); got != "-ERR no such key\r\n" {
		t.Errorf("RENAME within one node = %q", got)
	}
}

func TestWatchAbortsOnAnotherClientsWrite(t *testing.T) {
	rs := startRedises(t, 3)
	p := startProxy(t, Config{}, addrs(rs...)...)
	ctx := context.Background()
	c, other := client(t, p.addr), client(t, p.addr)
	c.Set(ctx, "balance", 10, 0)
	spend := func(interfere bool) error {
		return c.Watch(ctx, func(tx *redis.Tx) error {
			n, err := tx.Get(ctx, "balance").Int()
			if err != nil {
				return err
			}
			if interfere {
				other.Set(ctx, "balance", 100, 0)
			}
			_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
				pipe.Set(ctx, "balance", n-1, 0)
				return nil
			})
			return err
		}, "balance")
	}
	if err := spend(false); err != nil {
		t.Fatalf("transaction without interference: %v", err)
	}
	if got := c.Get(ctx, "balance").Val(); got != "9" {
		t.Errorf("balance = %s, want 9", got)
	}
	if err := spend(true); !errors.Is(err, redis.TxFailedErr) {
		t.Errorf("transaction after another client's write: %v, want TxFailedErr", err)
	}
	if got := c.Get(ctx, "balance").Val(); got != "100" {
		t.Errorf("balance = %s, want the other client's 100", got)
	}
}

func TestMaxClients(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxClients = 2
	p := startProxy(t, cfg, startRedis(t).addr)
	c1, c2 := dialRaw(t, p.addr), dialRaw(t, p.addr)
	c1.do("PING")
	c2.do("PING")
	c3 := dialRaw(t, p.addr)
	c3.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if got, _ := io.ReadAll(c3.nc); string(got) != "-ERR max number of clients reached\r\n" {
		t.Errorf("third client got %q", got)
	}
}

func TestIdleClientsAreClosed(t *testing.T) {
	cfg := DefaultConfig()
	cfg.IdleTimeout = 100 * time.Millisecond
	p := startProxy(t, cfg, startRedis(t).addr)
	c := dialRaw(t, p.addr)
	c.do("PING")
	c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.nc.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("idle client: read gave %v, want EOF", err)
	}
}

func TestProtocolErrorIsReported(t *testing.T) {
	p := startProxy(t, Config{}, startRedis(t).addr)
	c := dialRaw(t, p.addr)
	c.nc.Write([]byte("*1\r\n$4\r\nPING\r\n*x\r\n"))
	c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, _ := io.ReadAll(c.nc)
	if string(got) != "+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n" {
		t.Errorf("got %q", got)
	}
}

func TestTLS(t *testing.T) {
	cert := selfSigned(t)
	cfg := DefaultConfig()
	cfg.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	p := startProxy(t, cfg, startRedis(t).addr)
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: p.addr, TLSConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}})
	defer c.Close()
	if err := c.Set(ctx, "k", "over tls", 0).Err(); err != nil {
		t.Fatalf("SET over TLS: %v", err)
	}
	if got := c.Get(ctx, "k").Val(); got != "over tls" {
		t.Errorf("GET over TLS = %q", got)
	}
	plain := redis.NewClient(&redis.Options{Addr: p.addr, MaxRetries: -1, ReadTimeout: 2 * time.Second})
	defer plain.Close()
	if err := plain.Ping(ctx).Err(); err == nil {
		t.Error("a plain-text client was served by the TLS listener")
	}
}

// selfSigned makes a certificate for 127.0.0.1.
func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "vcache test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

// CLIENT KILL by address, by filters, and of the asking client itself,
// on loops and on goroutines: the killed connections close, the others
// keep working.
func TestClientKill(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, startRedis(t).addr)
		victim := dialRaw(t, p.addr)
		if got := victim.do("CLIENT", "SETNAME", "victim"); got != "+OK\r\n" {
			t.Fatal(got)
		}
		id := strings.TrimSuffix(strings.TrimPrefix(victim.do("CLIENT", "ID"), ":"), "\r\n")
		addr := victim.nc.LocalAddr().String()
		admin := dialRaw(t, p.addr)
		closed := func(c *rawConn) bool {
			c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, err := c.rd.ReadRaw()
			return err != nil
		}
		if got := admin.do("CLIENT", "KILL", "127.0.0.1:1"); got != "-ERR No such client\r\n" {
			t.Errorf("CLIENT KILL of no one = %q", got)
		}
		if got := admin.do("CLIENT", "KILL", addr); got != "+OK\r\n" {
			t.Fatalf("CLIENT KILL %s = %q", addr, got)
		}
		if !closed(victim) {
			t.Error("the killed client's connection is still open")
		}
		second := dialRaw(t, p.addr)
		second.do("PING")
		id2 := strings.TrimSuffix(strings.TrimPrefix(second.do("CLIENT", "ID"), ":"), "\r\n")
		// The proxy forgets a killed client once its session has ended
		// (just after its socket closes).
		testutil.WaitFor(t, 5*time.Second, func() bool {
			return !strings.Contains(admin.do("CLIENT", "LIST"), "id="+id+" ")
		}, "the killed client to leave CLIENT LIST")
		if got := admin.do("CLIENT", "KILL", "ID", id); got != ":0\r\n" {
			t.Errorf("CLIENT KILL ID of a gone client = %q", got)
		}
		if got := admin.do("CLIENT", "KILL", "ID", id2, "USER", "default"); got != ":1\r\n" {
			t.Errorf("CLIENT KILL ID %s USER default = %q", id2, got)
		}
		if !closed(second) {
			t.Error("the client killed by ID is still open")
		}
		if got := admin.do("CLIENT", "KILL", "ID", "x"); got != "-ERR client-id should be greater than 0\r\n" {
			t.Errorf("CLIENT KILL ID x = %q", got)
		}
		// SKIPME yes (the default) spares the caller; SKIPME no does not,
		// after its reply.
		myID := strings.TrimSuffix(strings.TrimPrefix(admin.do("CLIENT", "ID"), ":"), "\r\n")
		if got := admin.do("CLIENT", "KILL", "ID", myID); got != ":0\r\n" {
			t.Errorf("CLIENT KILL of itself with SKIPME yes = %q", got)
		}
		if got := admin.do("CLIENT", "KILL", "ID", myID, "SKIPME", "no"); got != ":1\r\n" {
			t.Errorf("CLIENT KILL of itself with SKIPME no = %q", got)
		}
		if !closed(admin) {
			t.Error("the client that killed itself is still open")
		}
		if got := rawDo(p.addr, "SET", "k", "v"); got != "+OK\r\n" {
			t.Errorf("a new client after the kills: %q", got)
		}
	})
}
