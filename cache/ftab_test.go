package cache

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// checkFtab compares t with the model m: count, every field's value,
// a walk that yields each field once, and the bytes mem reports against
// a count of the boxes.
func checkFtab(tb testing.TB, t *ftab, m map[string]string) {
	tb.Helper()
	if t.len() != len(m) {
		tb.Fatalf("len %d, model %d", t.len(), len(m))
	}
	for f, want := range m {
		v, ok := t.get([]byte(f))
		if !ok || string(v) != want {
			tb.Fatalf("get %q = %q %v, model %q", f, v, ok, want)
		}
	}
	seen := map[string]bool{}
	var boxes int64
	t.each(func(f, v []byte) bool {
		if seen[string(f)] {
			tb.Fatalf("each: %q twice", f)
		}
		seen[string(f)] = true
		if m[string(f)] != string(v) {
			tb.Fatalf("each: %q = %q, model %q", f, v, m[string(f)])
		}
		boxes += sizeClass(uvarintLen(uint64(len(f))) + uvarintLen(uint64(len(v))) + len(f) + len(v))
		return true
	})
	if len(seen) != len(m) {
		tb.Fatalf("each: %d fields, model %d", len(seen), len(m))
	}
	if boxes != t.boxes {
		tb.Fatalf("boxes %d bytes, counted %d", t.boxes, boxes)
	}
}

// TestFtabModel: random sets, overwrites and deletes through growth,
// shrinking and the moves between slot arrays agree with a map.
func TestFtabModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tab, m := newFtab(0), map[string]string{}
	for round := range 20000 {
		f := fmt.Sprintf("f%d", r.IntN(3000))
		switch op := r.IntN(10); {
		case op < 6:
			v := fmt.Sprint(round, string(make([]byte, r.IntN(3)*100)))
			_, had := m[f]
			if isNew := tab.set([]byte(f), []byte(v)); isNew == had {
				t.Fatalf("set %q: new %v, model had %v", f, isNew, had)
			}
			m[f] = v
		default:
			_, had := m[f]
			if ok := tab.del([]byte(f)); ok != had {
				t.Fatalf("del %q: %v, model %v", f, ok, had)
			}
			delete(m, f)
		}
		if round%997 == 0 {
			checkFtab(t, tab, m)
		}
		if round == 12000 { // empty it almost: the table shrinks
			for f := range m {
				if len(m) < 5 {
					break
				}
				tab.del([]byte(f))
				delete(m, f)
			}
			checkFtab(t, tab, m)
		}
	}
	checkFtab(t, tab, m)
	c := tab.clone()
	checkFtab(t, c, m)
	c.set([]byte("only-in-clone"), []byte("x"))
	if _, ok := tab.get([]byte("only-in-clone")); ok {
		t.Fatal("clone shares its slots with the original")
	}
}

// TestFtabValuesStable: a value read stays what it was after the field
// is set again or deleted (readers use it after the lock is released).
func TestFtabValuesStable(t *testing.T) {
	tab := newFtab(0)
	tab.set([]byte("f"), []byte("one"))
	v, _ := tab.get([]byte("f"))
	tab.set([]byte("f"), []byte("two"))
	for i := range 1000 {
		tab.set([]byte(fmt.Sprint(i)), []byte("x"))
	}
	tab.del([]byte("f"))
	if string(v) != "one" {
		t.Fatalf("value read before changes is now %q", v)
	}
	// Empty parts: an empty field and value are there, not missing.
	tab.set(nil, nil)
	tab.set([]byte("e"), nil)
	for _, f := range []string{"", "e"} {
		if v, ok := tab.get([]byte(f)); !ok || v == nil || len(v) != 0 {
			t.Fatalf("field %q: %q %v, want an empty value", f, v, ok)
		}
	}
}

// TestFtabRandomField: every field comes out of randomField, also while
// the fields are moving between slot arrays.
func TestFtabRandomField(t *testing.T) {
	tab := newFtab(0)
	for i := range 1000 {
		tab.set([]byte(fmt.Sprint(i)), []byte("v"))
	}
	for i := 0; i < 1000; i += 2 {
		tab.del([]byte(fmt.Sprint(i)))
	}
	seen := map[string]bool{}
	for range 20000 {
		f, v := tab.randomField(rand.IntN)
		if string(v) != "v" {
			t.Fatalf("field %q value %q", f, v)
		}
		seen[string(f)] = true
	}
	if len(seen) != 500 {
		t.Fatalf("%d distinct fields of 500 came out", len(seen))
	}
}

// FuzzFtab runs an operation script against a map model: each byte pair
// is an operation (set, delete) and a field out of 64, with values of the
// field's length and a growing counter.
func FuzzFtab(f *testing.F) {
	f.Add([]byte("\x00\x01\x00\x02\x01\x01"))
	f.Add(make([]byte, 600))
	f.Fuzz(func(t *testing.T, script []byte) {
		tab, m := newFtab(0), map[string]string{}
		for i := 0; i+1 < len(script); i += 2 {
			fld := fmt.Sprintf("%0*d", int(script[i+1]>>6)*40, script[i+1]&63)
			if script[i]&3 != 3 {
				v := fmt.Sprint(i, string(make([]byte, int(script[i]>>2))))
				tab.set([]byte(fld), []byte(v))
				m[fld] = v
			} else {
				tab.del([]byte(fld))
				delete(m, fld)
			}
		}
		checkFtab(t, tab, m)
	})
}
