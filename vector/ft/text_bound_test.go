package ft

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestBoundHoldsEveryMatch: over random documents (rewritten and deleted
// as they go) in an index of one TEXT field and in one of two, one not
// stemming, random queries — words and their stems, prefixes, suffixes,
// infixes, fuzzy and wildcard terms, exact phrases, SLOP and INORDER,
// field scopes, OR, NOT, optional clauses, tags, numeric ranges,
// synonyms, VERBATIM, weights — are bounded by the postings so that every
// document the query passes is among the bound's, and an exact bound's
// documents all pass. A query's matches and scores come from the
// evaluation of those documents, so they are the matches and scores of
// evaluating every document.
func TestBoundHoldsEveryMatch(t *testing.T) {
	words := []string{"running", "runs", "runner", "run", "ran", "apple", "apples", "applesauce", "tree", "trees",
		"hello", "help", "helper", "the", "jump", "jumping", "pineapple", "nap", "cart", "carts"}
	for _, schema := range []string{"body TEXT g TAG n NUMERIC", "title TEXT body TEXT NOSTEM g TAG n NUMERIC"} {
		t.Run(strings.Fields(schema)[0], func(t *testing.T) {
			s, err := ParseCreate(fieldsOf("idx PREFIX 1 d: SCHEMA " + schema))
			if err != nil {
				t.Fatal(err)
			}
			ix, err := NewIndex(s)
			if err != nil {
				t.Fatal(err)
			}
			ix.SynUpdate("g1", []string{"tree", "cart"})
			ix.SynUpdate("g2", []string{"nap", "hello"})
			ix.SynUpdate("g3", []string{"jump", "runn*"}) // a synonym holds the words of its prefix
			r := rand.New(rand.NewPCG(11, 12))
			text := func() string {
				ws := make([]string, 1+r.IntN(7))
				for i := range ws {
					ws[i] = words[r.IntN(len(words))]
				}
				return strings.Join(ws, " ")
			}
			write := func() {
				key := fmt.Sprintf("d:%d", r.IntN(300))
				if r.IntN(8) == 0 {
					ix.Delete(key)
					return
				}
				f := map[string][]byte{"body": []byte(text()), "g": []byte([]string{"x", "y", "x,z"}[r.IntN(3)]),
					"n": []byte(fmt.Sprint(r.IntN(10)))}
				if r.IntN(2) == 0 {
					f["title"] = []byte(text())
				}
				ix.Upsert(key, f)
			}
			for range 400 {
				write()
			}
			term := func() string {
				w := words[r.IntN(len(words))]
				switch r.IntN(12) {
				case 0:
					return w[:1+r.IntN(len(w))] + "*"
				case 1:
					return "*" + w[r.IntN(len(w)):]
				case 2:
					return "*" + w[r.IntN(len(w)/2):len(w)/2+1] + "*"
				case 3:
					return "%" + w[1:] + "%"
				case 4:
					return "w'" + w[:len(w)/2] + "?*'"
				}
				return w
			}
			scope := func() string {
				if !strings.HasPrefix(schema, "title") {
					return []string{"", "", "@body:"}[r.IntN(3)]
				}
				return []string{"", "", "@title:", "@body:", "@title|body:"}[r.IntN(5)]
			}
			var clause func(depth int) string
			clause = func(depth int) string {
				switch k := r.IntN(10); {
				case depth < 2 && k == 0:
					return "(" + clause(depth+1) + " | " + clause(depth+1) + ")"
				case depth < 2 && k == 1:
					return clause(depth+1) + " -" + clause(depth+1)
				case depth < 2 && k == 2:
					return "(" + clause(depth+1) + " " + clause(depth+1) + ")"
				case depth < 2 && k == 3:
					return clause(depth+1) + " ~" + clause(depth+1)
				case k == 4:
					w := words[r.IntN(len(words))]
					if r.IntN(3) == 0 {
						w = w[:1+r.IntN(len(w))] + "*"
					}
					return scope() + "\"" + words[r.IntN(len(words))] + " " + w + "\""
				case k == 5:
					return []string{"@g:{x}", "@g:{z | y}", "@n:[2 5]"}[r.IntN(3)]
				case k == 6:
					return scope() + "(" + term() + " " + term() + ")"
				case k == 7:
					return "(" + term() + ") => { $weight: 2; }"
				}
				return scope() + term()
			}
			passed, bounded := 0, 0
			for q := range 1500 {
				if q%10 == 0 {
					write()
				}
				query := clause(0)
				args := "idx `" + query + "` NOCONTENT LIMIT 0 1000"
				switch r.IntN(6) {
				case 0:
					args += " VERBATIM"
				case 1:
					args += " SLOP 1"
				case 2:
					args += " INORDER"
				}
				req, err := ParseSearchArgs(quotedFields(args))
				if err != nil {
					t.Fatalf("%s: %v", args, err)
				}
				if err := req.ParseQueryFor(ix); err != nil {
					continue // a query RediSearch refuses (a fuzzy term too short...)
				}
				if _, err := ix.Search(req, func(string) (map[string][]byte, bool) { return nil, true }); err != nil || req.Filter == nil {
					continue
				}
				ix.mu.RLock()
				ids, exact, ok := ix.bound(req.Filter)
				for id, d := range ix.docs {
					pass := ix.eval(req.Filter, d)
					if pass {
						passed++
					}
					_, in := slices.BinarySearch(ids, id)
					if ok && pass && !in {
						t.Fatalf("%s: %s passes, not in the bound (%d ids)", args, d.key, len(ids))
					}
					if ok && exact && in && !pass {
						t.Fatalf("%s: %s in the exact bound, does not pass", args, d.key)
					}
				}
				if ok {
					bounded++
					if !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
						t.Fatalf("%s: bound not ascending once each: %v", args, ids)
					}
				}
				ix.mu.RUnlock()
			}
			t.Logf("%d queries bounded, %d matches in all", bounded, passed)
			if bounded < 500 || passed == 0 {
				t.Fatalf("%d queries bounded, %d matches: the test tried too little", bounded, passed)
			}
		})
	}
}

// quotedFields splits s at blanks, keeping what backquotes enclose as
// one argument.
func quotedFields(s string) [][]byte {
	var out [][]byte
	for i, part := range strings.Split(s, "`") {
		if i%2 == 1 {
			out = append(out, []byte(part))
			continue
		}
		out = append(out, fieldsOf(part)...)
	}
	return out
}
