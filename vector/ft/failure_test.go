package ft

import (
	"math"
	"strings"
	"testing"

	"github.com/vcache/vcache/vector"
)

// TestFailedDocumentsLeaveTheIndex: a document with a NaN or infinite
// vector, a blob of the wrong size or a NUMERIC value that is not a
// number is counted as a failure and is in no count or result; a KNN
// query vector with a NaN is refused.
func TestFailedDocumentsLeaveTheIndex(t *testing.T) {
	for _, alg := range []string{"FLAT", "HNSW", "IVFFLAT"} {
		t.Run(alg, func(t *testing.T) {
			s, err := ParseCreate(fieldsOf("idx PREFIX 1 d: SCHEMA n NUMERIC g TAG v VECTOR " + alg + " 6 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2"))
			if err != nil {
				t.Fatal(err)
			}
			ix, err := NewIndex(s)
			if err != nil {
				t.Fatal(err)
			}
			vec := func(a, b float32) []byte { return vector.EncodeFloat32([]float32{a, b}) }
			nan, inf := float32(math.NaN()), float32(math.Inf(1))
			ix.Upsert("d:1", map[string][]byte{"n": []byte("1"), "g": []byte("x"), "v": vec(1, 0)})
			ix.Upsert("d:2", map[string][]byte{"n": []byte("2"), "g": []byte("x"), "v": vec(0, 1)})
			bad := map[string]map[string][]byte{
				"d:nan":   {"g": []byte("x"), "v": vec(nan, nan)},
				"d:inf":   {"g": []byte("x"), "v": vec(1, inf)},
				"d:-inf":  {"g": []byte("x"), "v": vec(-inf, 0)},
				"d:short": {"g": []byte("x"), "v": []byte("abc")},
				"d:num":   {"g": []byte("x"), "n": []byte("many"), "v": vec(1, 1)},
			}
			for k, f := range bad {
				ix.Upsert(k, f)
			}
			search := func(args ...string) (*Result, error) {
				bs := [][]byte{[]byte("idx")}
				for _, a := range args {
					bs = append(bs, []byte(a))
				}
				req, err := ParseSearch(bs)
				if err != nil {
					return nil, err
				}
				return ix.Search(req, func(key string) (map[string][]byte, bool) { return map[string][]byte{}, true })
			}
			keys := func(r *Result) string {
				var out []string
				for _, d := range r.Docs {
					out = append(out, d.Key)
				}
				return strings.Join(out, ",")
			}
			check := func(docs int, want string) {
				t.Helper()
				if inf := ix.Info(); inf.NumDocs != docs || inf.IndexingFailures != int64(len(bad)) {
					t.Fatalf("NumDocs %d failures %d, want %d and %d", inf.NumDocs, inf.IndexingFailures, docs, len(bad))
				}
				if got := strings.Join(ix.Keys(), ","); got != want {
					t.Fatalf("Keys %s, want %s", got, want)
				}
				for _, q := range []string{"*", "@g:{x}"} {
					r, err := search(q)
					if err != nil || r.Total != docs || keys(r) != want {
						t.Fatalf("%s: %v %v, want %s", q, r, err, want)
					}
				}
				r, err := search("*=>[KNN 10 @v $B]", "PARAMS", "2", "B", string(vec(1, 0.1)))
				if err != nil || keys(r) != want {
					t.Fatalf("KNN: %v %v, want %s", r, err, want)
				}
			}
			check(2, "d:1,d:2")
			// An indexed document rewritten with a NaN leaves the index.
			ix.Upsert("d:2", map[string][]byte{"v": vec(nan, 0)})
			bad["d:2 again"] = nil
			check(1, "d:1")
			for _, q := range [][]byte{vec(nan, 0), vec(0, -inf)} {
				if _, err := search("*=>[KNN 1 @v $B]", "PARAMS", "2", "B", string(q)); err == nil || !strings.Contains(err.Error(), "NaN or infinite") {
					t.Fatalf("KNN with query %v: %v", q, err)
				}
			}
		})
	}
}
