package node

import (
	"context"
	"fmt"
	"maps"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/command"
)

// TestKeyScanRepliesAsRedis: SSCAN, HSCAN and ZSCAN answer every mix of
// cursor (signed, spaced, out of range, empty), options (COUNT 0, -1, not
// a number, missing; MATCH without a pattern; unknown) and key (a string,
// none, a small set, hash or sorted set, which come whole in one call
// whatever the cursor) reply for reply as redis-server 7.0.15 does,
// including which error wins when several apply.
func TestKeyScanRepliesAsRedis(t *testing.T) {
	rs := startRedisServer(t)
	vc := startNode(t, nil).client(t)
	ctx := context.Background()
	for _, c := range []*redis.Client{rs, vc} {
		var h, z, s []any
		for i := range 30 {
			h = append(h, "f"+strconv.Itoa(i), strconv.Itoa(i*7))
			z = append(z, float64(i)/4, "m"+strconv.Itoa(i))
			s = append(s, i*3)
		}
		c.Set(ctx, "str", "x", 0)
		c.HSet(ctx, "h", h...)
		c.Do(ctx, append([]any{"ZADD", "z"}, z...)...)
		c.SAdd(ctx, "s", s...)
	}
	keys := map[string]string{"HSCAN": "h", "ZSCAN": "z", "SSCAN": "s"}
	cursors := []string{"0", "7", "x", "-1", "+5", " 5", "5 ", "", "-", "+", "007", "-0",
		"18446744073709551615", "18446744073709551616", "-18446744073709551615", "-18446744073709551616"}
	opts := [][]any{nil, {"COUNT", "0"}, {"COUNT", "-1"}, {"COUNT", "x"}, {"COUNT", "99999999999999999999"},
		{"COUNT"}, {"MATCH"}, {"FOO", "1"}, {"MATCH", "f1*", "COUNT", "1"}, {"match", "m2*"}, {"MATCH", "*"},
		{"COUNT", "1", "MATCH", "[12]*", "COUNT", "1000"}}
	for cmd, own := range keys {
		for _, key := range []string{own, "str", "nokey"} {
			for _, cur := range cursors {
				for _, o := range opts {
					args := append([]any{cmd, key, cur}, o...)
					if got, want := reply(vc, args...), reply(rs, args...); got != want {
						t.Errorf("%q: vcache %.300s, redis-server %.300s", args, got, want)
					}
				}
			}
		}
	}
}

// scanAll runs a full HSCAN (ZSCAN when z) of key with COUNT count (none
// when 0) and extra arguments, calling between(calls) after each call but
// the last; it returns every field (member) with its value (score) and
// each call's number of fields.
func scanAll(t *testing.T, c *redis.Client, z bool, key string, count int, between func(calls int), extra ...any) (map[string]string, []int) {
	t.Helper()
	ctx := context.Background()
	got := map[string]string{}
	var sizes []int
	cursor := "0"
	for calls := 0; ; calls++ {
		if calls > 200000 {
			t.Fatalf("%s: the scan does not end", key)
		}
		args := []any{"HSCAN", key, cursor}
		if z {
			args[0] = "ZSCAN"
		}
		if count > 0 {
			args = append(args, "COUNT", count)
		}
		v, err := c.Do(ctx, append(args, extra...)...).Slice()
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		next, ok := v[0].(string)
		if _, err := strconv.ParseUint(next, 10, 64); len(v) != 2 || !ok || err != nil {
			t.Fatalf("%v: reply %v is not [cursor, elements]", args, v)
		}
		elems, ok := v[1].([]any)
		if !ok {
			t.Fatalf("%v: reply %v is not [cursor, elements]", args, v)
		}
		pairs := len(extra) == 0 || !strings.EqualFold(fmt.Sprint(extra[len(extra)-1]), "NOVALUES")
		if !pairs {
			for _, f := range elems {
				got[f.(string)] = ""
			}
			sizes = append(sizes, len(elems))
		} else {
			if len(elems)%2 != 0 {
				t.Fatalf("%v: %d elements, not pairs", args, len(elems))
			}
			for i := 0; i < len(elems); i += 2 {
				got[elems[i].(string)] = elems[i+1].(string)
			}
			sizes = append(sizes, len(elems)/2)
		}
		if cursor = next; cursor == "0" {
			return got, sizes
		}
		if between != nil {
			between(calls)
		}
	}
}

