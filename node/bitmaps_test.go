package node

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/testutil"
)

// startRedisServer starts a redis-server on a free port for the test and
// returns a client to it; the test is skipped when redis-server is not
// installed (and fails in CI). extra are more of redis-server's flags.
func startRedisServer(t *testing.T, extra ...string) *redis.Client {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-server is required in CI")
		}
		t.Skip("redis-server not installed")
	}
	port := testutil.FreePort(t)
	cmd := exec.Command(path, append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--dir", t.TempDir(), "--daemonize", "no"}, extra...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(port), MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	testutil.WaitNil(t, 10*time.Second, func() error { return c.Ping(context.Background()).Err() })
	return c
}

// TestBitOpKeysOfDifferentLengths checks BITOP against a byte-by-byte
// computation over sources of 0 (missing), 1, 3 and 40 bytes: shorter
// sources count as zero bytes and the result is as long as the longest.
func TestBitOpKeysOfDifferentLengths(t *testing.T) {
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	srcs := map[string][]byte{"{b}missing": nil}
	for _, n := range []int{1, 3, 40} {
		v := make([]byte, n)
		for i := range v {
			v[i] = byte(rng.UintN(256))
		}
		k := "{b}len" + strconv.Itoa(n)
		srcs[k] = v
		c.Set(ctx, k, v, 0)
	}
	keys := []string{"{b}len3", "{b}missing", "{b}len40", "{b}len1"}
	at := func(v []byte, i int) byte {
		if i < len(v) {
			return v[i]
		}
		return 0
	}
	for _, op := range []string{"AND", "OR", "XOR"} {
		n, err := c.Do(ctx, append([]any{"BITOP", op, "{b}dest"}, toAny(keys)...)...).Int64()
		if err != nil || n != 40 {
			t.Fatalf("BITOP %s = %d, %v; want 40", op, n, err)
		}
		want := make([]byte, 40)
		for i := range want {
			r := at(srcs[keys[0]], i)
			for _, k := range keys[1:] {
				b := at(srcs[k], i)
				switch op {
				case "AND":
					r &= b
				case "OR":
					r |= b
				case "XOR":
					r ^= b
				}
			}
			want[i] = r
		}
		if got := c.Get(ctx, "{b}dest").Val(); got != string(want) {
			t.Errorf("BITOP %s gave %x, want %x", op, got, want)
		}
	}
	if n := c.BitOpNot(ctx, "{b}dest", "{b}len3").Val(); n != 3 {
		t.Fatalf("BITOP NOT length %d, want 3", n)
	}
	want := []byte{^srcs["{b}len3"][0], ^srcs["{b}len3"][1], ^srcs["{b}len3"][2]}
	if got := c.Get(ctx, "{b}dest").Val(); got != string(want) {
		t.Errorf("BITOP NOT gave %x, want %x", got, want)
	}
	// Only missing sources: the destination is deleted.
	c.Expire(ctx, "{b}dest", time.Hour)
	if n := c.BitOpOr(ctx, "{b}dest", "{b}missing").Val(); n != 0 || c.Exists(ctx, "{b}dest").Val() != 0 {
		t.Fatalf("BITOP over missing keys: %d and the destination exists", n)
	}
	// A result replaces the destination's expiry, as SET does.
	c.Set(ctx, "{b}dest", "x", time.Hour)
	c.BitOpOr(ctx, "{b}dest", "{b}len1")
	if ttl := c.TTL(ctx, "{b}dest").Val(); ttl != -1 {
		t.Fatalf("TTL after BITOP = %v, want none", ttl)
	}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// TestBitFieldOverflowModes walks an u8 and an i8 field over their
// limits with WRAP, SAT and FAIL.
func TestBitFieldOverflowModes(t *testing.T) {
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	cases := []struct {
		typ, mode string
		start     int64
		incr      int64
		want      any // int64 or nil (FAIL)
		stored    int64
	}{
		{"u8", "WRAP", 250, 10, int64(4), 4},
		{"u8", "SAT", 250, 10, int64(255), 255},
		{"u8", "FAIL", 250, 10, nil, 250},
		{"u8", "WRAP", 5, -10, int64(251), 251},
		{"u8", "SAT", 5, -10, int64(0), 0},
		{"u8", "FAIL", 5, -10, nil, 5},
		{"i8", "WRAP", 120, 10, int64(-126), -126},
		{"i8", "SAT", 120, 10, int64(127), 127},
		{"i8", "FAIL", 120, 10, nil, 120},
		{"i8", "WRAP", -120, -10, int64(126), 126},
		{"i8", "SAT", -120, -10, int64(-128), -128},
		{"i8", "FAIL", -120, -10, nil, -120},
		{"u3", "WRAP", 7, 1, int64(0), 0},
		{"i64", "WRAP", 9223372036854775807, 1, int64(-9223372036854775808), -9223372036854775808},
		{"i64", "SAT", 9223372036854775807, 1, int64(9223372036854775807), 9223372036854775807},
		{"i64", "FAIL", -9223372036854775808, -1, nil, -9223372036854775808},
	}
	for _, tc := range cases {
		name := tc.typ + "/" + tc.mode + "/" + strconv.FormatInt(tc.start, 10) + "+" + strconv.FormatInt(tc.incr, 10)
		t.Run(name, func(t *testing.T) {
			key := "bf:" + name
			if err := c.Do(ctx, "BITFIELD", key, "SET", tc.typ, "#1", tc.start).Err(); err != nil {
				t.Fatal(err)
			}
			res, err := c.Do(ctx, "BITFIELD", key, "OVERFLOW", tc.mode, "INCRBY", tc.typ, "#1", tc.incr, "GET", tc.typ, "#1").Slice()
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 2 || res[0] != tc.want || res[1] != tc.stored {
				t.Fatalf("INCRBY then GET = %v, want [%v %d]", res, tc.want, tc.stored)
			}
		})
	}
}

// TestSetBitConcurrent sets distinct bits of one key from several
// clients: every bit lands (no write is lost to another's copy).
func TestSetBitConcurrent(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	const workers, each = 4, 200
	var wg sync.WaitGroup
	for w := range workers {
		c := tn.client(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := c.SetBit(ctx, "bits", int64(i*workers+w), 1).Err(); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	c := tn.client(t)
	if n := c.BitCount(ctx, "bits", nil).Val(); n != workers*each {
		t.Fatalf("BITCOUNT = %d, want %d", n, workers*each)
	}
	if n := c.StrLen(ctx, "bits").Val(); n != workers*each/8 {
		t.Fatalf("STRLEN = %d, want %d", n, workers*each/8)
	}
}

// FuzzBitFieldArgs feeds arbitrary BITFIELD arguments (space separated)
// to the parser and runs what it accepts on a small string: nothing
// panics, an accepted line gives one result per GET/SET/INCRBY, offsets
// stay within the limit, and a refused one gets one of Redis's texts.
func FuzzBitFieldArgs(f *testing.F) {
	for _, s := range []string{
		"GET u8 0", "SET i5 #3 -7 GET i5 #3", "OVERFLOW SAT INCRBY u63 0 -1 OVERFLOW FAIL INCRBY i64 #1 9223372036854775807",
		"GET u64 0", "GET i65 0", "SET u8 #-1 1", "OVERFLOW bad", "INCRBY u8 0", "GET u8 99999999999999999999",
		"set i64 #9223372036854775807 1", "get U8 0", "OVERFLOW WRAP", "",
	} {
		f.Add(s)
	}
	ks, err := cache.New(cache.DefaultConfig())
	if err != nil {
		f.Fatal(err)
	}
	const maxBytes = 64
	errs := map[string]bool{msgBitOffset: true, msgBitFieldType: true, msgOverflowType: true,
		"ERR syntax error": true, command.MsgNotInt: true}
	f.Fuzz(func(t *testing.T, line string) {
		var args [][]byte
		for _, w := range strings.Fields(line) {
			args = append(args, []byte(w))
		}
		ops, msg := parseBitField(args, maxBytes)
		if msg != "" {
			if !errs[msg] {
				t.Fatalf("%q: unexpected error text %q", line, msg)
			}
			return
		}
		for _, op := range ops {
			if op.Bits < 1 || op.Bits > 64 || (!op.Signed && op.Bits > 63) || op.Offset>>3 >= maxBytes {
				t.Fatalf("%q: accepted %+v", line, op)
			}
		}
		res, err := ks.BitField([]byte("k"), ops)
		if err != nil || len(res) != len(ops) {
			t.Fatalf("%q: %d results for %d ops, %v", line, len(res), len(ops), err)
		}
		for i, op := range ops {
			r := res[i]
			if r.Null && op.Overflow != cache.OverflowFail {
				t.Fatalf("%q: op %d is null without OVERFLOW FAIL", line, i)
			}
			if !r.Null && !op.Signed && r.Val < 0 {
				t.Fatalf("%q: op %d: unsigned field gave %d", line, i, r.Val)
			}
		}
	})
}
