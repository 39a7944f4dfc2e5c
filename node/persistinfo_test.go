package node

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// infoFields parses one INFO reply into its fields.
func infoFields(t *testing.T, c *redis.Client, section string) map[string]string {
	t.Helper()
	text, err := c.Info(context.Background(), section).Result()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(text, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(k, "#") {
			out[k] = v
		}
	}
	return out
}

// TestPersistenceInfo: INFO persistence counts the key changes since the
// last successful save (each key written, once), resets them on SAVE and
// BGSAVE, shows a BGSAVE in progress, and after a failed save keeps the
// count, the last good save's time and says err.
func TestPersistenceInfo(t *testing.T) {
	dir := t.TempDir() + "/data"
	started := time.Now().Unix()
	tn := startNode(t, func(c *Config) { c.Dir = dir })
	c := tn.client(t)
	ctx := context.Background()
	want := func(what string, fields map[string]string) {
		t.Helper()
		got := infoFields(t, c, "persistence")
		for k, v := range fields {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q", what, k, got[k], v)
			}
		}
	}
	p := infoFields(t, c, "persistence")
	if ts, _ := strconv.ParseInt(p["rdb_last_save_time"], 10, 64); ts < started-1 || ts > time.Now().Unix() {
		t.Errorf("at the start rdb_last_save_time = %q, want the start time (%d)", p["rdb_last_save_time"], started)
	}
	want("at the start", map[string]string{"rdb_changes_since_last_save": "0", "rdb_bgsave_in_progress": "0",
		"rdb_last_bgsave_status": "ok", "rdb_saves": "0", "rdb_last_bgsave_time_sec": "-1"})

	const writes = 20000
	for i := 0; i < writes; i += 1000 {
		pipe := c.Pipeline()
		for j := i; j < i+1000; j++ {
			pipe.Set(ctx, fmt.Sprintf("k%d", j), "v", 0)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	c.MSet(ctx, "m1", "1", "m2", "2", "m3", "3")
	c.Del(ctx, "no-such-key")
	c.Get(ctx, "k1")
	want("after 20000 SETs, an MSET of 3, a DEL of nothing and a GET", map[string]string{
		"rdb_changes_since_last_save": strconv.Itoa(writes + 3)})

	if err := c.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	want("after SAVE", map[string]string{"rdb_changes_since_last_save": "0", "rdb_saves": "1", "rdb_last_bgsave_status": "ok"})
	if last := c.LastSave(ctx).Val(); strconv.FormatInt(last, 10) != infoFields(t, c, "persistence")["rdb_last_save_time"] {
		t.Errorf("LASTSAVE %d differs from rdb_last_save_time", last)
	}

	// A BGSAVE held up (the test holds the snapshot lock) is in progress.
	c.Set(ctx, "k1", "changed", 0)
	tn.persist.mu.Lock()
	if err := c.BgSave(ctx).Err(); err != nil {
		tn.persist.mu.Unlock()
		t.Fatal(err)
	}
	want("during BGSAVE", map[string]string{"rdb_bgsave_in_progress": "1", "rdb_changes_since_last_save": "1"})
	if cur := infoFields(t, c, "persistence")["rdb_current_bgsave_time_sec"]; cur == "-1" || cur == "" {
		t.Errorf("during BGSAVE rdb_current_bgsave_time_sec = %q", cur)
	}
	tn.persist.mu.Unlock()
	waitFor(t, 10*time.Second, "BGSAVE to finish", func() bool {
		return infoFields(t, c, "persistence")["rdb_bgsave_in_progress"] == "0"
	})
	want("after BGSAVE", map[string]string{"rdb_changes_since_last_save": "0", "rdb_saves": "2",
		"rdb_last_bgsave_status": "ok", "rdb_current_bgsave_time_sec": "-1"})
	if last := infoFields(t, c, "persistence")["rdb_last_bgsave_time_sec"]; last == "-1" || last == "" {
		t.Errorf("after BGSAVE rdb_last_bgsave_time_sec = %q", last)
	}

	// Saves fail while the directory is a file (root or not).
	lastGood := infoFields(t, c, "persistence")["rdb_last_save_time"]
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a directory"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		c.Set(ctx, fmt.Sprintf("late%d", i), "v", 0)
	}
	if err := c.BgSave(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the failing BGSAVE to finish", func() bool {
		return infoFields(t, c, "persistence")["rdb_bgsave_in_progress"] == "0"
	})
	want("after a failed BGSAVE", map[string]string{"rdb_changes_since_last_save": "5", "rdb_last_bgsave_status": "err",
		"rdb_last_save_time": lastGood, "rdb_saves": "2"})
	if err := c.Save(ctx).Err(); err == nil {
		t.Error("SAVE into a file that is not a directory succeeded")
	}
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(ctx).Err(); err != nil {
		t.Fatalf("SAVE once the directory can be made again: %v", err)
	}
	want("after a good SAVE again", map[string]string{"rdb_changes_since_last_save": "0", "rdb_last_bgsave_status": "ok", "rdb_saves": "3"})
}
