package node

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// loadScanDocs writes n hashes doc:0..doc:n-1 (t "hello w<i%10>", n i%100,
// g "a") in pipelines.
func loadScanDocs(t *testing.T, c *redis.Client, n int) {
	t.Helper()
	ctx := context.Background()
	for lo := 0; lo < n; lo += 10_000 {
		pipe := c.Pipeline()
		for i := lo; i < min(lo+10_000, n); i++ {
			pipe.HSet(ctx, fmt.Sprintf("doc:%d", i), "t", fmt.Sprintf("hello w%d", i%10), "n", i%100, "g", "a")
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

var scanSchema = []any{"ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "t", "TEXT", "n", "NUMERIC", "g", "TAG"}

// ftCreate sends FT.CREATE name over scanSchema and returns how long it
// took to answer.
func ftCreate(t *testing.T, c *redis.Client, name string) time.Duration {
	t.Helper()
	start := time.Now()
	if err := c.Do(context.Background(), append([]any{"FT.CREATE", name}, scanSchema...)...).Err(); err != nil {
		t.Fatal(err)
	}
	return time.Since(start)
}

// scanState reads FT.INFO's indexing, percent_indexed and num_docs.
func scanState(t *testing.T, c *redis.Client, name string) (indexing, pct string, docs int64) {
	t.Helper()
	f := ftInfoFields(t, c, name)
	return fmt.Sprint(f["indexing"]), fmt.Sprint(f["percent_indexed"]), infoNum(f["num_docs"])
}

// waitIndexed waits until FT.INFO says name's scan is over, and returns
// how many times it said the scan was under way meanwhile.
func waitIndexed(t *testing.T, c *redis.Client, name string) (underWay int) {
	t.Helper()
	waitFor(t, 2*time.Minute, name+"'s scan to end", func() bool {
		indexing, pct, _ := scanState(t, c, name)
		if indexing == "1" {
			if pct == "1" {
				t.Fatalf("FT.INFO %s: indexing 1 with percent_indexed 1", name)
			}
			underWay++
		}
		return indexing == "0" && pct == "1"
	})
	return underWay
}

// searchKeys returns the keys FT.SEARCH finds for q, sorted.
func searchKeys(t *testing.T, c *redis.Client, name, q string) []string {
	t.Helper()
	res, err := c.Do(context.Background(), "FT.SEARCH", name, q, "NOCONTENT", "LIMIT", 0, 1_000_000, "DIALECT", 2).Slice()
	if err != nil {
		t.Fatalf("FT.SEARCH %s %q: %v", name, q, err)
	}
	var keys []string
	for _, k := range res[1:] {
		keys = append(keys, fmt.Sprint(k))
	}
	slices.Sort(keys)
	return keys
}

// TestFTCreateIndexesInTheBackground: FT.CREATE over 200,000 hashes
// answers before it has indexed them, as RediSearch does: FT.INFO shows
// indexing 1 and percent_indexed under 1 meanwhile, a search answers over
// the documents indexed so far, and once percent_indexed is 1 every
// document is in.
func TestFTCreateIndexesInTheBackground(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	n := 200_000
	if raceEnabled {
		n = 40_000
	}
	loadScanDocs(t, c, n)
	took := ftCreate(t, c, "idx")
	start := time.Now()
	// Right after the answer: the scan is under way, a search answers
	// over part of the documents.
	indexing, pct, _ := scanState(t, c, "idx")
	partial := len(searchKeys(t, c, "idx", "*"))
	if indexing != "1" || pct == "1" {
		t.Fatalf("FT.INFO right after FT.CREATE (%v): indexing %s, percent_indexed %s; want the scan under way", took, indexing, pct)
	}
	if partial >= n {
		t.Fatalf("FT.SEARCH * right after FT.CREATE found all %d documents", partial)
	}
	waitIndexed(t, c, "idx")
	total := time.Since(start) + took
	if _, _, docs := scanState(t, c, "idx"); docs != int64(n) {
		t.Fatalf("num_docs %d once indexed, want %d", docs, n)
	}
	if got := len(searchKeys(t, c, "idx", "@g:{a}")); got != n {
		t.Fatalf("FT.SEARCH @g:{a} found %d, want %d", got, n)
	}
	t.Logf("FT.CREATE over %d hashes answered in %v (%d found by a search then); indexed in %v", n, took, partial, total)
}

// TestFTCreateScanFollowsWrites: hashes changed, deleted and added while
// FT.CREATE's scan runs end in the index exactly as they are in the
// keyspace: a second index made once the writes are over (its scan sees
// them all) finds the same documents for every query, and num_docs is
// the number of keys.
func TestFTCreateScanFollowsWrites(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	n := 100_000
	if raceEnabled {
		n = 30_000
	}
	loadScanDocs(t, c, n)
	ftCreate(t, c, "idx")
	// Writes spread over the keyspace, so that some keys change before the
	// scan reaches them and some after: every 7th key updated (new text,
	// number and tag), every 11th deleted, new keys added, until the scan
	// ends (or 2000 rounds).
	during, round := 0, 0
	for ; round < 2000; round++ {
		pipe := c.Pipeline()
		for j := 0; j < 50; j++ {
			i := (round*50 + j) * 7919 % n
			switch {
			case i%11 == 0:
				pipe.Del(ctx, fmt.Sprintf("doc:%d", i))
			case i%7 == 0:
				pipe.HSet(ctx, fmt.Sprintf("doc:%d", i), "t", "world", "n", 1000+round, "g", "b")
			default:
				pipe.HSet(ctx, fmt.Sprintf("doc:%d", n+round*50+j), "t", "new", "n", -1, "g", "c")
			}
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if indexing, _, _ := scanState(t, c, "idx"); indexing != "1" {
			break
		}
		during++
	}
	if during == 0 {
		t.Fatal("the scan was over before any write")
	}
	waitIndexed(t, c, "idx")
	ftCreate(t, c, "again")
	waitIndexed(t, c, "again")
	keys, err := c.Keys(ctx, "doc:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, docs := scanState(t, c, "idx"); docs != int64(len(keys)) {
		t.Fatalf("num_docs %d, %d keys", docs, len(keys))
	}
	slices.Sort(keys)
	if got := searchKeys(t, c, "idx", "*"); !slices.Equal(got, keys) {
		t.Fatalf("FT.SEARCH * found %d documents, the keyspace holds %d", len(got), len(keys))
	}
	for _, q := range []string{"@g:{a}", "@g:{b}", "@g:{c}", "@n:[1000 +inf]", "@n:[-1 -1]", "hello", "world", "new", "@t:w3 -@g:{b}"} {
		got, want := searchKeys(t, c, "idx", q), searchKeys(t, c, "again", q)
		if !slices.Equal(got, want) {
			t.Errorf("FT.SEARCH %q: %d documents, a rescan finds %d", q, len(got), len(want))
		}
		if len(want) == 0 {
			t.Errorf("FT.SEARCH %q finds nothing", q)
		}
	}
	t.Logf("%d of %d write rounds during the scan", during, round)
}

// TestFTDropIndexStopsTheScan: FT.DROPINDEX while FT.CREATE's scan runs
// drops the index at once and stops the scan; an index made again under
// the name indexes every document.
func TestFTDropIndexStopsTheScan(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	n := 200_000
	if raceEnabled {
		n = 40_000
	}
	loadScanDocs(t, c, n)
	ftCreate(t, c, "idx")
	ix, err := tn.search.Get("idx")
	if err != nil {
		t.Fatal(err)
	}
	if indexing, _, _ := scanState(t, c, "idx"); indexing != "1" {
		t.Fatalf("FT.INFO right after FT.CREATE: indexing %s", indexing)
	}
	if err := c.Do(ctx, "FT.DROPINDEX", "idx").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, "FT.INFO", "idx").Err(); err == nil {
		t.Fatal("FT.INFO answers for a dropped index")
	}
	// The scan ends at its next slot: the dropped index stops growing
	// well short of every document.
	waitFor(t, 10*time.Second, "the dropped index's scan to end", func() bool {
		tn.scans.mu.Lock()
		defer tn.scans.mu.Unlock()
		return len(tn.scans.jobs) == 0
	})
	stopped := ix.Info().NumDocs
	if stopped >= n {
		t.Fatalf("the dropped index holds all %d documents", stopped)
	}
	ftCreate(t, c, "idx")
	waitIndexed(t, c, "idx")
	if _, _, docs := scanState(t, c, "idx"); docs != int64(n) {
		t.Fatalf("num_docs %d of the index made again, want %d", docs, n)
	}
	if got := ix.Info().NumDocs; got != stopped {
		t.Fatalf("the dropped index went from %d to %d documents", stopped, got)
	}
}

// TestSnapshotDuringTheScan: a snapshot taken while FT.CREATE's scan runs
// (part of the documents indexed) brings back, at restart, the index with
// every document of the keyspace, the ones the scan had not reached
// included.
func TestSnapshotDuringTheScan(t *testing.T) {
	dir := t.TempDir()
	withDir := func(c *Config) { c.Dir = dir }
	tn := startNode(t, withDir)
	c := tn.client2(t)
	ctx := context.Background()
	n := 100_000
	if raceEnabled {
		n = 30_000
	}
	loadScanDocs(t, c, n)
	ftCreate(t, c, "idx")
	if err := c.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	indexing, _, saved := scanState(t, c, "idx")
	if indexing != "1" {
		t.Fatal("the scan was over by the time SAVE answered")
	}
	tn.stop()

	tn2 := startNode(t, withDir)
	c2 := tn2.client2(t)
	waitIndexed(t, c2, "idx")
	if _, _, docs := scanState(t, c2, "idx"); docs != int64(n) {
		t.Fatalf("num_docs %d after the restart (%d or fewer when saved), want %d", docs, saved, n)
	}
	if got := len(searchKeys(t, c2, "idx", "@g:{a} hello")); got != n {
		t.Fatalf("FT.SEARCH after the restart found %d, want %d", got, n)
	}
}
