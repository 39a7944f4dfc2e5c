package ft

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// checkPostings fails unless ix's postings are exactly its documents'
// terms (the ids holding each term, ascending, with the fields when the
// postings keep them), its ordered terms are the postings' terms, and
// its postings' bytes are what counting them afresh gives.
func checkPostings(t *testing.T, ix *Index) {
	t.Helper()
	type entry struct {
		id     uint32
		fields uint64
	}
	want := map[string][]entry{}
	for id, d := range ix.docs {
		if d.text == nil {
			continue
		}
		for w, tt := range d.text.terms {
			want[w] = append(want[w], entry{id, tt.fields})
		}
	}
	if len(ix.post) != len(want) {
		t.Fatalf("%d terms with postings, documents hold %d", len(ix.post), len(want))
	}
	bytes := ix.terms.bytes()
	for w, es := range want {
		slices.SortFunc(es, func(a, b entry) int { return int(a.id) - int(b.id) })
		p := ix.post[w]
		if p == nil {
			t.Fatalf("term %q: no postings, %d documents hold it", w, len(es))
		}
		var got []entry
		p.all(func(id uint32, f uint64) bool {
			got = append(got, entry{id, f})
			return true
		})
		for i := range es {
			if !ix.masked {
				es[i].fields = 0
			}
		}
		if !slices.Equal(got, es) {
			t.Fatalf("term %q: postings %v, documents %v", w, got, es)
		}
		bytes += p.bytes() + termBytes(w)
	}
	var terms []string
	ix.terms.all(func(w string, _ struct{}) bool {
		terms = append(terms, w)
		return true
	})
	if wantTerms := slices.Sorted(maps.Keys(want)); !slices.Equal(terms, wantTerms) {
		t.Fatalf("ordered terms %q, want %q", terms, wantTerms)
	}
	if bytes != ix.postBytes {
		t.Fatalf("postings bytes %d, counted afresh %d", ix.postBytes, bytes)
	}
}

// TestPostingsFollowTheDocuments: documents written, rewritten with other
// words, failing to index (a bad NUMERIC) and deleted, in one TEXT field
// and in two, keep the postings exact; FT.ALTER adding a second TEXT field
// makes them keep field bits; deleting every document leaves no term and
// no bytes.
func TestPostingsFollowTheDocuments(t *testing.T) {
	for _, schema := range []string{"body TEXT n NUMERIC", "title TEXT body TEXT NOSTEM n NUMERIC"} {
		t.Run(strings.Fields(schema)[0], func(t *testing.T) {
			s, err := ParseCreate(fieldsOf("idx PREFIX 1 d: SCHEMA " + schema))
			if err != nil {
				t.Fatal(err)
			}
			ix, err := NewIndex(s)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(3, 4))
			words := []string{"running", "runs", "runner", "jumping", "jumps", "apple", "apples", "tree", "trees", "hello", "a", "the"}
			text := func() []byte {
				ws := make([]string, 1+r.IntN(6))
				for i := range ws {
					ws[i] = words[r.IntN(len(words))]
				}
				return []byte(strings.Join(ws, " "))
			}
			for step := range 3000 {
				key := fmt.Sprintf("d:%d", r.IntN(400))
				switch r.IntN(6) {
				case 0:
					ix.Delete(key)
				case 1:
					ix.Upsert(key, map[string][]byte{"body": text(), "n": []byte("x")}) // fails: not indexed
				default:
					ix.Upsert(key, map[string][]byte{"title": text(), "body": text(), "n": []byte("1")})
				}
				if step%500 == 0 {
					checkPostings(t, ix)
				}
			}
			checkPostings(t, ix)
			alter, err := ParseCreate(fieldsOf("idx SCHEMA extra TEXT"))
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.AddFields(alter.Fields, nil); err != nil {
				t.Fatal(err)
			}
			if !ix.masked {
				t.Fatal("postings keep no field bits after a second TEXT field")
			}
			checkPostings(t, ix)
			for _, k := range ix.Keys() {
				ix.Delete(k)
			}
			checkPostings(t, ix)
			if len(ix.post) != 0 || ix.postBytes != 0 || ix.MemoryBytes() != 0 {
				t.Fatalf("every document deleted: %d terms, %d postings bytes, index %d bytes", len(ix.post), ix.postBytes, ix.MemoryBytes())
			}
		})
	}
}

// TestRewritesNumberSuffixWordsAsBefore: a document rewritten keeps the
// postings of the words it still holds, yet the suffix trie numbers words
// (the order its *suffix and *infix terms expand in, cut by
// MAXEXPANSIONS) as when a rewrite removed the document and added it
// again: a word only that document held is numbered afresh, in the new
// version's order, after the words other documents brought meanwhile.
func TestRewritesNumberSuffixWordsAsBefore(t *testing.T) {
	s, err := ParseCreate(fieldsOf("idx PREFIX 1 d: SCHEMA title TEXT WITHSUFFIXTRIE body TEXT"))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := NewIndex(s)
	if err != nil {
		t.Fatal(err)
	}
	// The numbering of removing and adding again, worked out aside.
	df, num, next := map[string]int{}, map[string]uint64{}, uint64(0)
	terms := func(key string) map[string]*textTerm {
		if id, ok := ix.ids[key]; ok && ix.docs[id].text != nil {
			return ix.docs[id].text.terms
		}
		return nil
	}
	r := rand.New(rand.NewPCG(5, 6))
	text := func() []byte {
		ws := make([]string, 1+r.IntN(4))
		for i := range ws {
			ws[i] = fmt.Sprintf("w%d", r.IntN(30))
		}
		return []byte(strings.Join(ws, " "))
	}
	for step := range 2000 {
		key := fmt.Sprintf("d:%d", r.IntN(5))
		for w := range terms(key) {
			if df[w]--; df[w] == 0 {
				delete(df, w)
				delete(num, w)
			}
		}
		if r.IntN(5) == 0 {
			ix.Delete(key)
			continue
		}
		ix.Upsert(key, map[string][]byte{"title": text(), "body": text()})
		type first struct {
			w   string
			pos uint32
		}
		var fresh []first
		for w, tt := range terms(key) {
			df[w]++
			if _, ok := num[w]; !ok && tt.fields&fieldBit(0) != 0 && !strings.HasPrefix(w, stemPrefix) {
				fresh = append(fresh, first{w, slices.Min(tt.pos)})
			}
		}
		slices.SortFunc(fresh, func(a, b first) int {
			if a.pos != b.pos {
				return int(a.pos) - int(b.pos)
			}
			return strings.Compare(a.w, b.w)
		})
		for _, f := range fresh {
			num[f.w] = next
			next++
		}
		if !maps.Equal(ix.suffix, num) {
			t.Fatalf("step %d: suffix numbers %v, want %v", step, ix.suffix, num)
		}
	}
	checkPostings(t, ix)
}
