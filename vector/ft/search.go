package ft

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/vcache/vcache/vector"
)

// SearchRequest is a parsed FT.SEARCH.
type SearchRequest struct {
	Index      string
	Query      string
	Filter     *Node
	KNN        *KNN
	Return     []string // nil: every field
	NoContent  bool
	WithScores bool
	SortBy     string
	SortDesc   bool
	Offset     int
	Num        int
	Params     map[string][]byte
	// Admit, when set, hides documents it rejects (a clustered node
	// counts only the documents of slots it serves, so a document that is
	// being moved is never counted twice).
	Admit func(key string) bool
}

// ParseSearch parses FT.SEARCH's arguments: args[0] is the index name,
// args[1] the query.
func ParseSearch(args [][]byte) (*SearchRequest, error) {
	if len(args) < 2 {
		return nil, errf("wrong number of arguments")
	}
	r := &SearchRequest{Index: string(args[0]), Query: string(args[1]), Num: 10, Params: map[string][]byte{}}
	num := func(i int) (int, error) {
		if i >= len(args) {
			return 0, errf("Bad arguments: missing value")
		}
		n, err := strconv.Atoi(string(args[i]))
		if err != nil || n < 0 {
			return 0, errf("Bad arguments: `%s` is not a valid number", args[i])
		}
		return n, nil
	}
	for i := 2; i < len(args); i++ {
		switch strings.ToUpper(string(args[i])) {
		case "NOCONTENT":
			r.NoContent = true
		case "WITHSCORES":
			r.WithScores = true
		case "VERBATIM", "NOSTOPWORDS", "WITHPAYLOADS", "WITHSORTKEYS", "EXPLAINSCORE":
		case "RETURN":
			n, err := num(i + 1)
			if err != nil || i+2+n > len(args) {
				return nil, errf("Bad arguments for RETURN: Expected an argument, but none provided")
			}
			r.Return = []string{}
			for j := i + 2; j < i+2+n; j++ {
				name := string(args[j])
				if j+2 < i+2+n && strings.EqualFold(string(args[j+1]), "AS") {
					j += 2
				}
				r.Return = append(r.Return, name)
			}
			i += 1 + n
		case "SORTBY":
			if i+1 >= len(args) {
				return nil, errf("Bad arguments for SORTBY: Expected an argument, but none provided")
			}
			r.SortBy = strings.TrimPrefix(string(args[i+1]), "@")
			i++
			if i+1 < len(args) {
				switch strings.ToUpper(string(args[i+1])) {
				case "ASC":
					i++
				case "DESC":
					r.SortDesc = true
					i++
				}
			}
		case "LIMIT":
			off, err := num(i + 1)
			if err != nil {
				return nil, err
			}
			n, err := num(i + 2)
			if err != nil {
				return nil, err
			}
			r.Offset, r.Num = off, n
			i += 2
		case "PARAMS":
			n, err := num(i + 1)
			if err != nil || n%2 != 0 || i+2+n > len(args) {
				return nil, errf("Bad arguments for PARAMS: Expected an even number of arguments")
			}
			for j := i + 2; j < i+2+n; j += 2 {
				r.Params[string(args[j])] = args[j+1]
			}
			i += 1 + n
		case "DIALECT", "TIMEOUT", "SLOP", "LANGUAGE", "EXPANDER", "SCORER", "INORDER":
			i++
		default:
			return nil, errf("Unknown argument `%s` at position %d for <main>", args[i], i)
		}
	}
	filter, knn, err := ParseQuery(r.Query)
	if err != nil {
		return nil, err
	}
	r.Filter, r.KNN = filter, knn
	if knn != nil {
		if knn.KParam != "" {
			v, ok := r.Params[knn.KParam]
			if !ok {
				return nil, errf("No such parameter `%s`", knn.KParam)
			}
			if knn.K, err = strconv.Atoi(string(v)); err != nil || knn.K < 0 {
				return nil, errf("Invalid numeric value (%s) for parameter `%s`", v, knn.KParam)
			}
		}
		if knn.EfParam != "" {
			v, ok := r.Params[knn.EfParam]
			if !ok {
				return nil, errf("No such parameter `%s`", knn.EfParam)
			}
			if knn.Ef, err = strconv.Atoi(string(v)); err != nil || knn.Ef <= 0 {
				return nil, errf("Invalid numeric value (%s) for parameter `%s`", v, knn.EfParam)
			}
		}
		if _, ok := r.Params[knn.Param]; !ok {
			return nil, errf("No such parameter `%s`", knn.Param)
		}
	}
	return r, nil
}

