package ft

import (
	"slices"
	"testing"
)

// TestHashFieldNames: the hash fields the catalog reads of a key are
// those the schemas of the hash indexes over it name, LANGUAGE_FIELD and
// SCORE_FIELD among them, joined over several indexes, a field FT.ALTER
// adds included; an ON JSON index or one over other prefixes adds none.
func TestHashFieldNames(t *testing.T) {
	c := NewCatalog()
	for _, def := range []string{
		"a PREFIX 1 d: LANGUAGE_FIELD lang SCORE_FIELD sc SCHEMA title TEXT price NUMERIC",
		"b PREFIX 1 d:x SCHEMA color TAG",
		"c PREFIX 1 e: SCHEMA other TEXT",
		"j ON JSON PREFIX 1 d: SCHEMA $.t AS t TEXT",
	} {
		s, err := ParseCreate(fieldsOf(def))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Create(s); err != nil {
			t.Fatal(err)
		}
	}
	sorted := func(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }
	for key, want := range map[string][]string{
		"d:1":  {"lang", "price", "sc", "title"},
		"d:x1": {"color", "lang", "price", "sc", "title"},
		"e:1":  {"other"},
		"f:1":  nil,
	} {
		if got := sorted(c.HashFieldNames(key)); !slices.Equal(got, want) {
			t.Errorf("HashFieldNames(%q) = %q, want %q", key, got, want)
		}
	}
	for range 5 { // joining two lists leaves each index's own as it was
		c.HashFieldNames("d:x1")
		if got := sorted(c.HashFieldNames("d:1")); len(got) != 4 {
			t.Fatalf("HashFieldNames(d:1) after d:x1's = %q", got)
		}
	}
	a, _ := c.Get("a")
	s, err := ParseCreate(fieldsOf("a SCHEMA added NUMERIC"))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.AddFields(s.Fields, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := sorted(c.HashFieldNames("d:1")), []string{"added", "lang", "price", "sc", "title"}; !slices.Equal(got, want) {
		t.Errorf("after FT.ALTER: %q, want %q", got, want)
	}
}
