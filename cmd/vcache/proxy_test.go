package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
	"github.com/vcache/vcache/node/nodetest"
)

func TestRunProxy(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not on PATH")
	}
	port := testutil.FreePort(t)
	srv := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	backend := "127.0.0.1:" + strconv.Itoa(port)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- runProxy(ctx, []string{"--port", "0", "--backend", backend, "--loglevel", "error"}, pw)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the banner: %v", err)
	}
	go io.Copy(io.Discard, pr)
	_, rest, ok := strings.Cut(line, "listening on ")
	if !ok {
		t.Fatalf("banner %q names no address", line)
	}
	addr, _, _ := strings.Cut(rest, ",")
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	// The backend may still be starting.
	testutil.WaitFor(t, 10*time.Second, func() bool { return c.Set(ctx, "k", "v", 0).Err() == nil },
		"the proxy to reach its backend")
	if got := c.Get(ctx, "k").Val(); got != "v" {
		t.Errorf("GET = %q", got)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("runProxy: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("runProxy did not return after its context ended")
	}
}

func TestRunProxyFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--backend", "nohostport"},
		{"--tls-cert", "cert.pem"},
		{"--max-clients", "0"},
		{"extra"},
	} {
		if err := runProxy(context.Background(), append([]string{"--port", "0"}, args...), io.Discard); err == nil {
			t.Errorf("runProxy %v: no error", args)
		}
	}
}

// startNode runs a vcache data node on 127.0.0.1 for the test.
func startNode(t *testing.T) string { return nodetest.Start(t) }

// TestProxyOverVcacheNodes runs the same commands on one vcache node and
// through the proxy over three: vector search included, the replies must
// be the same bytes.
func TestProxyOverVcacheNodes(t *testing.T) {
	_, _, same := nodeAndProxy(t)
	vec := func(v ...float32) string { return blob(v) }
	same("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "v", "VECTOR", "FLAT", "6",
		"TYPE", "FLOAT32", "DIM", "4", "DISTANCE_METRIC", "L2", "title", "TEXT", "year", "NUMERIC", "genre", "TAG")
	same("FT.CREATE", "idx", "ON", "HASH", "SCHEMA", "v", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", "4", "DISTANCE_METRIC", "L2")
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 200 {
		v := vec(rng.Float32(), rng.Float32(), rng.Float32(), rng.Float32())
		genre := "a"
		if i%3 == 0 {
			genre = "b"
		}
		same("HSET", fmt.Sprintf("doc:%d", i), "v", v, "title", fmt.Sprintf("t%d", i), "year", fmt.Sprint(1990+i%30), "genre", genre)
	}
	q := vec(0.5, 0.5, 0.5, 0.5)
	for _, tail := range [][]string{
		{"*=>[KNN 10 @v $B AS dist]", "PARAMS", "2", "B", q, "SORTBY", "dist", "RETURN", "2", "title", "dist", "DIALECT", "2"},
		{"*=>[KNN 10 @v $B AS dist]", "PARAMS", "2", "B", q, "SORTBY", "dist", "LIMIT", "3", "4", "DIALECT", "2"},
		{"(@genre:{b})=>[KNN 5 @v $B]", "PARAMS", "2", "B", q, "NOCONTENT", "DIALECT", "2"},
		{"@year:[2000 2005]=>[KNN 8 @v $B AS d]", "PARAMS", "2", "B", q, "SORTBY", "year", "DESC", "RETURN", "2", "year", "d", "DIALECT", "2"},
		{"*=>[KNN 6 @v $B AS dist]", "PARAMS", "2", "B", q, "RETURN", "1", "title", "DIALECT", "2"},
		{"*=>[KNN $K @v $B]", "PARAMS", "4", "K", "7", "B", q, "DIALECT", "2"},
	} {
		same(append([]string{"FT.SEARCH", "idx"}, tail...)...)
	}
	same("FT._LIST")
	same("DBSIZE")
	same("MGET", "doc:1", "doc:2", "doc:3", "nope")
	same("DEL", "doc:1", "doc:2", "nope")
	same("FT.DROPINDEX", "idx")
	same("FT.DROPINDEX", "idx")
	same("FT._LIST")
}
