package cache

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

// BenchmarkZAddSmall adds one member at a time to 10,000 sorted sets of
// up to 16 members; BenchmarkZRangeSmall reads one whole set a time.
func BenchmarkZAddSmall(b *testing.B) {
	ks := newKS(b, nil)
	keys := make([][]byte, 10_000)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "zs:%d", i)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ks.ZAdd(keys[i%len(keys)], ZAddFlags{}, []ZMember{{fmt.Sprint("m:", i/len(keys)%16), float64(i % 1000)}})
	}
}

func BenchmarkZRangeSmall(b *testing.B) {
	ks := newKS(b, nil)
	keys := make([][]byte, 10_000)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "zs:%d", i)
		for j := 0; j < 10; j++ {
			ks.ZAdd(keys[i], ZAddFlags{}, []ZMember{{fmt.Sprint("m:", j), float64(j * i % 1000)}})
		}
	}
	sp := ZRangeSpec{By: ZByRank, Start: 0, Stop: -1}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if ms, _ := ks.ZRange(keys[i%len(keys)], sp); len(ms) != 10 {
			b.Fatal(len(ms))
		}
	}
}

// BenchmarkZAddBig adds members to one set of up to 1M members.
func BenchmarkZAddBig(b *testing.B) {
	ks := newKS(b, nil)
	for i := 0; i < b.N; i++ {
		ks.ZAdd([]byte("zbig"), ZAddFlags{}, []ZMember{{fmt.Sprint("m:", i%1_000_000), float64(i % 1000)}})
	}
}

// BenchmarkZAddUpdateBig is redis-benchmark's zadd against one set that
// already holds its members: ZADD myzset <random score> element:<random>
// over 100,000 members (-r 100000), so nearly every call moves a member
// to a new score in a set too big for the CPU's nearer caches.
func BenchmarkZAddUpdateBig(b *testing.B) {
	const n = 100_000
	ks := newKS(b, nil)
	key := []byte("myzset")
	members := make([]string, n)
	for i := range members {
		members[i] = fmt.Sprintf("element:%012d", i)
		ks.ZAdd(key, ZAddFlags{}, []ZMember{{members[i], float64(i)}})
	}
	// A fixed pseudo-random sequence (an LCG), the same for every run.
	seq := make([]ZMember, 1<<16)
	x := uint64(1)
	for i := range seq {
		x = x*6364136223846793005 + 1442695040888963407
		seq[i] = ZMember{members[(x>>33)%n], float64((x >> 13) % n)}
	}
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		ks.ZAdd(key, ZAddFlags{}, seq[i&(len(seq)-1):][:1])
	}
	reportCPU(b, c0)
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per operation since c0 (cpu-ns/op): on a
// machine shared with other work it moves far less than ns/op, which
// counts the time the benchmark waited for a core.
func reportCPU(b *testing.B, c0 time.Duration) {
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkZAddNewBig adds new members, at random scores, to one set of
// 100,000 members and more: a member's dict search ends at an empty
// place after passing over other members' nodes.
func BenchmarkZAddNewBig(b *testing.B) {
	const n = 100_000
	ks := newKS(b, nil)
	key := []byte("myzset")
	for i := 0; i < n; i++ {
		ks.ZAdd(key, ZAddFlags{}, []ZMember{{fmt.Sprintf("element:%012d", i), float64(i)}})
	}
	adds := make([]ZMember, b.N)
	x := uint64(1)
	for i := range adds {
		x = x*6364136223846793005 + 1442695040888963407
		adds[i] = ZMember{fmt.Sprintf("new:%012d", i), float64((x >> 13) % n)}
	}
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		ks.ZAdd(key, ZAddFlags{}, adds[i:][:1])
	}
	reportCPU(b, c0)
}

// BenchmarkZPopMinBig pops the lowest member of one set of 100,000
// members and more (redis-benchmark's zpopmin after its zadd).
func BenchmarkZPopMinBig(b *testing.B) {
	n := max(b.N, 100_000)
	ks := newKS(b, nil)
	key := []byte("myzset")
	x := uint64(1)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
		ks.ZAdd(key, ZAddFlags{}, []ZMember{{fmt.Sprintf("element:%012d", i), float64((x >> 13) % 100_000)}})
	}
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		if ms, _ := ks.ZPop(key, 1, false); len(ms) != 1 {
			b.Fatal(len(ms))
		}
	}
	reportCPU(b, c0)
}
