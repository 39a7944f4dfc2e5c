package node

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/vcache/vcache/script"
)

// TestLongPipelinesKeepKeysInTheirSlots sends, from several clients at
// once, pipelines far longer than a round of the prefetcher used to note
// (256 keys), mixing commands whose first argument is a key with others
// (PING, OBJECT ENCODING, MSET's later keys, script calls with and
// without keys, whose first declared key is noted too): the loop
// prefetches their
// keys and hands each command the hash slot it computed, so a slot handed
// to the wrong command would store a key where a plain GET does not find
// it. Every key must then be found, with its value, by fresh reads.
func TestLongPipelinesKeepKeysInTheirSlots(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	const clients, perClient = 4, 3000
	setter := "return redis.call('set', KEYS[1], ARGV[1])"
	if err := tn.client(t).ScriptLoad(ctx, setter).Err(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rc := redis.NewClient(&redis.Options{Addr: tn.addr})
			defer rc.Close()
			_, err := rc.Pipelined(ctx, func(p redis.Pipeliner) error {
				for i := range perClient {
					k := fmt.Sprintf("c%d:k%d", c, i)
					switch i % 4 {
					case 0:
						p.Set(ctx, k, k, 0)
						p.EvalSha(ctx, script.SHA1Hex(setter), []string{k + ":e"}, k)
						p.Eval(ctx, "return 1", nil)
					case 1:
						p.Ping(ctx)
						p.Set(ctx, k, k, 0)
					case 2:
						p.MSet(ctx, k, k, k+":m", k)
						p.ObjectEncoding(ctx, k)
					case 3:
						p.HSet(ctx, k, "f", k)
						p.Get(ctx, k) // WRONGTYPE: its key is found
					}
				}
				return nil
			})
			if err != nil && err != redis.Nil && !isWrongType(err) {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rc := tn.client(t)
	for c := range clients {
		for i := range perClient {
			k := fmt.Sprintf("c%d:k%d", c, i)
			var got string
			var err error
			if i%4 == 3 {
				got, err = rc.HGet(ctx, k, "f").Result()
			} else {
				got, err = rc.Get(ctx, k).Result()
			}
			if err != nil || got != k {
				t.Fatalf("%s = %q, %v; want %q", k, got, err, k)
			}
			if i%4 == 0 {
				if got, err := rc.Get(ctx, k+":e").Result(); err != nil || got != k {
					t.Fatalf("%s:e = %q, %v; want %q", k, got, err, k)
				}
			}
			if i%4 == 2 {
				if got, err := rc.Get(ctx, k+":m").Result(); err != nil || got != k {
					t.Fatalf("%s:m = %q, %v; want %q", k, got, err, k)
				}
			}
		}
	}
	want := int64(clients * (perClient + 2*perClient/4))
	if n, err := rc.DBSize(ctx).Result(); err != nil || n != want {
		t.Fatalf("DBSIZE = %d, %v; want %d", n, err, want)
	}
}

func isWrongType(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "WRONGTYPE") }

// TestNetOutputBytesCountsReplies: INFO's total_net_output_bytes grows by
// exactly the bytes of the replies sent in between (an event loop's
// writer counts them as it sends, without measuring each flush).
func TestNetOutputBytesCountsReplies(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	rc := tn.client2(t) // INFO as a RESP2 bulk string
	if err := rc.Set(ctx, "k", "hello", 0).Err(); err != nil {
		t.Fatal(err)
	}
	text, err := rc.Info(ctx, "stats").Result()
	if err != nil {
		t.Fatal(err)
	}
	before := infoTextInt(t, text, "total_net_output_bytes")
	infoBytes := len(fmt.Sprintf("$%d\r\n%s\r\n", len(text), text)) // counted once sent

	conn := tn.raw(t)
	const n = 500
	var b strings.Builder
	for range n {
		b.WriteString("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
	}
	conn.SendRaw(b.String())
	conn.Flush()
	for i := range n {
		if got, err := conn.reply(); err != nil || got != `"hello"` {
			t.Fatalf("reply %d: %s %v", i, got, err)
		}
	}
	text, err = rc.Info(ctx, "stats").Result()
	if err != nil {
		t.Fatal(err)
	}
	want := before + int64(infoBytes) + n*int64(len("$5\r\nhello\r\n"))
	if got := infoTextInt(t, text, "total_net_output_bytes"); got != want {
		t.Fatalf("total_net_output_bytes %d, want %d", got, want)
	}
}

// infoTextInt returns an integer field of an INFO reply.
func infoTextInt(t *testing.T, text, field string) int64 {
	t.Helper()
	for _, line := range strings.Split(text, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == field {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return n
		}
	}
	t.Fatalf("no %s in INFO", field)
	return 0
}

// TestPipelinesAcrossHandoffs: while clients send long pipelines of SETs,
// others send pipelines whose WAIT hands their connection to a goroutine
// of its own in the middle of a loop's round (and back): the loop forgets
// the keys it noted but did not run (prefetcher.cut), the goroutine runs
// the rest of that pipeline, and every key, before or after a handoff,
// must end up where a plain GET finds it.
func TestPipelinesAcrossHandoffs(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	const writers, waiters, perClient = 3, 2, 2000
	var wg sync.WaitGroup
	errs := make(chan error, writers+waiters)
	run := func(name string, wait bool) {
		defer wg.Done()
		rc := redis.NewClient(&redis.Options{Addr: tn.addr})
		defer rc.Close()
		for round := range 4 {
			_, err := rc.Pipelined(ctx, func(p redis.Pipeliner) error {
				for i := range perClient / 4 {
					k := fmt.Sprintf("%s:%d:%d", name, round, i)
					p.Set(ctx, k, k, 0)
					if wait && i%50 == 25 {
						p.Do(ctx, "WAIT", 0, 0)
					}
				}
				return nil
			})
			if err != nil {
				errs <- fmt.Errorf("%s: %w", name, err)
				return
			}
		}
	}
	for w := range writers {
		wg.Add(1)
		go run(fmt.Sprintf("w%d", w), false)
	}
	for w := range waiters {
		wg.Add(1)
		go run(fmt.Sprintf("h%d", w), true)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rc := tn.client(t)
	for _, name := range []string{"w0", "w1", "w2", "h0", "h1"} {
		for round := range 4 {
			for i := range perClient / 4 {
				k := fmt.Sprintf("%s:%d:%d", name, round, i)
				if got, err := rc.Get(ctx, k).Result(); err != nil || got != k {
					t.Fatalf("%s = %q, %v; want %q", k, got, err, k)
				}
			}
		}
	}
}