// TestHScanAndZScanPageLargeValuesAsRedis: a hash of 5000 fields and a
// sorted set of 5000 members (a hash table and a skiplist) come back over
// many calls of about COUNT elements each, as from redis-server, not in
// one reply; the calls together return every field with its value (every
// member with its score written as Redis writes it), MATCH keeps the
// matching ones, and HSCAN's NOVALUES (Redis 7.4's) the fields alone.
func TestHScanAndZScanPageLargeValuesAsRedis(t *testing.T) {
	rs := startRedisServer(t)
	vc := startNode(t, nil).client(t)
	ctx := context.Background()
	scores := []string{"0.1", "1e20", "-inf", "inf", "9.8813129168249309e-323", "3.141592653589793", "1e-5",
		"123456789012345678", "-2.5", "0", "4503599627370496", "-17"}
	const n = 5000
	for _, c := range []*redis.Client{rs, vc} {
		for i := 0; i < n; i += 500 {
			h, z := []any{"HSET", "h"}, []any{"ZADD", "z"}
			for j := i; j < i+500; j++ {
				h = append(h, "f"+strconv.Itoa(j), "v"+strconv.Itoa(j*3))
				z = append(z, scores[j%len(scores)], "m"+strconv.Itoa(j))
			}
			if err := c.Do(ctx, h...).Err(); err != nil {
				t.Fatal(err)
			}
			if err := c.Do(ctx, z...).Err(); err != nil {
				t.Fatal(err)
			}
		}
		wantEncoding(t, c, "h", "hashtable")
		wantEncoding(t, c, "z", "skiplist")
	}
	for _, z := range []bool{false, true} {
		var want map[string]string
		for name, c := range map[string]*redis.Client{"redis-server": rs, "vcache": vc} {
			for _, count := range []int{0, 1, 10, 100} {
				got, sizes := scanAll(t, c, z, keyOf(z), count, nil)
				if len(got) != n {
					t.Fatalf("%s %s COUNT %d: %d elements, want %d", name, keyOf(z), count, len(got), n)
				}
				per := max(count, 10*boolInt(count == 0))
				if len(sizes) < n/(per+10) {
					t.Fatalf("%s %s COUNT %d: %d calls: not about COUNT per call", name, keyOf(z), count, len(sizes))
				}
				for i, s := range sizes {
					if s > per+10 {
						t.Fatalf("%s %s COUNT %d: call %d returned %d", name, keyOf(z), count, i, s)
					}
				}
				if want == nil {
					want = got
				} else if !maps.Equal(got, want) {
					t.Fatalf("%s %s COUNT %d: elements or their values differ from redis-server's", name, keyOf(z), count)
				}
			}
			got, _ := scanAll(t, c, z, keyOf(z), 20, nil, "MATCH", "*1?")
			if len(got) != 500 {
				t.Fatalf("%s %s MATCH *1?: %d elements, want 500", name, keyOf(z), len(got))
			}
			for f, v := range got {
				if !strings.HasSuffix(f[:len(f)-1], "1") || want[f] != v {
					t.Fatalf("%s %s MATCH *1?: %q=%q", name, keyOf(z), f, v)
				}
			}
		}
	}
	got, _ := scanAll(t, vc, false, "h", 50, nil, "MATCH", "f1*", "NOVALUES")
	if len(got) != 1111 {
		t.Fatalf("HSCAN h MATCH f1* NOVALUES: %d fields, want 1111", len(got))
	}
}

