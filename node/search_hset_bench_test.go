package node

import (
	"context"
	"fmt"
	"strconv"
	"testing"
)

// BenchmarkHSetIndexedHash: HSET of one field into a hash under an FT
// index's prefix (a TEXT, a NUMERIC and a TAG field), the hash holding 10
// (packed), 1000 or 10000 fields: the index reads the schema's fields on
// every change. cpu-ns/op is the process's CPU per HSET.
//
//	go test ./node -run '^$' -bench HSetIndexedHash
func BenchmarkHSetIndexedHash(b *testing.B) {
	tn := startNode(b, nil)
	c := tn.client(b)
	ctx := context.Background()
	if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA",
		"title", "TEXT", "price", "NUMERIC", "color", "TAG").Err(); err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{10, 1000, 10000} {
		key := []byte("doc:" + strconv.Itoa(n))
		args := []any{"title", "a red chair", "price", 10, "color", "red"}
		for i := 3; i < n; i++ {
			args = append(args, "extra:"+strconv.Itoa(i), "some value")
		}
		if err := c.HSet(ctx, string(key), args...).Err(); err != nil {
			b.Fatal(err)
		}
		prices := make([][]byte, 64)
		for i := range prices {
			prices[i] = []byte(strconv.Itoa(i))
		}
		b.Run(fmt.Sprintf("fields=%d", n), func(b *testing.B) {
			fv := [][]byte{[]byte("price"), nil}
			b.ReportAllocs()
			c0 := cpuNanos()
			for i := 0; i < b.N; i++ {
				fv[1] = prices[i&63]
				if _, err := tn.ks.HSet(key, fv, false); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuNanos()-c0)/float64(b.N), "cpu-ns/op")
		})
	}
}
