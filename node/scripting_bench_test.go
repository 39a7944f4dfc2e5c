package node

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"testing"

	"github.com/vcache/vcache/script"
)

// Benchmarks of one script call served over TCP, pipelined 16 deep on
// one connection (as redis-benchmark -P 16 does), the client reading
// replies of known length into one buffer: allocs/op are the node's
// allocations per call.
//
//	go test ./node -run '^$' -bench 'Script' -benchmem

const benchPipeline = 16

func BenchmarkScriptEvalSHAGet(b *testing.B) {
	benchScript(b, "return redis.call('GET', KEYS[1])", "$3\r\nbar\r\n", false)
}

func BenchmarkScriptEvalSHASet(b *testing.B) {
	benchScript(b, "return redis.call('SET', KEYS[1], ARGV[1])", "+OK\r\n", false)
}

// The rate limiter and the lock of bench/scriptcpu.sh: two commands and
// an EXPIRE a call, and SET NX PX answered by a nil once the key is held.
func BenchmarkScriptEvalSHARateLimiter(b *testing.B) {
	benchScript(b, "local c = redis.call('INCR', KEYS[1]) if c == 1 then redis.call('EXPIRE', KEYS[1], 60) end "+
		"if c > 1e18 then return 0 end return 1", ":1\r\n", false, "counter")
}

func BenchmarkScriptEvalSHALock(b *testing.B) {
	benchScript(b, "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', 30000) then return 1 end return 0", ":0\r\n", false)
}

func BenchmarkScriptFCallGet(b *testing.B) {
	benchScript(b, "return redis.call('GET', keys[1])", "$3\r\nbar\r\n", true)
}

// benchScript runs body (EVALSHA, or FCALL of a function whose body it
// is) on key "foo" (or key[0]), set to "bar", with argument "bar", each
// call answered want.
func benchScript(b *testing.B, body, want string, fcall bool, key ...string) {
	k := "foo"
	if len(key) > 0 {
		k = key[0]
	}
	tn := startNode(b, nil)
	c, err := net.Dial("tcp", tn.addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	do := func(args ...string) string {
		b.Helper()
		if _, err := c.Write(benchRESP(args...)); err != nil {
			b.Fatal(err)
		}
		buf := make([]byte, 512)
		n, err := c.Read(buf)
		if err != nil {
			b.Fatal(err)
		}
		return string(buf[:n])
	}
	if r := do("SET", "foo", "bar"); r != "+OK\r\n" {
		b.Fatalf("SET: %q", r)
	}
	var call []byte
	if fcall {
		lib := "#!lua name=benchlib\nredis.register_function('f', function(keys, args) " + body + " end)"
		if r := do("FUNCTION", "LOAD", "REPLACE", lib); !strings.Contains(r, "benchlib") {
			b.Fatalf("FUNCTION LOAD: %q", r)
		}
		call = benchRESP("FCALL", "f", "1", k, "bar")
	} else {
		if r := do("SCRIPT", "LOAD", body); !strings.Contains(r, script.SHA1Hex(body)) {
			b.Fatalf("SCRIPT LOAD: %q", r)
		}
		call = benchRESP("EVALSHA", script.SHA1Hex(body), "1", k, "bar")
	}
	batch := bytes.Repeat(call, benchPipeline)
	replies := make([]byte, len(want)*benchPipeline)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += benchPipeline {
		if _, err := c.Write(batch); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, replies); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if got := string(replies[:len(want)]); got != want {
		b.Fatalf("reply %q, want %q", got, want)
	}
}

func benchRESP(args ...string) []byte {
	var sb strings.Builder
	fmt.Fprintf(&sb, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&sb, "$%d\r\n%s\r\n", len(a), a)
	}
	return []byte(sb.String())
}

// The load of bench/msg.sh's script tests: INCR of one of 100,000 keys
// picked at random, by EVALSHA and by FCALL, pipelined 16 deep.
func BenchmarkScriptEvalSHAIncrRandom(b *testing.B) {
	benchIncrRandom(b, false)
}

func BenchmarkScriptFCallIncrRandom(b *testing.B) {
	benchIncrRandom(b, true)
}

func benchIncrRandom(b *testing.B, fcall bool) {
	tn := startNode(b, nil)
	c, err := net.Dial("tcp", tn.addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	do := func(args ...string) string {
		b.Helper()
		if _, err := c.Write(benchRESP(args...)); err != nil {
			b.Fatal(err)
		}
		line, err := r.ReadString('\n')
		if err != nil {
			b.Fatal(err)
		}
		if line[0] == '$' {
			more, err := r.ReadString('\n')
			if err != nil {
				b.Fatal(err)
			}
			line += more
		}
		return line
	}
	body := "return redis.call('INCR', KEYS[1])"
	name := script.SHA1Hex(body)
	if fcall {
		lib := "#!lua name=benchlib\nredis.register_function('incr1', function(keys, args) return redis.call('INCR', keys[1]) end)"
		if rep := do("FUNCTION", "LOAD", "REPLACE", lib); !strings.Contains(rep, "benchlib") {
			b.Fatalf("FUNCTION LOAD: %q", rep)
		}
		name = "incr1"
	} else if rep := do("SCRIPT", "LOAD", body); !strings.Contains(rep, name) {
		b.Fatalf("SCRIPT LOAD: %q", rep)
	}
	cmd := "EVALSHA"
	if fcall {
		cmd = "FCALL"
	}
	// 256 batches of 16 calls on keys picked by a fixed-seed generator.
	rng := rand.New(rand.NewPCG(1, 2))
	batches := make([][]byte, 256)
	for i := range batches {
		for range benchPipeline {
			batches[i] = append(batches[i], benchRESP(cmd, name, "1", fmt.Sprintf("key:%012d", rng.IntN(100000)))...)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += benchPipeline {
		if _, err := c.Write(batches[(i/benchPipeline)%len(batches)]); err != nil {
			b.Fatal(err)
		}
		for range benchPipeline {
			line, err := r.ReadSlice('\n')
			if err != nil {
				b.Fatal(err)
			}
			if line[0] != ':' {
				b.Fatalf("reply %q", line)
			}
		}
	}
}
