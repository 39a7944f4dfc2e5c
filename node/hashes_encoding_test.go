package node

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// wantEncoding fails the test unless OBJECT ENCODING key answers want.
func wantEncoding(t *testing.T, c *redis.Client, key, want string) {
	t.Helper()
	if got, err := c.ObjectEncoding(context.Background(), key).Result(); err != nil || got != want {
		t.Fatalf("OBJECT ENCODING %s = %q, %v; want %q", key, got, err, want)
	}
}

// TestHashEncodingConversionPoints: a hash is a listpack up to
// hash-max-listpack-entries fields and hash-max-listpack-value bytes per
// field or value, converts past either, and does not convert back.
func TestHashEncodingConversionPoints(t *testing.T) {
	c := startNode(t, nil).client(t)
	ctx := context.Background()

	t.Run("entries", func(t *testing.T) {
		for i := 0; i < 128; i++ {
			c.HSet(ctx, "many", fmt.Sprintf("f%d", i), i)
		}
		wantEncoding(t, c, "many", "listpack")
		c.HSet(ctx, "many", "f128", "x")
		wantEncoding(t, c, "many", "hashtable")
		for i := 0; i < 120; i++ {
			c.HDel(ctx, "many", fmt.Sprintf("f%d", i))
		}
		wantEncoding(t, c, "many", "hashtable") // never back, as Redis
		if n := c.HLen(ctx, "many").Val(); n != 9 {
			t.Fatalf("HLEN = %d, want 9", n)
		}
	})
	t.Run("value-length", func(t *testing.T) {
		c.HSet(ctx, "long", "f", strings.Repeat("v", 64), strings.Repeat("k", 64), "v")
		wantEncoding(t, c, "long", "listpack")
		c.HSet(ctx, "long", "g", strings.Repeat("v", 65))
		wantEncoding(t, c, "long", "hashtable")
		c.HSet(ctx, "longfield", strings.Repeat("k", 65), "v")
		wantEncoding(t, c, "longfield", "hashtable")
		if v := c.HGet(ctx, "long", "f").Val(); v != strings.Repeat("v", 64) {
			t.Fatalf("HGET after conversion = %q", v)
		}
	})
	t.Run("config", func(t *testing.T) {
		if err := c.ConfigSet(ctx, "hash-max-ziplist-entries", "3").Err(); err != nil {
			t.Fatal(err)
		}
		if v := c.ConfigGet(ctx, "hash-max-listpack-entries").Val(); v["hash-max-listpack-entries"] != "3" {
			t.Fatalf("CONFIG GET hash-max-listpack-entries = %v", v)
		}
		c.HSet(ctx, "three", "a", 1, "b", 2, "c", 3)
		wantEncoding(t, c, "three", "listpack")
		c.HSet(ctx, "four", "a", 1, "b", 2, "c", 3, "d", 4)
		wantEncoding(t, c, "four", "hashtable")
		c.HIncrBy(ctx, "three", "d", 1)
		wantEncoding(t, c, "three", "hashtable")

		if err := c.ConfigSet(ctx, "hash-max-listpack-value", "1kb").Err(); err != nil {
			t.Fatal(err)
		}
		if v := c.ConfigGet(ctx, "hash-max-ziplist-value").Val(); v["hash-max-ziplist-value"] != "1024" {
			t.Fatalf("CONFIG GET hash-max-ziplist-value = %v", v)
		}
		c.HSet(ctx, "kb", "f", strings.Repeat("v", 1000))
		wantEncoding(t, c, "kb", "listpack")

		c.ConfigSet(ctx, "hash-max-listpack-entries", "0")
		c.HSet(ctx, "zero", "a", 1)
		wantEncoding(t, c, "zero", "hashtable")
		c.ConfigSet(ctx, "hash-max-listpack-entries", "128")
		c.ConfigSet(ctx, "hash-max-listpack-value", "64")
		wantEncoding(t, c, "four", "hashtable") // raising the limits converts nothing back
		wantEncoding(t, c, "kb", "listpack")    // nor lowering them a packed hash
		if err := c.ConfigSet(ctx, "hash-max-listpack-entries", "-1").Err(); err == nil {
			t.Fatal("CONFIG SET hash-max-listpack-entries -1 accepted")
		}
	})
}

// TestHashListpackScanAndRandField: a listpack hash comes whole from one
// HSCAN call whatever COUNT says (as Redis's), and HRANDFIELD draws from
// it.
func TestHashListpackScanAndRandField(t *testing.T) {
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	want := map[string]string{}
	for i := 0; i < 50; i++ {
		want[fmt.Sprintf("f%d", i)] = fmt.Sprint(i * 1000)
		c.HSet(ctx, "h", fmt.Sprintf("f%d", i), i*1000)
	}
	wantEncoding(t, c, "h", "listpack")
	kv, cursor, err := c.HScan(ctx, "h", 0, "", 1).Result()
	if err != nil || cursor != 0 || len(kv) != 100 {
		t.Fatalf("HSCAN h 0 COUNT 1 = %d items, cursor %d, %v; want 100 and 0", len(kv), cursor, err)
	}
	got := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		got[kv[i]] = kv[i+1]
	}
	if !maps.Equal(got, want) {
		t.Fatalf("HSCAN content differs: %v", got)
	}
	pairs, err := c.HRandFieldWithValues(ctx, "h", -200).Result()
	if err != nil || len(pairs) != 200 {
		t.Fatalf("HRANDFIELD h -200 WITHVALUES = %d pairs, %v", len(pairs), err)
	}
	for _, p := range pairs {
		if want[p.Key] != p.Value {
			t.Fatalf("HRANDFIELD gave %q=%q, not in the hash", p.Key, p.Value)
		}
	}
	fields, err := c.HRandField(ctx, "h", 100).Result()
	if err != nil || len(fields) != 50 {
		t.Fatalf("HRANDFIELD h 100 = %d fields, %v; want all 50", len(fields), err)
	}
}