// Doc is one search result.
type Doc struct {
	Key    string
	Score  float64     // the KNN distance (or 1 without KNN)
	Fields [][2]string // field, value pairs in reply order
}

// Result is a search's answer.
type Result struct {
	Total int
	Docs  []Doc
	// ScoreField names the KNN distance field ("" without KNN).
	ScoreField string
}

// Loader returns the current fields of the hash at key.
type Loader func(key string) (map[string][]byte, bool)

// ErrNoSuchField is returned for a KNN on a field that is not a vector.
var ErrNoSuchField = errors.New("no such vector field")

type hit struct {
	id    uint32
	key   string
	score float64
}

// Search runs req. Fields of the returned documents are loaded with load
// after the index lock is released.
func (ix *Index) Search(req *SearchRequest, load Loader) (*Result, error) {
	if err := ix.checkFields(req.Filter); err != nil {
		return nil, err
	}
	hits, total, err := ix.match(req)
	if err != nil {
		return nil, err
	}
	res := &Result{Total: total}
	if req.KNN != nil {
		res.ScoreField = req.KNN.ScoreField()
	}
	// Load the fields of candidates for SORTBY on a non-score field.
	fieldsOf := map[string]map[string][]byte{}
	if req.SortBy != "" && req.SortBy != res.ScoreField {
		for _, h := range hits {
			if f, ok := load(h.key); ok {
				fieldsOf[h.key] = f
			}
		}
		sortBy := req.SortBy
		sort.SliceStable(hits, func(i, j int) bool {
			a, b := string(fieldsOf[hits[i].key][sortBy]), string(fieldsOf[hits[j].key][sortBy])
			less := compareValues(a, b) < 0
			if req.SortDesc {
				return compareValues(a, b) > 0
			}
			return less
		})
	} else if req.SortBy != "" && req.SortDesc {
		sort.SliceStable(hits, func(i, j int) bool { return hits[i].score > hits[j].score })
	}
	start := min(req.Offset, len(hits))
	end := min(start+req.Num, len(hits))
	for _, h := range hits[start:end] {
		d := Doc{Key: h.key, Score: h.score}
		if !req.NoContent {
			f, ok := fieldsOf[h.key]
			if !ok {
				f, ok = load(h.key)
			}
			if !ok {
				res.Total--
				continue // removed since the match
			}
			d.Fields = ix.pick(req, f, res.ScoreField, h.score)
		}
		res.Docs = append(res.Docs, d)
	}
	return res, nil
}

// compareValues orders numbers numerically and other values as strings.
func compareValues(a, b string) int {
	fa, ea := strconv.ParseFloat(a, 64)
	fb, eb := strconv.ParseFloat(b, 64)
	if ea == nil && eb == nil {
		switch {
		case fa < fb:
			return -1
		case fa > fb:
			return 1
		}
		return 0
	}
	return strings.Compare(a, b)
}

// pick chooses the returned fields: all hash fields (sorted, vectors
// included as stored) or RETURN's, plus the score field.
func (ix *Index) pick(req *SearchRequest, f map[string][]byte, scoreField string, score float64) [][2]string {
	scoreText := FormatScore(score)
	var out [][2]string
	if req.Return != nil {
		for _, name := range req.Return {
			if name == scoreField && scoreField != "" {
				out = append(out, [2]string{name, scoreText})
			} else if v, ok := f[name]; ok {
				out = append(out, [2]string{name, string(v)})
			}
		}
		return out
	}
	if scoreField != "" {
		out = append(out, [2]string{scoreField, scoreText})
	}
	names := make([]string, 0, len(f))
	for k := range f {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		out = append(out, [2]string{k, string(f[k])})
	}
	return out
}

