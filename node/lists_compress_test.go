package node

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// TestListCompressionAgainstRedis: with list-compress-depth 1 and 2 and
// small chunks (list-max-listpack-size 8, and -1's 4 KiB), a seeded mix of
// LPUSH, RPUSH, LPOP, RPOP, LRANGE, LINDEX, LSET, LINSERT, LREM, LTRIM,
// LPOS, LMOVE and LLEN on lists of compressible and incompressible
// elements answers as redis-server does; OBJECT ENCODING, CONFIG GET and
// DUMP/RESTORE to redis-server agree too.
func TestListCompressionAgainstRedis(t *testing.T) {
	rs := startRedisServer(t)
	vc := startNode(t, nil).client(t)
	ctx := context.Background()
	both := func(args ...any) string {
		t.Helper()
		got, want := reply(vc, args...), reply(rs, args...)
		if got != want {
			t.Fatalf("%.80v: vcache %.200q, redis-server %.200q", args, got, want)
		}
		return got
	}
	r := rand.New(rand.NewPCG(5, 6))
	elem := func() string {
		switch r.IntN(10) {
		case 0:
			return strconv.Itoa(r.IntN(100000) - 50000)
		case 1:
			b := make([]byte, 20+r.IntN(200)) // incompressible
			for i := range b {
				b[i] = byte(r.UintN(256))
			}
			return string(b)
		case 2:
			return strings.Repeat("z", 100+r.IntN(3000))
		case 3:
			return ""
		}
		return "element-" + strconv.Itoa(r.IntN(50))
	}
	for _, cfg := range [][2]string{{"1", "8"}, {"2", "-1"}, {"3", "5"}} {
		both("CONFIG", "SET", "list-compress-depth", cfg[0])
		both("CONFIG", "SET", "list-max-listpack-size", cfg[1])
		both("CONFIG", "GET", "list-compress-depth")
		both("DEL", "a", "b")
		for range 2500 {
			key := []string{"a", "b"}[r.IntN(2)]
			other := []string{"a", "b"}[r.IntN(2)]
			i := strconv.Itoa(r.IntN(400) - 200)
			switch r.IntN(16) {
			case 0, 1, 2:
				args := []any{[]string{"LPUSH", "RPUSH"}[r.IntN(2)], key}
				for range 1 + r.IntN(20) {
					args = append(args, elem())
				}
				both(args...)
			case 3:
				both([]string{"LPOP", "RPOP"}[r.IntN(2)], key, 1+r.IntN(5))
			case 4, 5:
				both("LRANGE", key, i, strconv.Itoa(r.IntN(400)-100))
			case 6:
				both("LINDEX", key, i)
			case 7:
				both("LSET", key, i, elem())
			case 8:
				both("LINSERT", key, []string{"BEFORE", "AFTER"}[r.IntN(2)], "element-"+strconv.Itoa(r.IntN(50)), elem())
			case 9:
				both("LREM", key, r.IntN(5)-2, "element-"+strconv.Itoa(r.IntN(50)))
			case 10:
				if r.IntN(8) == 0 {
					both("LTRIM", key, r.IntN(5), -1-r.IntN(5))
				}
			case 11:
				both("LPOS", key, "element-"+strconv.Itoa(r.IntN(50)), "RANK", r.IntN(5)-2|1, "COUNT", r.IntN(4))
			case 12:
				both("LMOVE", key, other, []string{"LEFT", "RIGHT"}[r.IntN(2)], []string{"LEFT", "RIGHT"}[r.IntN(2)])
			case 13:
				both("LLEN", key)
			case 14:
				both("OBJECT", "ENCODING", key)
			case 15:
				both("LRANGE", key, 0, -1)
			}
		}
		for _, key := range []string{"a", "b"} {
			want := both("LRANGE", key, 0, -1)
			p, err := vc.Dump(ctx, key).Result()
			if err != nil {
				continue // the key went empty
			}
			if err := rs.RestoreReplace(ctx, key+":fromvcache", 0, p).Err(); err != nil {
				t.Fatal(err)
			}
			if got := reply(rs, "LRANGE", key+":fromvcache", 0, -1); got != want {
				t.Fatalf("redis-server's RESTORE of vcache's DUMP of %s differs", key)
			}
			p = rs.Dump(ctx, key).Val()
			if err := vc.RestoreReplace(ctx, key+":fromredis", 0, p).Err(); err != nil {
				t.Fatal(err)
			}
			if got := reply(vc, "LRANGE", key+":fromredis", 0, -1); got != want {
				t.Fatalf("vcache's RESTORE of redis-server's DUMP of %s differs", key)
			}
		}
	}
}
