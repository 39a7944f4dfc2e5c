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
