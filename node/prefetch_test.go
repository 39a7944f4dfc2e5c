package node

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestLongPipelinesKeepKeysInTheirSlots sends, from several clients at
// once, pipelines far longer than a round of the prefetcher used to note
// (256 keys), mixing commands whose first argument is a key with others
// (PING, OBJECT ENCODING, MSET's later keys): the loop prefetches their
// keys and hands each command the hash slot it computed, so a slot handed
// to the wrong command would store a key where a plain GET does not find
// it. Every key must then be found, with its value, by fresh reads.
func TestLongPipelinesKeepKeysInTheirSlots(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	const clients, perClient = 4, 3000
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
			if i%4 == 2 {
				if got, err := rc.Get(ctx, k+":m").Result(); err != nil || got != k {
					t.Fatalf("%s:m = %q, %v; want %q", k, got, err, k)
				}
			}
		}
	}
	want := int64(clients * (perClient + perClient/4))
	if n, err := rc.DBSize(ctx).Result(); err != nil || n != want {
		t.Fatalf("DBSIZE = %d, %v; want %d", n, err, want)
	}
}

func isWrongType(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "WRONGTYPE") }
