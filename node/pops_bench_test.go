package node

import (
	"bufio"
	"bytes"
	"net"
	"strconv"
	"strings"
	"testing"
)

// Benchmarks of redis-benchmark's pop tests (bench/types.sh) served over
// TCP, pipelined 16 deep on one connection: LPOP and RPOP of mylist
// (elements "VXK", redis-benchmark's 3-byte value), SPOP of myset and
// ZPOPMIN of myzset (members element:<i>), each key filled with b.N
// elements first, untimed, so that every pop finds one; and LPOP of a
// missing key (what SPOP and ZPOPMIN meet once redis-benchmark has
// popped its 100,000 members). allocs/op are the node's allocations per
// pop.
//
//	go test ./node -run '^$' -bench 'Pop' -benchmem

func BenchmarkPopLPop(b *testing.B) {
	benchPop(b, "LPOP mylist", 2, "$3", func(i int) string { return "VXK" }, "RPUSH mylist")
}

func BenchmarkPopRPop(b *testing.B) {
	benchPop(b, "RPOP mylist", 2, "$3", func(i int) string { return "VXK" }, "LPUSH mylist")
}

func BenchmarkPopSPop(b *testing.B) {
	benchPop(b, "SPOP myset", 2, "$", func(i int) string { return "element:" + strconv.Itoa(i) }, "SADD myset")
}

func BenchmarkPopZPopMin(b *testing.B) {
	benchPop(b, "ZPOPMIN myzset", 5, "*2", func(i int) string { return strconv.Itoa(i) + " element:" + strconv.Itoa(i) }, "ZADD myzset")
}

func BenchmarkPopLPopMissing(b *testing.B) {
	benchPop(b, "LPOP nolist", 1, "$-1", nil, "")
}

// benchPop fills a key with b.N+benchPipeline elements by fill followed
// by elem(i) for batches of i (elem's words are arguments), then sends
// pop b.N times, 16 at a time; each reply is lines lines, the first
// starting with first.
func benchPop(b *testing.B, pop string, lines int, first string, elem func(int) string, fill string) {
	tn := startNode(b, nil)
	c, err := net.Dial("tcp", tn.addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReaderSize(c, 64<<10)
	if elem != nil {
		const batch = 1000
		total := b.N + benchPipeline
		for i := 0; i < total; i += batch {
			args := strings.Fields(fill)
			for j := i; j < min(total, i+batch); j++ {
				args = append(args, strings.Fields(elem(j))...)
			}
			if _, err := c.Write(benchRESP(args...)); err != nil {
				b.Fatal(err)
			}
			if line, err := r.ReadString('\n'); err != nil || line[0] != ':' {
				b.Fatalf("%s: %q %v", fill, line, err)
			}
		}
	}
	batch := bytes.Repeat(benchRESP(strings.Fields(pop)...), benchPipeline)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += benchPipeline {
		if _, err := c.Write(batch); err != nil {
			b.Fatal(err)
		}
		for range benchPipeline {
			for k := range lines {
				line, err := r.ReadSlice('\n')
				if err != nil {
					b.Fatal(err)
				}
				if k == 0 && !bytes.HasPrefix(line, []byte(first)) {
					b.Fatalf("%s: reply %q", pop, line)
				}
			}
		}
	}
}