func keyOf(z bool) string {
	if z {
		return "z"
	}
	return "h"
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestHScanAndZScanGuaranteeUnderWrites: a full HSCAN (ZSCAN) with COUNT
// 50 of 2000 fields (members) that stay, while between its calls 300
// others come at a time up to 20000 and then go 300 at a time down to
// none (the table grows 16 times over, then has under an eighth of its
// slots used, and shrinks), twice, and another client adds and deletes
// others meanwhile: every field that stayed comes back, with its value,
// from vcache as from redis-server.
func TestHScanAndZScanGuaranteeUnderWrites(t *testing.T) {
	servers := map[string]*redis.Client{"redis-server": startRedisServer(t), "vcache": startNode(t, nil).client(t)}
	ctx := context.Background()
	for name, c := range servers {
		for _, z := range []bool{false, true} {
			key := keyOf(z)
			add := func(c *redis.Client, from, to int, prefix string) {
				args := []any{"HSET", key}
				if z {
					args[0] = "ZADD"
				}
				for i := from; i < to; i++ {
					if z {
						args = append(args, i, prefix+strconv.Itoa(i))
					} else {
						args = append(args, prefix+strconv.Itoa(i), i)
					}
				}
				if err := c.Do(ctx, args...).Err(); err != nil {
					t.Fatal(err)
				}
			}
			del := func(c *redis.Client, from, to int, prefix string) {
				args := []any{"HDEL", key}
				if z {
					args[0] = "ZREM"
				}
				for i := from; i < to; i++ {
					args = append(args, prefix+strconv.Itoa(i))
				}
				if err := c.Do(ctx, args...).Err(); err != nil {
					t.Fatal(err)
				}
			}
			add(c, 0, 2000, "stay:")
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { // churn from another connection, bounded
				defer wg.Done()
				w := redis.NewClient(c.Options())
				defer w.Close()
				deadline := time.Now().Add(60 * time.Second)
				for i := 0; i < 100000 && time.Now().Before(deadline); i += 20 {
					select {
					case <-stop:
						return
					default:
					}
					add(w, i, i+20, "churn:")
					del(w, i-100, i-80, "churn:")
				}
			}()
			extra, growing, cycles := 0, true, 0
			got, _ := scanAll(t, c, z, key, 50, func(int) {
				switch {
				case growing && cycles < 2:
					add(c, extra, extra+300, "x:")
					if extra += 300; extra >= 20000 {
						growing = false
					}
				case extra > 0:
					del(c, extra-300, extra, "x:")
					if extra -= 300; extra == 0 {
						growing, cycles = true, cycles+1
					}
				}
			})
			close(stop)
			wg.Wait()
			if cycles == 0 {
				t.Fatalf("%s %s: the scan ended before the table shrank back: the test does not test shrinking", name, key)
			}
			for i := range 2000 {
				f := "stay:" + strconv.Itoa(i)
				if v, ok := got[f]; !ok || v != strconv.Itoa(i) {
					t.Fatalf("%s %s: %q was there for the whole scan but came back %q %v", name, key, f, v, ok)
				}
			}
			c.Del(ctx, key)
		}
	}
}

// FuzzScanCursor: command.ParseScanCursor reads a cursor as C's strtoul does
// for Redis: an optional sign and 1 to 20 digits within 2^64-1 (a minus
// wraps the number around), or nothing at all for 0; anything else is
// refused.
func FuzzScanCursor(f *testing.F) {
	for _, s := range []string{"0", "", "-", "+", "-1", "+5", " 5", "5 ", "007", "18446744073709551615",
		"18446744073709551616", "-18446744073709551615", "-18446744073709551616", "+-1", "1e3", "0x10", "١"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := command.ParseScanCursor([]byte(s))
		// The model: sign, then digits, by hand over a wide integer.
		digits, neg := s, false
		if digits != "" && (digits[0] == '+' || digits[0] == '-') {
			neg, digits = digits[0] == '-', digits[1:]
		}
		wantOK := s == "" || digits != ""
		var v uint64
		for _, ch := range []byte(digits) {
			if ch < '0' || ch > '9' {
				wantOK = false
				break
			}
			hi, lo := bits.Mul64(v, 10)
			lo2 := lo + uint64(ch-'0')
			if hi != 0 || lo2 < lo {
				wantOK = false
				break
			}
			v = lo2
		}
		if neg {
			v = -v
		}
		if ok != wantOK || ok && got != v {
			t.Fatalf("%q: %d %v, want %d %v", s, got, ok, v, wantOK)
		}
	})
}