// TestHashEncodingsSurviveRestartCopyRestore: both encodings keep their
// content through a restart, COPY, RENAME and DUMP/RESTORE; a small hash
// comes back a listpack (a hash table that shrank too, as Redis loads it),
// a big one a hash table.
func TestHashEncodingsSurviveRestartCopyRestore(t *testing.T) {
	dir := t.TempDir()
	withDir := func(c *Config) { c.Dir = dir }
	tn := startNode(t, withDir)
	c := tn.client(t)
	ctx := context.Background()
	small := map[string]string{"a": "1", "b": "hello", "c": "-5", "d": "0123", "e": ""}
	big := map[string]string{}
	for i := 0; i < 300; i++ {
		big[fmt.Sprintf("field:%d", i)] = fmt.Sprintf("value %d", i)
	}
	for f, v := range small {
		c.HSet(ctx, "small", f, v)
		c.HSet(ctx, "shrunk", f, v)
	}
	c.HSet(ctx, "shrunk", "big", strings.Repeat("x", 100))
	c.HDel(ctx, "shrunk", "big")
	for f, v := range big {
		c.HSet(ctx, "big", f, v)
	}
	c.Expire(ctx, "small", time.Hour)
	wantEncoding(t, c, "small", "listpack")
	wantEncoding(t, c, "shrunk", "hashtable")
	wantEncoding(t, c, "big", "hashtable")

	check := func(c *redis.Client, key string, want map[string]string, enc string) {
		t.Helper()
		if got := c.HGetAll(ctx, key).Val(); !maps.Equal(got, want) {
			t.Fatalf("HGETALL %s = %d fields, want %d (%v)", key, len(got), len(want), got)
		}
		if _, ok := want["e"]; ok {
			if v, err := c.HGet(ctx, key, "e").Result(); err != nil || v != "" {
				t.Fatalf("HGET %s e = %q, %v; want an empty string", key, v, err)
			}
		}
		wantEncoding(t, c, key, enc)
	}
	c.Copy(ctx, "small", "small-copy", 0, false)
	check(c, "small-copy", small, "listpack")
	c.Rename(ctx, "small-copy", "small-renamed")
	check(c, "small-renamed", small, "listpack")
	for _, k := range []string{"small", "big"} {
		payload := c.Dump(ctx, k).Val()
		if err := c.Restore(ctx, k+"-restored", 0, payload).Err(); err != nil {
			t.Fatalf("RESTORE %s: %v", k, err)
		}
	}
	check(c, "small-restored", small, "listpack")
	check(c, "big-restored", big, "hashtable")

	if err := c.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	tn.stop()
	c2 := startNode(t, withDir).client(t)
	check(c2, "small", small, "listpack")
	check(c2, "shrunk", small, "listpack")
	check(c2, "big", big, "hashtable")
	check(c2, "small-renamed", small, "listpack")
	if ttl := c2.TTL(ctx, "small").Val(); ttl < 59*time.Minute {
		t.Fatalf("TTL of small after restart = %v", ttl)
	}
}

// TestHashListpackMemoryUsage: the same fields cost less as a listpack
// than as a hash table, in MEMORY USAGE and in used_memory.
func TestHashListpackMemoryUsage(t *testing.T) {
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	fv := []any{"field1", "value00001", "field2", "value00002", "field3", "value00003", "field4", "value00004", "field5", "value00005"}
	c.HSet(ctx, "packed", fv...)
	c.ConfigSet(ctx, "hash-max-listpack-entries", "0")
	c.HSet(ctx, "table", fv...)
	wantEncoding(t, c, "packed", "listpack")
	wantEncoding(t, c, "table", "hashtable")
	p, t2 := c.MemoryUsage(ctx, "packed").Val(), c.MemoryUsage(ctx, "table").Val()
	if p <= 0 || p*2 > t2 {
		t.Fatalf("MEMORY USAGE packed = %d, table = %d; want packed under half", p, t2)
	}
	// used_memory moves by the key's MEMORY USAGE when it is deleted.
	before := usedMemory(t, c)
	c.Del(ctx, "packed")
	if d := before - usedMemory(t, c); d != p {
		t.Fatalf("used_memory fell by %d deleting a key of MEMORY USAGE %d", d, p)
	}
}

func usedMemory(t *testing.T, c *redis.Client) int64 {
	t.Helper()
	info := c.Info(context.Background(), "memory").Val()
	for _, l := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(l, "used_memory:"); ok {
			var n int64
			fmt.Sscan(v, &n)
			return n
		}
	}
	t.Fatal("no used_memory in INFO memory")
	return 0
}
