package ft

import (
	"fmt"
	"testing"
)

// infoField returns what FT.INFO's reply gives for name.
func infoField(t *testing.T, ix *Index, name string) string {
	t.Helper()
	r := ix.Info().Reply()
	for i := 0; i+1 < len(r); i += 2 {
		if fmt.Sprint(r[i]) == name {
			return fmt.Sprint(r[i+1])
		}
	}
	t.Fatalf("FT.INFO has no %s", name)
	return ""
}

// TestInfoShowsTheScan: while a scan indexes existing documents, FT.INFO
// says indexing 1 and percent_indexed at most the part scanned, though
// every document met so far is in (a TAG index has no backlog of its own);
// after it, indexing 0 and percent_indexed 1.
func TestInfoShowsTheScan(t *testing.T) {
	s, err := ParseCreate(fieldsOf("idx PREFIX 1 d: SCHEMA g TAG"))
	if err != nil {
		t.Fatal(err)
	}
	c := NewCatalog()
	ix, _ := c.Create(s)
	for i := 0; i < 10; i++ {
		c.HashChanged(fmt.Sprintf("d:%d", i), 0, map[string][]byte{"g": []byte("x")})
	}
	ix.Scanning(1, 4)
	if got, pct := infoField(t, ix, "indexing"), infoField(t, ix, "percent_indexed"); got != "1" || pct != "0.25" {
		t.Fatalf("a quarter through the scan: indexing %s, percent_indexed %s", got, pct)
	}
	ix.Scanning(4, 4)
	if got := infoField(t, ix, "indexing"); got != "1" {
		t.Fatalf("scan at its end but not ended: indexing %s", got)
	}
	ix.EndScan()
	if got, pct := infoField(t, ix, "indexing"), infoField(t, ix, "percent_indexed"); got != "0" || pct != "1" {
		t.Fatalf("after the scan: indexing %s, percent_indexed %s", got, pct)
	}
}

// TestInfoCountsFollowDocuments: FT.INFO's num_records, key_table_size_mb
// and the tags' bytes, counted as documents are added, replaced, failed
// and deleted (so FT.INFO takes no time per document), are what counting
// every document again gives.
func TestInfoCountsFollowDocuments(t *testing.T) {
	s, err := ParseCreate(fieldsOf("idx PREFIX 1 d: SCHEMA g TAG n NUMERIC l GEO t TEXT"))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := NewIndex(s)
	if err != nil {
		t.Fatal(err)
	}
	recount := func() InfoStats {
		var st InfoStats
		for _, p := range ix.post {
			st.NumRecords += int64(p.Len())
		}
		for _, d := range ix.docs {
			for _, ts := range d.tags {
				st.NumRecords += int64(len(ts))
				st.TagBytes += int64(len(ts)) * entryBytes(postingKV)
			}
			st.NumRecords += int64(len(d.nums)) + int64(len(d.geo))
		}
		for k := range ix.ids {
			st.KeyBytes += int64(len(k)) + entryBytes(idsKV)
		}
		return st
	}
	for i := 0; i < 3000; i++ {
		key := fmt.Sprintf("d:%d", i*7919%500)
		switch i % 5 {
		case 0:
			ix.Delete(key)
		case 1:
			ix.Upsert(key, map[string][]byte{"n": []byte("not a number"), "g": []byte("x")}) // fails
		default:
			f := map[string][]byte{"g": []byte(fmt.Sprintf("a,b%d", i%3)), "t": []byte("hello world")}
			if i%3 == 0 {
				f["n"], f["l"] = []byte(fmt.Sprint(i)), []byte("1.5,2.5")
			}
			ix.Upsert(key, f)
		}
		if i%250 != 0 {
			continue
		}
		got, want := ix.Info().Stats, recount()
		if got.NumRecords != want.NumRecords || got.TagBytes != want.TagBytes || got.KeyBytes != want.KeyBytes {
			t.Fatalf("after %d writes: records %d, tag bytes %d, key bytes %d; counting again: %d, %d, %d",
				i+1, got.NumRecords, got.TagBytes, got.KeyBytes, want.NumRecords, want.TagBytes, want.KeyBytes)
		}
	}
	if ix.Info().Stats.NumRecords == 0 {
		t.Fatal("no records counted")
	}
}
