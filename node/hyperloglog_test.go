package node

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// pfAddRange adds prefix0 .. prefix(n-1) to key, pipelined in batches.
func pfAddRange(t *testing.T, c *redis.Client, key, prefix string, n int) {
	t.Helper()
	ctx := context.Background()
	const batch = 1000
	for i := 0; i < n; i += batch {
		elems := make([]any, 0, batch)
		for j := i; j < min(i+batch, n); j++ {
			elems = append(elems, prefix+strconv.Itoa(j))
		}
		if err := c.PFAdd(ctx, key, elems...).Err(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHLLErrorBound adds 100k distinct elements: the estimate is within
// 3% (the standard error is 0.81%), the sketch went dense on the way, and
// a union with a disjoint sketch counts both.
func TestHLLErrorBound(t *testing.T) {
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	pfAddRange(t, c, "{h}small", "e", 500)
	if n := c.StrLen(ctx, "{h}small").Val(); n > 3000 {
		t.Fatalf("500 elements take %d bytes: the sketch should still be sparse (<= 3000)", n)
	}
	small := c.PFCount(ctx, "{h}small").Val()
	if math.Abs(float64(small-500)) > 500*0.03 {
		t.Fatalf("PFCOUNT of 500 = %d", small)
	}
	const n = 100000
	pfAddRange(t, c, "{h}big", "e", n)
	if l := c.StrLen(ctx, "{h}big").Val(); l != 12304 {
		t.Fatalf("100k elements: %d bytes, want the dense 12304", l)
	}
	got := c.PFCount(ctx, "{h}big").Val()
	if e := math.Abs(float64(got-n)) / n; e > 0.03 {
		t.Fatalf("PFCOUNT = %d for %d distinct elements: error %.2f%% over 3%%", got, n, e*100)
	}
	t.Logf("100k distinct: PFCOUNT %d (error %.3f%%)", got, math.Abs(float64(got-n))/n*100)
	// Adding the same elements again changes nothing.
	if c.PFAdd(ctx, "{h}big", "e1", "e99999").Val() != 0 {
		t.Fatal("PFADD of known elements reported a change")
	}
	pfAddRange(t, c, "{h}other", "f", 50000)
	union := c.PFCount(ctx, "{h}big", "{h}other").Val()
	if e := math.Abs(float64(union-150000)) / 150000; e > 0.03 {
		t.Fatalf("PFCOUNT of the union = %d, want about 150000", union)
	}
	if err := c.PFMerge(ctx, "{h}merged", "{h}big", "{h}other").Err(); err != nil {
		t.Fatal(err)
	}
	if m := c.PFCount(ctx, "{h}merged").Val(); m != union {
		t.Fatalf("PFMERGE then PFCOUNT = %d, PFCOUNT of both = %d", m, union)
	}
}

// TestHLLBytesInterchange moves sketches between redis-server and vcache
// with GET and SET: each side counts the other's sketch the same, and
// dense sketches built from the same elements are byte-identical.
func TestHLLBytesInterchange(t *testing.T) {
	rs := startRedisServer(t)
	vc := startNode(t, nil).client(t)
	ctx := context.Background()
	for _, n := range []int{0, 1, 10, 300, 2000, 30000} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			key := "hll" + strconv.Itoa(n)
			if n == 0 {
				rs.PFAdd(ctx, key)
				vc.PFAdd(ctx, key)
			}
			pfAddRange(t, rs, key, "x", n)
			pfAddRange(t, vc, key, "x", n)
			fromRedis := rs.Get(ctx, key).Val()
			fromVcache := vc.Get(ctx, key).Val()
			if len(fromRedis) != len(fromVcache) && (len(fromRedis) == 12304) != (len(fromVcache) == 12304) {
				t.Fatalf("encodings differ: redis %d bytes, vcache %d", len(fromRedis), len(fromVcache))
			}
			if len(fromRedis) == 12304 && fromRedis != fromVcache {
				t.Fatal("dense sketches of the same elements differ")
			}
			// Redis's sketch on vcache, and vcache's on Redis.
			vc.Set(ctx, key+":r", fromRedis, 0)
			rs.Set(ctx, key+":v", fromVcache, 0)
			want := rs.PFCount(ctx, key).Val()
			for name, got := range map[string]*redis.IntCmd{
				"vcache counting its own": vc.PFCount(ctx, key),
				"vcache counting redis's": vc.PFCount(ctx, key+":r"),
				"redis counting vcache's": rs.PFCount(ctx, key+":v"),
				"vcache union of both":    vc.PFCount(ctx, key, key+":r"),
				"redis union of both":     rs.PFCount(ctx, key+":v", key),
			} {
				if got.Err() != nil || got.Val() != want {
					t.Errorf("%s: %d, %v; redis counts %d", name, got.Val(), got.Err(), want)
				}
			}
			// The cached cardinality each wrote reads back on the other.
			rs.Set(ctx, key+":vc", vc.Get(ctx, key).Val(), 0)
			if got := rs.PFCount(ctx, key+":vc").Val(); got != want {
				t.Errorf("redis reading vcache's cached count: %d, want %d", got, want)
			}
			// Adding more on the other side keeps them in step.
			rs.PFAdd(ctx, key+":v", "more1", "more2")
			vc.PFAdd(ctx, key+":r", "more1", "more2")
			a, b := rs.PFCount(ctx, key+":v").Val(), vc.PFCount(ctx, key+":r").Val()
			if a != b {
				t.Errorf("after adding on the other side: redis %d, vcache %d", a, b)
			}
		})
	}
	// A corrupt sketch is refused the same way by both.
	bad := "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe"
	rs.Set(ctx, "bad", bad, 0)
	vc.Set(ctx, "bad", bad, 0)
	re, ve := rs.PFCount(ctx, "bad").Err(), vc.PFCount(ctx, "bad").Err()
	if re == nil || ve == nil || re.Error() != ve.Error() {
		t.Fatalf("corrupt sketch: redis %v, vcache %v", re, ve)
	}
}

// TestHLLCorruptSparseAsRedis (CVE-2025-32023): sparse sketches whose
// runs cover more than the 16384 registers (Redis's regression test: more
// than 2^17 XZERO runs of 16384, whose sum overflowed 32 bits, then a
// VAL) are refused with INVALIDOBJ by the commands that read their
// registers, as redis-server answers; a run past the end by one register,
// or short of it, too.
func TestHLLCorruptSparseAsRedis(t *testing.T) {
	ref := (&testNode{addr: startRedisServer(t).Options().Addr}).raw(t)
	vc := startNode(t, nil).raw(t)
	header := "HYLL\x01" + strings.Repeat("\x00", 11)
	xzero := string([]byte{0x40 | 0x3f, 0xff}) // 16384 zero registers
	for _, sketch := range []string{
		header + strings.Repeat(xzero, 131072+1000) + "\xff",
		header + strings.Repeat("\x3f", 300) + "\xff", // 300 ZERO runs of 64
		header + xzero + "\x80",                       // one register past the end
		header + xzero[:1] + "\xfe" + "\x83",          // 16383 zeros and 4 registers
		header + strings.Repeat("\x3f", 255),          // 16320 registers
		header + xzero,                                // the empty sketch, valid
	} {
		sameAsRedis(t, vc, ref,
			[]string{"SET", "hll", sketch},
			[]string{"PFCOUNT", "hll", "hll"},
			[]string{"PFDEBUG", "GETREG", "hll"},
			[]string{"PFMERGE", "dst", "hll"},
			[]string{"PFCOUNT", "dst"},
			[]string{"DEL", "dst"},
			[]string{"PING"})
	}
}
