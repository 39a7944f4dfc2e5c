package proxy

import (
	"bufio"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/resp"
)

// BenchmarkGet measures GET round trips from parallel clients with
// pipelines of 1 and 16, straight to redis-server and through the proxy,
// in the same run. Allocations are the whole process's: the client side
// allocates nothing per request.
func BenchmarkGet(b *testing.B) {
	r := startRedis(b)
	if got := rawDo(r.addr, "SET", "key:1", "xxx"); got != "+OK\r\n" {
		b.Fatal(got)
	}
	p := startProxy(b, Config{}, r.addr)
	for _, depth := range []int{1, 16} {
		for _, target := range []struct{ name, addr string }{{"direct", r.addr}, {"proxy", p.addr}} {
			b.Run(fmt.Sprintf("%s/P%d", target.name, depth), func(b *testing.B) {
				var req []byte
				for range depth {
					req = resp.AppendCommand(req, "GET", "key:1")
				}
				b.SetParallelism(8)
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					nc, err := net.Dial("tcp", target.addr)
					if err != nil {
						b.Error(err)
						return
					}
					defer nc.Close()
					w := bufio.NewWriter(nc)
					rd := resp.NewReader(nc, 0, 0)
					for pb.Next() {
						w.Write(req)
						w.Flush()
						nc.SetReadDeadline(time.Now().Add(10 * time.Second))
						for range depth {
							if raw, err := rd.ReadRaw(); err != nil || string(raw) != "$3\r\nxxx\r\n" {
								b.Errorf("reply %q, %v", raw, err)
								return
							}
						}
					}
				})
				b.ReportMetric(float64(b.N*depth)/b.Elapsed().Seconds(), "GETs/s")
			})
		}
	}
}

// BenchmarkSplitMGet measures an MGET of 10 keys over 3 nodes: split,
// sent, merged.
func BenchmarkSplitMGet(b *testing.B) {
	rs := startRedises(b, 3)
	p := startProxy(b, Config{}, addrs(rs...)...)
	c := dialRaw(b, p.addr)
	args := []string{"MGET"}
	for i := range 10 {
		k := fmt.Sprintf("k%d", i)
		c.do("SET", k, "v")
		args = append(args, k)
	}
	req := resp.AppendCommand(nil, args...)
	b.ReportAllocs()
	for b.Loop() {
		c.w.Write(req)
		if raw := c.recv(); raw[0] != '*' {
			b.Fatal(raw)
		}
	}
}