// FormatScore formats a distance as RediSearch does (%g-like, up to 17
// significant digits).
func FormatScore(s float64) string {
	return strconv.FormatFloat(s, 'g', -1, 32)
}

// match finds the matching documents in result order and the total.
func (ix *Index) match(req *SearchRequest) ([]hit, int, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if req.KNN == nil {
		ids, bounded := ix.candidates(req.Filter)
		var hits []hit
		admit := func(key string) bool { return req.Admit == nil || req.Admit(key) }
		if bounded {
			for _, id := range ids {
				if k := ix.docs[id].key; admit(k) {
					hits = append(hits, hit{id: id, key: k, score: 1})
				}
			}
		} else {
			for id, d := range ix.docs {
				if ix.eval(req.Filter, d) && admit(d.key) {
					hits = append(hits, hit{id: id, key: d.key, score: 1})
				}
			}
			sort.Slice(hits, func(i, j int) bool { return hits[i].id < hits[j].id })
		}
		return hits, len(hits), nil
	}
	k := req.KNN
	e, ok := ix.engine[k.Field]
	if !ok {
		return nil, 0, fmt.Errorf("Unknown field `%s`", k.Field)
	}
	f, _ := ix.schema.field(k.Field)
	q, err := vector.DecodeFloat32(req.Params[k.Param], f.Vec.Dim)
	if err != nil {
		return nil, 0, errf("Error parsing vector similarity query: query vector blob size (%d) does not match index's expected size (%d).", len(req.Params[k.Param]), 4*f.Vec.Dim)
	}
	if vector.CheckFinite(q) != nil {
		return nil, 0, errf("Error parsing vector similarity query: query vector blob contains a NaN or infinite value")
	}
	opt := vector.SearchOptions{K: k.K, Ef: k.Ef, Probes: k.Probes, FilterCount: -1}
	if req.Filter.Kind != qAll {
		if ids, bounded := ix.candidates(req.Filter); bounded {
			if req.Admit != nil {
				kept := ids[:0]
				for _, id := range ids {
					if req.Admit(ix.docs[id].key) {
						kept = append(kept, id)
					}
				}
				ids = kept
			}
			opt.Candidates = ids
			if len(ids) == 0 {
				return nil, 0, nil
			}
		} else {
			opt.Filter = func(id uint32) bool {
				d := ix.docs[id]
				return d != nil && ix.eval(req.Filter, d) && (req.Admit == nil || req.Admit(d.key))
			}
		}
	} else if req.Admit != nil {
		opt.Filter = func(id uint32) bool {
			d := ix.docs[id]
			return d != nil && req.Admit(d.key)
		}
	}
	found, err := e.Search(q, opt)
	if err != nil {
		return nil, 0, err
	}
	hits := make([]hit, 0, len(found))
	for _, r := range found {
		if d := ix.docs[r.ID]; d != nil {
			hits = append(hits, hit{id: r.ID, key: d.key, score: float64(r.Dist)})
		}
	}
	return hits, len(hits), nil
}

// checkFields rejects a filter that names a field the schema lacks or
// uses it as another type.
func (ix *Index) checkFields(n *Node) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var walk func(n *Node) error
	walk = func(n *Node) error {
		for _, k := range n.Kids {
			if err := walk(k); err != nil {
				return err
			}
		}
		if n.Field == "" || n.Kind == qAll || n.Kind == qAnd || n.Kind == qOr || n.Kind == qNot {
			return nil
		}
		f, ok := ix.schema.field(n.Field)
		if !ok {
			return fmt.Errorf("Unknown field `%s`", n.Field)
		}
		want := map[kind]FieldType{qTag: Tag, qNum: Numeric, qText: Text}[n.Kind]
		if f.Type != want {
			return fmt.Errorf("Field `%s` is not a %s field", n.Field, want)
		}
		return nil
	}
	return walk(n)
}
