package rag

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFixture writes a fixture of n records in the npm package's layout
// (under data/embeddings), record i pointing along axis i%dim, rotated a
// little so no two are equal.
func writeFixture(t *testing.T, n, dim int) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "data", "embeddings")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	meta := fmt.Sprintf(`{"model":"test","dimensions":%d,"totalVectors":%d}`, dim, n)
	var recs strings.Builder
	vecs := make([]byte, 0, n*dim*4)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&recs, `{"id":"r%d","document_id":"doc-%d","chunk_index":%d,"title":"T%d","content":"text %d"}`+"\n", i, i/2, i%2, i, i)
		for j := 0; j < dim; j++ {
			x := float32(0)
			if j == i%dim {
				x = 1
			}
			if j == (i+1)%dim {
				x = 0.1 * float32(i/dim+1)
			}
			vecs = binary.LittleEndian.AppendUint32(vecs, math.Float32bits(x))
		}
	}
	for name, data := range map[string][]byte{"metadata.json": []byte(meta), "records.jsonl": []byte(recs.String()), "embeddings.bin": vecs} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// checkSelfFirst stores f and asks with the vectors of the given records:
// each must come back first, at distance about 0.
func checkSelfFirst(t *testing.T, f *Fixture, records []int) {
	t.Helper()
	st, err := NewStore(startNode(t), StoreConfig{Index: "fx", Prefix: "fx:", Pipeline: 128})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	stats, err := IngestFixture(ctx, st, f)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Chunks != len(f.Records) || stats.Dim != f.Dim {
		t.Fatalf("stats %+v for %d records of dim %d", stats, len(f.Records), f.Dim)
	}
	for _, i := range records {
		c := f.Chunk(i)
		hits, err := st.Search(ctx, c.Vector, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 5 {
			t.Fatalf("record %d: %d hits", i, len(hits))
		}
		if hits[0].Key != st.Key(c.Source, c.N) || hits[0].Score > 1e-4 {
			t.Errorf("record %d (%s): first hit %s at %.5f, want itself at ~0", i, st.Key(c.Source, c.N), hits[0].Key, hits[0].Score)
		}
		for j := 1; j < len(hits); j++ {
			if hits[j].Score < hits[j-1].Score {
				t.Errorf("record %d: scores out of order %v", i, hits)
			}
		}
	}
}

func TestFixtureRetrievesItself(t *testing.T) {
	f, err := LoadFixture(writeFixture(t, 40, 16))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Records) != 40 || f.Dim != 16 || f.Model != "test" || f.Records[3].DocumentID != "doc-1" || f.Records[3].ChunkIndex != 1 {
		t.Fatalf("loaded %d records of dim %d, record 3 = %+v", len(f.Records), f.Dim, f.Records[3])
	}
	checkSelfFirst(t, f, []int{0, 7, 39})
}

func TestFixtureBadFiles(t *testing.T) {
	if _, err := LoadFixture(filepath.Join(t.TempDir(), "nope")); err == nil || !strings.Contains(err.Error(), "fetch-rag-data.sh") {
		t.Errorf("missing dir: %v", err)
	}
	root := writeFixture(t, 4, 8)
	bin := filepath.Join(root, "data", "embeddings", "embeddings.bin")
	if err := os.WriteFile(bin, make([]byte, 10), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFixture(root); err == nil || !strings.Contains(err.Error(), "want 128") {
		t.Errorf("short embeddings.bin: %v", err)
	}
}

// TestRealFixtureRetrievesItself runs on the npm fixture's 778
// all-MiniLM-L6-v2 vectors when scripts/fetch-rag-data.sh has fetched them.
func TestRealFixtureRetrievesItself(t *testing.T) {
	dir := filepath.Join("..", "bench", "data", "rag", "fiori")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no fixture; run scripts/fetch-rag-data.sh fiori")
	}
	f, err := LoadFixture(dir)
	if err != nil {
		t.Fatal(err)
	}
	if f.Dim != 384 || len(f.Records) < 700 {
		t.Fatalf("fixture: %d records of dim %d", len(f.Records), f.Dim)
	}
	// Records whose text appears only once (a duplicate would tie).
	seen := map[string]int{}
	for _, r := range f.Records {
		seen[r.Content]++
	}
	var picks []int
	for i := 0; i < len(f.Records) && len(picks) < 20; i += len(f.Records) / 25 {
		if seen[f.Records[i].Content] == 1 {
			picks = append(picks, i)
		}
	}
	checkSelfFirst(t, f, picks)
}
