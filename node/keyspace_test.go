package node

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// infoInt reads one integer field of INFO.
func infoInt(t testing.TB, c *redis.Client, field string) int64 {
	t.Helper()
	info, err := c.Info(context.Background(), "all").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("INFO %s = %q", field, v)
			}
			return n
		}
	}
	t.Fatalf("INFO has no %s", field)
	return 0
}

func TestActiveExpiryFreesUntouchedKeys(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	pipe := c.Pipeline()
	for i := 0; i < 2000; i++ {
		pipe.Set(ctx, fmt.Sprintf("ttl:%d", i), "v", 50*time.Millisecond)
	}
	pipe.Set(ctx, "forever", "v", 0)
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	before := infoInt(t, c, "used_memory")
	// Nobody reads the keys: the active cycle must remove them.
	waitFor(t, 10*time.Second, "active expiry to remove 2000 keys", func() bool {
		return c.DBSize(ctx).Val() == 1
	})
	if got := infoInt(t, c, "expired_keys"); got != 2000 {
		t.Errorf("expired_keys = %d, want 2000", got)
	}
	if after := infoInt(t, c, "used_memory"); after >= before {
		t.Errorf("used_memory %d did not drop below %d", after, before)
	}
	if c.Get(ctx, "forever").Val() != "v" {
		t.Error("a key without TTL was lost")
	}
}

func TestAllKeysLRUStaysUnderMaxmemory(t *testing.T) {
	const maxmem = 4 << 20
	tn := startNode(t, func(c *Config) {
		c.Cache.MaxMemory = maxmem
		c.Cache.Policy = mustPolicy(t, "allkeys-lru")
	})
	c := tn.client(t)
	ctx := context.Background()
	val := strings.Repeat("x", 1000)
	written := 0
	for batch := 0; written < 3*maxmem; batch++ {
		pipe := c.Pipeline()
		for i := 0; i < 200; i++ {
			pipe.Set(ctx, fmt.Sprintf("k:%d:%d", batch, i), val, 0)
			written += len(val)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatalf("write under allkeys-lru: %v", err)
		}
		if used := evictable(memInfo(t, c)); used > maxmem {
			t.Fatalf("used_memory less mem_not_counted_for_evict %d > maxmemory %d after writing %d bytes", used, maxmem, written)
		}
		if batch == 0 {
			// The LRU clock ticks every 100 ms (Redis's every second): keys
			// written within one tick are equally old, and any of them may
			// go first. Let the first batch be older than the rest (time
			// passing is what is tested here, not a synchronisation).
			time.Sleep(250 * time.Millisecond)
		}
	}
	if ev := infoInt(t, c, "evicted_keys"); ev == 0 {
		t.Fatal("nothing was evicted")
	}
	// The most recent keys survive; the oldest were evicted.
	if c.Exists(ctx, fmt.Sprintf("k:%d:%d", written/(200*len(val))-1, 199)).Val() != 1 {
		t.Error("the last key written was evicted")
	}
	if c.Exists(ctx, "k:0:0").Val() != 0 {
		t.Error("the first key written survived 3x maxmemory of writes under LRU")
	}
}

func TestVolatileEvictsOnlyKeysWithTTL(t *testing.T) {
	for _, policy := range []string{"volatile-lru", "volatile-lfu", "volatile-ttl", "volatile-random"} {
		t.Run(policy, func(t *testing.T) {
			const maxmem = 2 << 20
			tn := startNode(t, func(c *Config) {
				c.Cache.MaxMemory = maxmem
				c.Cache.Policy = mustPolicy(t, policy)
			})
			c := tn.client(t)
			ctx := context.Background()
			val := strings.Repeat("p", 1000)
			pipe := c.Pipeline()
			for i := 0; i < 500; i++ { // ~0.6 MB without TTL
				pipe.Set(ctx, fmt.Sprintf("keep:%d", i), val, 0)
			}
			if _, err := pipe.Exec(ctx); err != nil {
				t.Fatal(err)
			}
			var oom error
			for i := 0; i < 4000 && oom == nil; i++ { // ~4.8 MB with TTL
				oom = c.Set(ctx, fmt.Sprintf("tmp:%d", i), val, time.Hour).Err()
			}
			if oom != nil {
				t.Fatalf("write with TTL keys to evict: %v", oom)
			}
			if n := len(c.Keys(ctx, "keep:*").Val()); n != 500 {
				t.Fatalf("%d of 500 keys without TTL left; volatile-* must not evict them", n)
			}
			if infoInt(t, c, "evicted_keys") == 0 {
				t.Fatal("nothing evicted")
			}
			if used := evictable(memInfo(t, c)); used > maxmem {
				t.Fatalf("used_memory less mem_not_counted_for_evict %d > maxmemory %d", used, maxmem)
			}
		})
	}
}

