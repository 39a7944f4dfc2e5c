package chaos

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// The data types of the workload beyond strings and the indexed
// documents. Each writer owns its keys, and every write of a key carries a
// version "W:SEQ" with the writer's sequence number, which only grows; a
// type's reader returns the newest version the key holds (or deleted), so
// the checker compares it with the ledger as it does a string's value:
// the last acknowledged version, or one written after it.

// cmdable is a client or a pipeline.
type cmdable interface {
	redis.Cmdable
	Do(ctx context.Context, args ...any) *redis.Cmd
}

// dataType is one key family of the workload.
type dataType struct {
	prefix string
	// write stores version v in key k.
	write func(ctx context.Context, c cmdable, k, v string) error
	// read queues the reads of key k on p; its result is the newest
	// version k holds, deleted when k does not exist.
	read func(ctx context.Context, p cmdable, k string) func() (string, error)
}

// dataTypes are the key families written besides kv: strings and the
// FT documents.
var dataTypes = []dataType{
	{prefix: "list:", // RPUSH: the newest version is the last element
		write: func(ctx context.Context, c cmdable, k, v string) error { return c.RPush(ctx, k, v).Err() },
		read: func(ctx context.Context, p cmdable, k string) func() (string, error) {
			cmd := p.LIndex(ctx, k, -1)
			return func() (string, error) { return orDeleted(cmd.Result()) }
		}},
	{prefix: "set:", // SADD: the newest version is the member with the highest sequence
		write: func(ctx context.Context, c cmdable, k, v string) error { return c.SAdd(ctx, k, v).Err() },
		read: func(ctx context.Context, p cmdable, k string) func() (string, error) {
			cmd := p.SMembers(ctx, k)
			return func() (string, error) {
				ms, err := cmd.Result()
				if err != nil || len(ms) == 0 {
					return deleted, err
				}
				return newest(ms), nil
			}
		}},
	{prefix: "zset:", // ZADD with the sequence as score: the newest is the highest
		write: func(ctx context.Context, c cmdable, k, v string) error {
			return c.ZAdd(ctx, k, redis.Z{Score: float64(seqOf(v)), Member: v}).Err()
		},
		read: func(ctx context.Context, p cmdable, k string) func() (string, error) {
			cmd := p.ZRange(ctx, k, -1, -1)
			return func() (string, error) {
				ms, err := cmd.Result()
				if err != nil || len(ms) == 0 {
					return deleted, err
				}
				return ms[0], nil
			}
		}},
	{prefix: "hash:", // HSET of two fields: v holds the version
		write: func(ctx context.Context, c cmdable, k, v string) error {
			return c.HSet(ctx, k, "v", v, "n", seqOf(v)).Err()
		},
		read: func(ctx context.Context, p cmdable, k string) func() (string, error) {
			cmd := p.HGet(ctx, k, "v")
			return func() (string, error) { return orDeleted(cmd.Result()) }
		}},
	{prefix: "stream:", // XADD: the newest version is the last entry's field v
		write: func(ctx context.Context, c cmdable, k, v string) error {
			return c.XAdd(ctx, &redis.XAddArgs{Stream: k, Values: []any{"v", v}}).Err()
		},
		read: func(ctx context.Context, p cmdable, k string) func() (string, error) {
			cmd := p.XRevRangeN(ctx, k, "+", "-", 1)
			return func() (string, error) {
				ms, err := cmd.Result()
				if err != nil || len(ms) == 0 {
					return deleted, err
				}
				s, _ := ms[0].Values["v"].(string)
				return s, nil
			}
		}},
	{prefix: "json:", // JSON.SET of a document: $.v holds the version
		write: func(ctx context.Context, c cmdable, k, v string) error {
			return c.Do(ctx, "JSON.SET", k, "$", fmt.Sprintf(`{"v":%q,"n":%d,"tags":["chaos"]}`, v, seqOf(v))).Err()
		},
		read: func(ctx context.Context, p cmdable, k string) func() (string, error) {
			cmd := p.Do(ctx, "JSON.GET", k, "$.v")
			return func() (string, error) {
				s, err := cmd.Text()
				if err == redis.Nil {
					return deleted, nil
				}
				if err != nil {
					return "", err
				}
				var vs []string
				if err := json.Unmarshal([]byte(s), &vs); err != nil || len(vs) != 1 {
					return "", fmt.Errorf("JSON.GET %s $.v: unexpected %q", k, s)
				}
				return vs[0], nil
			}
		}},
}

// typeOf returns the data type of key k (nil: a string or a document).
func typeOf(k string) *dataType {
	for i := range dataTypes {
		if strings.HasPrefix(k, dataTypes[i].prefix) {
			return &dataTypes[i]
		}
	}
	return nil
}

// seqOf is the sequence number of version "W:SEQ".
func seqOf(v string) int {
	_, s, _ := strings.Cut(v, ":")
	n, _ := strconv.Atoi(s)
	return n
}

// newest returns the version with the highest sequence number.
func newest(vs []string) string {
	best := vs[0]
	for _, v := range vs[1:] {
		if seqOf(v) > seqOf(best) {
			best = v
		}
	}
	return best
}

// orDeleted maps a missing key (or element) to deleted.
func orDeleted(s string, err error) (string, error) {
	if err == redis.Nil {
		return deleted, nil
	}
	return s, err
}
