package ft

import (
	"bytes"
	"reflect"
	"testing"
)

func TestSugDictRoundTrip(t *testing.T) {
	d := NewSugDict()
	d.Add("hello world", 2, false, nil)
	d.Add("Help", 3, false, []byte("p1"))
	d.Add("hello world", 2, true, nil)
	d.Add("empty payload", 1, false, []byte{})
	b, err := d.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalSugDict(b)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := back.Get("", false, 10), d.Get("", false, 10); !reflect.DeepEqual(got, want) || len(got) != 3 {
		t.Fatalf("after a round trip: %+v, want %+v", got, want)
	}
	if got := back.Get("empty", false, 1); got[0].Payload == nil {
		t.Fatal("an empty payload came back as none")
	}
	if back.MemoryBytes() != d.MemoryBytes() {
		t.Fatalf("MemoryBytes %d after a round trip, %d before", back.MemoryBytes(), d.MemoryBytes())
	}
	// Every truncation is an error, never a panic or a shorter dictionary.
	for n := 0; n < len(b); n++ {
		if _, err := UnmarshalSugDict(b[:n]); err == nil {
			t.Fatalf("%d of %d bytes read back without an error", n, len(b))
		}
	}
	if _, err := UnmarshalSugDict(append([]byte{9}, b[1:]...)); err == nil {
		t.Fatal("an unknown format version read back")
	}
}

func TestCatalogKeepsDictsAndSynonyms(t *testing.T) {
	s, err := ParseCreate(fieldsOf("idx PREFIX 1 d: SCHEMA title TEXT"))
	if err != nil {
		t.Fatal(err)
	}
	c := NewCatalog()
	ix, _ := c.Create(s)
	ix.SynUpdate("g1", []string{"cat", "Kitty"})
	ix.SynUpdate("g2", []string{"cat", "feline"})
	c.Dicts.Add("d1", []string{"foo", "Bar"})
	var buf bytes.Buffer
	if err := c.Save(&buf); err != nil {
		t.Fatal(err)
	}
	back := NewCatalog()
	if err := back.Load(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	bix, err := back.Get("idx")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := bix.SynDump(), ix.SynDump(); !reflect.DeepEqual(got, want) {
		t.Fatalf("synonyms after a load: %v, want %v", got, want)
	}
	if got, want := back.Dicts.All(), c.Dicts.All(); !reflect.DeepEqual(got, want) || len(got) != 1 {
		t.Fatalf("dictionaries after a load: %v, want %v", got, want)
	}
}

// TestCatalogLoadsOlderSnapshots: a catalog saved before dictionaries
// and synonyms were saved (it ends after the aliases), or before
// synonyms were (it ends after the dictionaries), still loads.
func TestCatalogLoadsOlderSnapshots(t *testing.T) {
	s, err := ParseCreate(fieldsOf("idx PREFIX 1 d: SCHEMA title TEXT"))
	if err != nil {
		t.Fatal(err)
	}
	c := NewCatalog()
	c.Create(s)
	if err := c.AddAlias("al", "idx"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := c.Save(&buf); err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	// No dictionaries and no synonyms: the two counts are the last bytes.
	if !bytes.HasSuffix(full, []byte{0, 0}) {
		t.Fatalf("catalog without dictionaries or synonyms ends % x", full[len(full)-4:])
	}
	for _, cut := range []int{1, 2} {
		back := NewCatalog()
		if err := back.Load(bytes.NewReader(full[:len(full)-cut])); err != nil {
			t.Fatalf("older snapshot (%d bytes shorter): %v", cut, err)
		}
		if _, err := back.Get("al"); err != nil {
			t.Fatalf("older snapshot (%d bytes shorter): alias lost: %v", cut, err)
		}
	}
}