func TestNoEvictionRefusesWrites(t *testing.T) {
	tn := startNode(t, func(c *Config) { c.Cache.MaxMemory = 1 << 20 })
	rc := tn.raw(t)
	val := strings.Repeat("z", 10000)
	var last string
	for i := 0; i < 500; i++ {
		if last = rc.do("SET", fmt.Sprintf("k%d", i), val); last != "OK" {
			break
		}
	}
	if last != "(error) OOM command not allowed when used memory > 'maxmemory'." {
		t.Fatalf("write past maxmemory under noeviction: %s", last)
	}
	// Reads and deletes still work.
	if got := rc.do("STRLEN", "k0"); got != "(integer) 10000" {
		t.Fatalf("read under OOM: %s", got)
	}
	if got := rc.do("DEL", "k0", "k1", "k2"); got != "(integer) 3" {
		t.Fatalf("DEL under OOM: %s", got)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	dir := t.TempDir()
	withDir := func(c *Config) { c.Dir = dir }
	tn := startNode(t, withDir)
	c := tn.client(t)
	ctx := context.Background()
	for i := 0; i < 1000; i++ {
		c.Set(ctx, fmt.Sprintf("s:%d", i), fmt.Sprintf("v%d", i), 0)
	}
	c.HSet(ctx, "h", "a", "1", "b", "2")
	c.Set(ctx, "ttl", "x", time.Hour)
	c.Set(ctx, "gone", "x", 30*time.Millisecond)
	time.Sleep(40 * time.Millisecond) // let "gone" expire before the save: the TTL passing is what is tested
	tn.stop()                         // shutdown saves

	tn2 := startNode(t, withDir)
	c2 := tn2.client(t)
	if n := c2.DBSize(ctx).Val(); n != 1002 {
		t.Fatalf("after restart DBSIZE = %d, want 1002", n)
	}
	if v := c2.Get(ctx, "s:777").Val(); v != "v777" {
		t.Fatalf("s:777 = %q", v)
	}
	if h := c2.HGetAll(ctx, "h").Val(); h["a"] != "1" || h["b"] != "2" || len(h) != 2 {
		t.Fatalf("hash after restart: %v", h)
	}
	if ttl := c2.TTL(ctx, "ttl").Val(); ttl < 59*time.Minute || ttl > time.Hour {
		t.Fatalf("TTL after restart = %v", ttl)
	}
	if c2.Exists(ctx, "gone").Val() != 0 {
		t.Fatal("an expired key came back")
	}
}

func TestTruncatedSnapshotRefusesToStart(t *testing.T) {
	dir := t.TempDir()
	tn := startNode(t, func(c *Config) { c.Dir = dir })
	c := tn.client(t)
	for i := 0; i < 100; i++ {
		c.Set(context.Background(), fmt.Sprintf("k%d", i), strings.Repeat("v", 100), 0)
	}
	if err := c.Save(context.Background()).Err(); err != nil {
		t.Fatalf("SAVE: %v", err)
	}
	tn.stop()
	p := filepath.Join(dir, "dump.vcache")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int{len(data) - 1, len(data) / 2, 20} {
		os.WriteFile(p, data[:cut], 0o644)
		cfg := DefaultConfig()
		cfg.Dir = dir
		if _, err := New(cfg, nil); err == nil {
			t.Fatalf("a snapshot cut to %d of %d bytes loaded without error", cut, len(data))
		}
	}
	flipped := append([]byte(nil), data...)
	flipped[len(flipped)/2] ^= 0x40
	os.WriteFile(p, flipped, 0o644)
	cfg := DefaultConfig()
	cfg.Dir = dir
	if _, err := New(cfg, nil); err == nil {
		t.Fatal("a snapshot with a flipped byte loaded without error")
	}
}

func TestBGSave(t *testing.T) {
	dir := t.TempDir()
	tn := startNode(t, func(c *Config) { c.Dir = dir })
	rc := tn.raw(t)
	rc.do("SET", "a", "1")
	lastSave := func() int64 {
		t.Helper()
		got := rc.do("LASTSAVE")
		n, err := strconv.ParseInt(strings.TrimPrefix(got, "(integer) "), 10, 64)
		if err != nil {
			t.Fatalf("LASTSAVE = %q", got)
		}
		return n
	}
	before := lastSave()
	// LASTSAVE counts seconds: a save within the second of before would
	// not show.
	waitFor(t, 2*time.Second, "the clock to pass LASTSAVE", func() bool { return time.Now().Unix() > before })
	issued := time.Now().Unix()
	if got := rc.do("BGSAVE"); got != "Background saving started" {
		t.Fatalf("BGSAVE: %s", got)
	}
	// As a client checks that a BGSAVE is done: LASTSAVE moves, to the
	// time of the save.
	waitFor(t, 10*time.Second, "LASTSAVE to advance after BGSAVE", func() bool {
		return lastSave() > before
	})
	if got, now := lastSave(), time.Now().Unix(); got < issued || got > now {
		t.Fatalf("LASTSAVE after BGSAVE = %d, want between %d and %d", got, issued, now)
	}
	waitFor(t, 10*time.Second, "BGSAVE to finish", func() bool {
		_, err := os.Stat(filepath.Join(dir, "dump.vcache"))
		return err == nil && !tn.persist.bgRunning.Load()
	})
}

func TestRedisCLIPipeLoads100kKeys(t *testing.T) {
	tn := startNode(t, nil)
	var b strings.Builder
	for i := 0; i < 100000; i++ {
		k, v := fmt.Sprintf("pipe:%d", i), fmt.Sprintf("value-%d", i)
		fmt.Fprintf(&b, "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", len(k), k, len(v), v)
	}
	out := redisCLI(t, tn.addr, strings.NewReader(b.String()), "--pipe")
	if !strings.Contains(out, "errors: 0, replies: 100000") {
		t.Fatalf("redis-cli --pipe: %s", out)
	}
	if got := strings.TrimSpace(redisCLI(t, tn.addr, nil, "DBSIZE")); got != "100000" {
		t.Fatalf("DBSIZE after --pipe = %s", got)
	}
	if got := strings.TrimSpace(redisCLI(t, tn.addr, nil, "GET", "pipe:99999")); got != "value-99999" {
		t.Fatalf("GET pipe:99999 = %s", got)
	}
}