// FuzzKeyScanArgs: SSCAN, HSCAN and ZSCAN with any arguments on a node
// holding small and large sets, hashes and sorted sets either answer a
// Redis error or [cursor, elements]: from a large value about COUNT
// elements, from a small one all of them and cursor 0.
func FuzzKeyScanArgs(f *testing.F) {
	for _, s := range []string{"HSCAN bh 0 COUNT 5", "ZSCAN bz 0 MATCH m1* COUNT 3", "SSCAN bs 18446744073709551615",
		"HSCAN h 5 NOVALUES", "HSCAN bh 0 NOVALUES MATCH *7", "ZSCAN z -1 COUNT 0", "HSCAN str 0 COUNT 0",
		"SSCAN nokey 0 FOO", "HSCAN bh 12345 COUNT 1"} {
		f.Add(s)
	}
	tn := startNode(f, nil)
	c := tn.client(f)
	ctx := context.Background()
	var bh, bz, bs []any
	for i := range 3000 {
		bh = append(bh, "f"+strconv.Itoa(i), i)
		bz = append(bz, i, "m"+strconv.Itoa(i))
		bs = append(bs, "s"+strconv.Itoa(i))
	}
	c.HSet(ctx, "bh", bh...)
	c.Do(ctx, append([]any{"ZADD", "bz"}, bz...)...)
	c.SAdd(ctx, "bs", bs...)
	c.HSet(ctx, "h", "a", 1, "b", 2)
	c.ZAdd(ctx, "z", redis.Z{Score: 1, Member: "a"})
	c.Set(ctx, "str", "x", 0)
	f.Fuzz(func(t *testing.T, line string) {
		words := strings.Fields(line)
		if len(words) < 3 || len(words) > 12 {
			return
		}
		args := make([]any, len(words))
		for i, w := range words {
			args[i] = w
		}
		v, err := c.Do(ctx, args...).Slice()
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "ERR ") && !strings.HasPrefix(msg, "WRONGTYPE ") {
				t.Fatalf("%q: %v", line, err)
			}
			return
		}
		next, _ := v[0].(string)
		cur, perr := strconv.ParseUint(next, 10, 64)
		elems, _ := v[1].([]any)
		if len(v) != 2 || perr != nil {
			t.Fatalf("%q: %v", line, v)
		}
		count := 10
		for i := 3; i+1 < len(words); i++ {
			if strings.EqualFold(words[i], "COUNT") {
				count, _ = strconv.Atoi(words[i+1])
			}
		}
		if strings.HasPrefix(words[1], "b") && count < 1000 && len(elems) > 2*(count+20) {
			t.Fatalf("%q: %d elements in one reply", line, len(elems))
		}
		if cur != 0 && !strings.HasPrefix(words[1], "b") {
			t.Fatalf("%q: cursor %d for a small value", line, cur)
		}
	})
}

// TestScanCursorsOutOfRange: SCAN reads its cursor as Redis 7.0 does (a
// sign, an empty cursor and the full 64-bit range are accepted, a space or
// a value past 2^64 is not), and a cursor that is none of the node's (past
// its last slot, or negative as a signed number) ends the scan instead of
// failing the command; the node then serves keys of every stripe as before.
func TestScanCursorsOutOfRange(t *testing.T) {
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	for i := range 200 {
		c.Set(ctx, fmt.Sprint("k", i), i, 0)
	}
	for _, cur := range []string{"18446744073709551615", "9223372036854775808", "-1", "-9223372036854775808", "16384", "99999"} {
		v, err := c.Do(ctx, "SCAN", cur, "COUNT", "1000").Slice()
		if err != nil || len(v) != 2 || v[0] != "0" {
			t.Errorf("SCAN %s: %v, %v; want a finished scan", cur, v, err)
		}
	}
	for _, cur := range []string{" 1", "18446744073709551616", "x"} {
		if err := c.Do(ctx, "SCAN", cur).Err(); err == nil || err.Error() != "ERR invalid cursor" {
			t.Errorf("SCAN %q: %v; want ERR invalid cursor", cur, err)
		}
	}
	if v, err := c.Do(ctx, "SCAN", "", "COUNT", "1000").Slice(); err != nil || len(v) != 2 {
		t.Errorf("SCAN of an empty cursor (0 to Redis): %v, %v", v, err)
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for i := range 200 {
		if v, err := c.Get(cctx, fmt.Sprint("k", i)).Int(); err != nil || v != i {
			t.Fatalf("GET k%d after the scans: %v, %v", i, v, err)
		}
	}
}
