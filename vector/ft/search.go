package ft

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/vector"
)

// SearchRequest is a parsed FT.SEARCH.
type SearchRequest struct {
	Index      string
	Query      string
	Filter     *Node
	KNN        *KNN
	Return     []string // nil: every field
	ReturnAs   []string // the names RETURN shows Return's fields under
	NoContent  bool
	WithScores bool
	// WithSortKeys and WithPayloads add each document's sort key and
	// payload to the reply (after its score).
	WithSortKeys bool
	WithPayloads bool
	// Clauses are the GEOFILTER and FILTER arguments, each ANDed with the
	// query's filter.
	Clauses  []*Node
	SortBy   string
	SortDesc bool
	Offset   int
	Num      int
	Params   map[string][]byte
	// Dialect is DIALECT's value (0: not given). Multi says a JSON
	// document's values come back as the JSON array of every match
	// (DIALECT 3 and up, FORMAT EXPAND), and Expand is FORMAT EXPAND
	// (see json_return.go).
	Dialect       int
	Multi, Expand bool
	// AllMatches is the proxy's ftargs.MultiArg: Multi in any dialect.
	AllMatches bool
	// Scorer scores full-text matches (SCORER; TFIDF by default), and
	// ExplainScore asks for the explanation with each score. Verbatim
	// (VERBATIM) turns stemming off; Language (LANGUAGE, "" for the
	// index's) is the language the terms are stemmed in (language.go);
	// Payload is PAYLOAD's value (for HAMMING).
	Scorer       Scorer
	ExplainScore bool
	// BM25 is the BM25 scorers' k1 and b when HasBM25 (ftargs.BM25Arg),
	// else 1.2 and 0.5.
	BM25     [2]float64
	HasBM25  bool
	Verbatim bool
	Language string
	Payload  string
	// Slop (when HasSlop) and InOrder are SLOP's and INORDER's: the
	// distance and order of the words of every intersection (slop.go).
	Slop    int
	HasSlop bool
	InOrder bool
	// unscored skips scoring (FT.AGGREGATE reads no scores).
	unscored bool
	// Admit, when set, hides documents it rejects (a clustered node
	// counts only the documents of slots it serves, so a document that is
	// being moved is never counted twice).
	Admit func(key string) bool
	// NoStopWords is NOSTOPWORDS: the query's stop words are kept (and,
	// not being indexed, match nothing: stopwords.go).
	NoStopWords bool
	// Expansion bounds the query's pattern terms (FT.CONFIG's
	// MAXEXPANSIONS and MINPREFIX; zero: their defaults).
	Expansion Expansion
	// Stop says whether a word is one of the index's stop words, which
	// the query is read over (set it from Index.QueryStopWords before
	// ParseQuery; nil: none).
	Stop func(word string) bool
	// InFields is INFIELDS's names: the TEXT fields every text term is
	// looked for in (nil or empty: any; search_inkeys.go). INKEYS is one
	// of Clauses.
	InFields []string
	// snippets are the HIGHLIGHT and SUMMARIZE clauses (nil: none;
	// snippet.go).
	snippets *snippets
	// hashPaths are the hash fields Return's names read (resolveReturn;
	// nil on JSON).
	hashPaths []string
}

// ParseSearch parses FT.SEARCH's arguments: args[0] is the index name,
// args[1] the query. It is ParseSearchArgs, then ParseQuery.
func ParseSearch(args [][]byte) (*SearchRequest, error) {
	r, err := ParseSearchArgs(args)
	if err != nil {
		return nil, err
	}
	if err := r.ParseQuery(); err != nil {
		return nil, err
	}
	return r, nil
}

// ParseSearchArgs parses FT.SEARCH's arguments with the grammar node and
// proxy share (args[0] is the index name, args[1] the query), but not the
// query string itself: as RediSearch does, a node looks the index up
// between the two.
func ParseSearchArgs(args [][]byte) (*SearchRequest, error) {
	if len(args) < 1 {
		return nil, errf("wrong number of arguments")
	}
	a, err := ftargs.Parse(args[1:])
	if err != nil {
		return nil, err
	}
	off, num := a.Limits()
	r := &SearchRequest{
		Index: string(args[0]), Query: a.Query,
		NoContent: a.NoContent, WithScores: a.WithScores,
		WithSortKeys: a.WithSortKeys, WithPayloads: a.WithPayloads,
		SortBy: strings.TrimPrefix(a.SortBy, "@"), SortDesc: a.SortDesc,
		Offset: int(off), Num: int(num), Params: a.ParamMap(),
		Dialect: int(a.Dialect), Expand: a.Format == "EXPAND", AllMatches: a.Multi,
		ExplainScore: a.ExplainScore, Verbatim: a.Verbatim, Language: a.Language, Payload: a.Payload,
		Slop: int(a.Slop), HasSlop: a.HasSlop, InOrder: a.InOrder,
		BM25: a.BM25, HasBM25: a.HasBM25,
	}
	if r.Scorer, err = ParseScorer(a.Scorer); err != nil {
		return nil, err
	}
	r.Multi = r.Dialect >= 3 || r.Expand || r.AllMatches
	r.NoStopWords = a.NoStopWords
	for _, g := range a.GeoFilters {
		r.Clauses = append(r.Clauses, NewGeoFilter(g))
	}
	for _, f := range a.Filters {
		r.Clauses = append(r.Clauses, NewNumericFilter(f))
	}
	if a.InKeys != nil {
		r.Clauses = append(r.Clauses, NewKeysFilter(a.InKeys))
	}
	r.InFields = a.InFields
	if a.Return != nil {
		r.Return = make([]string, len(a.Return))
		r.ReturnAs = make([]string, len(a.Return))
		for i, f := range a.Return {
			r.Return[i], r.ReturnAs[i] = f.Path, f.Name
		}
		if len(a.Return) == 0 {
			r.NoContent = true
		}
	}
	r.snippets = newSnippets(a.Snippets, a.Return)
	return r, nil
}

// ParseQueryFor parses the request's query string as ParseQuery does,
// over the stop words of ix (none with NOSTOPWORDS), and scopes its text
// terms to INFIELDS' fields of ix. As RediSearch, it first refuses
// HIGHLIGHT and SUMMARIZE over an index that keeps no offsets.
func (r *SearchRequest) ParseQueryFor(ix *Index) error {
	ix.mu.RLock()
	noHL, scope := ix.schema.NoHighlight, ""
	if len(r.InFields) > 0 {
		scope = ix.schema.inFieldsScope(r.InFields)
	}
	ix.mu.RUnlock()
	if r.snippets != nil && noHL {
		return errNoOffsets
	}
	r.Stop = ix.QueryStopWords(r.NoStopWords)
	if err := r.ParseQuery(); err != nil {
		return err
	}
	if scope != "" {
		limitText(r.Filter, scope)
	}
	return nil
}

// ParseQuery parses the request's query string in its dialect (set
// DEFAULT_DIALECT first: Config.ApplyDialect; none is read as DIALECT 2)
// and resolves its KNN clause's parameters.
func (r *SearchRequest) ParseQuery() error {
	// As RediSearch: the LANGUAGE is checked once the index is known,
	// before the query string is parsed.
	if err := CheckLanguage(r.Language); err != nil {
		return err
	}
	filter, knn, err := parseResolved(r.Query, r.Dialect, r.Stop, r.Clauses, r.Params)
	if err != nil {
		return err
	}
	r.Filter, r.KNN = filter, knn
	if r.Verbatim {
		markVerbatim(r.Filter)
	}
	if r.HasSlop || r.InOrder {
		markSlop(r.Filter, r.Slop, r.HasSlop, r.InOrder)
	}
	markStems(r.Filter)
	return nil
}

// markVerbatim turns stemming off in the tree's text clauses.
func markVerbatim(n *Node) {
	if n.Kind == qText {
		n.Verbatim = true
	}
	for _, k := range n.Kids {
		markVerbatim(k)
	}
}

// parseResolved parses query q (over the stop words stop tells), ANDs the clauses of arguments with its
// filter, and resolves and checks the parameters of its clauses and KNN.
func parseResolved(q string, dialect int, stop func(string) bool, clauses []*Node, params map[string][]byte) (*Node, *KNN, error) {
	filter, knn, err := parseQuery(q, dialect, stop)
	if err != nil {
		return nil, nil, err
	}
	if len(clauses) > 0 && filter.Kind != qNull { // the empty query matches nothing whatever its filters
		kids := append([]*Node(nil), clauses...)
		if filter.Kind != qAll {
			kids = append([]*Node{filter}, kids...)
		}
		filter = &Node{Kind: qAnd, Kids: kids}
		if len(kids) == 1 {
			filter = kids[0]
		}
	}
	if err := resolveClauses(filter, params); err != nil {
		return nil, nil, err
	}
	if knn != nil {
		if err := knn.Resolve(params); err != nil {
			return nil, nil, err
		}
		if err := knn.Check(filter.Kind != qAll); err != nil {
			return nil, nil, err
		}
	}
	return filter, knn, nil
}

// Doc is one search result.
type Doc struct {
	Key   string
	Score float64 // the KNN distance, the text score, or 1
	// Explain is the score's EXPLAINSCORE tree (nil for none).
	Explain *ScoreExplain
	Fields  [][2]string // field, value pairs in reply order
	// Nulls are the indexes in Fields of values that are JSON null.
	Nulls []int
	// SortKey and Payload are WITHSORTKEYS's and WITHPAYLOADS's values:
	// a string, or nil for none.
	SortKey any
	Payload any
}

// Result is a search's answer.
type Result struct {
	Total int
	Docs  []Doc
	// ScoreField names the KNN distance field ("" without KNN).
	ScoreField string
	// Scored says the scores are a scorer's (not distances), shown as
	// doubles.
	Scored bool
}

// Loader returns the current fields of the hash at key.
type Loader func(key string) (map[string][]byte, bool)

// ErrNoSuchField is returned for a KNN on a field that is not a vector.
var ErrNoSuchField = errors.New("no such vector field")

type hit struct {
	id      uint32
	key     string
	score   float64
	explain *ScoreExplain
}

// Search runs req. Fields of the returned documents are loaded with load
// after the index lock is released.
func (ix *Index) Search(req *SearchRequest, load Loader) (*Result, error) {
	return ix.SearchDocs(req, Docs{Load: load})
}

// SearchDocs runs req, reading the fields of the documents it returns
// (and of those SORTBY or the HAMMING scorer compare) from docs after the
// index lock is released, as of the moment of the match (view.go).
func (ix *Index) SearchDocs(req *SearchRequest, docs Docs) (*Result, error) {
	if err := ix.checkFields(req.Filter); err != nil {
		return nil, err
	}
	if err := ix.checkSnippets(req); err != nil {
		return nil, err
	}
	ix.resolveReturn(req)
	ix.useLanguage(req.Filter, req.Language)
	filter := req.Filter
	var res *Result
	err := consistently(docs, func(bool) (bool, error) {
		req.Filter = filter // as parsed: the match rewrites it
		ix.mu.RLock()
		if ix.gone {
			ix.mu.RUnlock()
			return false, ErrUnknownIndex
		}
		hits, total, scored, err := ix.matchLocked(req)
		if err != nil {
			ix.mu.RUnlock()
			return false, err
		}
		w := ix.watchLocked()
		ix.mu.RUnlock()
		defer ix.unwatch(w)
		// The documents read: those of read, or all the hits.
		all, read := false, map[uint32]bool{}
		loadAll := func(key string) (map[string][]byte, bool) {
			all = true
			return docs.Load(key)
		}
		loadHit := func(h hit) (map[string][]byte, bool) {
			read[h.id] = true
			return docs.Load(h.key)
		}
		res = ix.searchHits(req, hits, total, scored, loadAll, loadHit)
		var hitIDs map[uint32]bool
		return ix.settled(w, func(id uint32) bool {
			if !all || read[id] {
				return read[id]
			}
			if hitIDs == nil {
				hitIDs = make(map[uint32]bool, len(hits))
				for _, h := range hits {
					hitIDs[h.id] = true
				}
			}
			return hitIDs[id]
		}), nil
	})
	return res, err
}

// searchHits makes req's result from its hits (see SearchDocs): loadAll
// reads documents of any hit, loadHit those of the page.
func (ix *Index) searchHits(req *SearchRequest, hits []hit, total int, scored bool, loadAll Loader, loadHit func(hit) (map[string][]byte, bool)) *Result {
	res := &Result{Total: total, Scored: scored}
	if scored && req.Scorer == ScoreHamming && req.Num > 0 {
		ix.scoreHamming(req, hits, loadAll)
	}
	if scored && req.KNN == nil && req.SortBy == "" && req.Num > 0 {
		// Text results best first; ties in index order.
		sort.SliceStable(hits, func(i, j int) bool { return hits[i].score > hits[j].score })
	}
	if req.KNN != nil {
		res.ScoreField = req.KNN.ScoreField()
	}
	yields := rangeYields(req.Filter)
	_, sortByYield := yields[req.SortBy]
	spec := ix.sortSpecOf(req.SortBy)
	// Load the fields of candidates for SORTBY on a non-score field.
	fieldsOf := map[string]map[string][]byte{}
	if sortByYield {
		// A range's distance: documents outside that range last.
		r := yields[req.SortBy]
		sort.SliceStable(hits, func(i, j int) bool {
			a, oka := r.dist[hits[i].id]
			b, okb := r.dist[hits[j].id]
			if oka != okb {
				return oka
			}
			if req.SortDesc {
				return a > b
			}
			return a < b
		})
	} else if req.SortBy != "" && req.SortBy != res.ScoreField {
		for _, h := range hits {
			if f, ok := loadAll(h.key); ok {
				fieldsOf[h.key] = f
			}
		}
		sortBy := req.SortBy
		norm := spec.norm
		sort.SliceStable(hits, func(i, j int) bool {
			a, b := norm(string(fieldsOf[hits[i].key][sortBy])), norm(string(fieldsOf[hits[j].key][sortBy]))
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
	var snip *snipView
	if req.snippets != nil && !req.NoContent {
		snip = ix.viewSnippets(req, hits[start:end])
	}
	for _, h := range hits[start:end] {
		d := Doc{Key: h.key, Score: h.score, Explain: h.explain}
		f, ok := fieldsOf[h.key]
		if !ok && (!req.NoContent || req.WithPayloads || req.WithSortKeys && req.SortBy != "") {
			f, ok = loadHit(h)
			if !ok {
				res.Total--
				continue // removed since the match
			}
		}
		if !req.NoContent {
			d.Fields, d.Nulls = ix.pick(req, f, res.ScoreField, h.score, yieldValues(yields, h.id))
		}
		if snip != nil {
			snip.apply(req, &d, h.id, f, res.ScoreField, yields)
		}
		if req.WithSortKeys {
			d.SortKey = sortKey(req.SortBy, spec, res.ScoreField, h.score, yields, h.id, f)
		}
		if req.WithPayloads {
			d.Payload = ix.payload(f)
		}
		res.Docs = append(res.Docs, d)
	}
	return res
}

// resolveReturn works out the hash fields RETURN reads: a schema
// field's own by its AS name (exactly, as RediSearch matches it), else
// the name's.
func (ix *Index) resolveReturn(req *SearchRequest) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.schema.OnJSON || req.Return == nil {
		return
	}
	req.hashPaths = make([]string, len(req.Return))
	for i, name := range req.Return {
		req.hashPaths[i] = ix.schema.hashPath(name)
	}
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
func (ix *Index) pick(req *SearchRequest, f map[string][]byte, scoreField string, score float64, yields [][2]string) ([][2]string, []int) {
	scoreText := FormatScore(score)
	var out [][2]string
	var nulls []int
	if req.Return != nil {
		for i, name := range req.Return {
			as := name
			if i < len(req.ReturnAs) {
				as = req.ReturnAs[i]
			}
			if name == scoreField && scoreField != "" {
				out = append(out, [2]string{as, scoreText})
			} else if v, ok := yieldOf(yields, name); ok {
				out = append(out, [2]string{as, v})
			} else if ix.schema.OnJSON {
				if v, ok := f[ReturnKey(name)]; ok {
					out = append(out, [2]string{as, string(v)})
				} else if _, null := f[NullKey(name)]; null {
					nulls = append(nulls, len(out))
					out = append(out, [2]string{as, ""})
				}
			} else if i < len(req.hashPaths) {
				if v, ok := f[req.hashPaths[i]]; ok {
					out = append(out, [2]string{as, string(v)})
				}
			} else if v, ok := f[name]; ok {
				out = append(out, [2]string{as, string(v)})
			}
		}
		return out, nulls
	}
	if scoreField != "" {
		out = append(out, [2]string{scoreField, scoreText})
	}
	out = append(out, yields...)
	if ix.schema.OnJSON {
		return append(out, jsonDefaultFields(req, f, scoreField, yields)...), nil
	}
	names := make([]string, 0, len(f))
	for k := range f {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if k != ix.schema.PayloadField || k == "" {
			out = append(out, [2]string{k, string(f[k])})
		}
	}
	return out, nil
}

// FormatScore formats a distance as RediSearch does (%g-like, up to 17
// significant digits).
func FormatScore(s float64) string {
	return strconv.FormatFloat(s, 'g', -1, 32)
}

// match finds the matching documents in document order and the total,
// and says whether a scorer scored them.
// mu must be held for reading.
func (ix *Index) matchLocked(req *SearchRequest) ([]hit, int, bool, error) {
	if err := ix.checkYields(req.Filter, req.KNN); err != nil {
		return nil, 0, false, err
	}
	if err := ix.runRanges(req.Filter, req.Params); err != nil {
		return nil, 0, false, err
	}
	if err := ix.schema.phraseStopWordError(req.Filter, req.NoStopWords, req.Dialect); err != nil {
		return nil, 0, false, err
	}
	filter := ix.schema.queryTree(req.Filter, req.KNN, req.NoStopWords, req.Dialect)
	if filter == nil {
		return nil, 0, false, nil // only stop words: RediSearch matches nothing
	}
	req.Filter = filter
	if err := ix.containsError(filter, req.Expansion); err != nil {
		return nil, 0, false, err
	}
	ix.expandPatterns(filter, req.Expansion)
	if req.KNN == nil {
		hits, err := ix.matchFilter(req)
		scored := ix.scoreHits(req, hits)
		return hits, len(hits), scored, err
	}
	hits, total, err := ix.matchKNN(req)
	return hits, total, false, err
}

// matchFilter finds the documents passing the filter: those its postings
// bound (text_bound.go), or every document. mu must be held.
func (ix *Index) matchFilter(req *SearchRequest) ([]hit, error) {
	if req.KNN == nil {
		ids, exact, bounded := ix.bound(req.Filter)
		var hits []hit
		admit := func(key string) bool { return req.Admit == nil || req.Admit(key) }
		if bounded {
			for _, id := range ids {
				if d := ix.docs[id]; d != nil && (exact || ix.eval(req.Filter, d)) && admit(d.key) {
					hits = append(hits, hit{id: id, key: d.key, score: 1})
				}
			}
		} else if n := ix.nextID; int64(n) <= 2*int64(len(ix.docs))+64 {
			// Ids are dense (few documents went): walked in order, no sort.
			if req.Filter.Kind == qAll {
				hits = make([]hit, 0, len(ix.docs))
			}
			for id := range n {
				if d := ix.docs[id]; d != nil && ix.eval(req.Filter, d) && admit(d.key) {
					hits = append(hits, hit{id: id, key: d.key, score: 1})
				}
			}
		} else {
			for id, d := range ix.docs {
				if ix.eval(req.Filter, d) && admit(d.key) {
					hits = append(hits, hit{id: id, key: d.key, score: 1})
				}
			}
			slices.SortFunc(hits, func(a, b hit) int { return cmp.Compare(a.id, b.id) })
		}
		return hits, nil
	}
	return nil, nil
}

// matchKNN runs the KNN clause over the documents passing the filter.
// mu must be held.
func (ix *Index) matchKNN(req *SearchRequest) ([]hit, int, error) {
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
		ids, bounded := ix.candidates(req.Filter)
		if !bounded && k.AdHoc() {
			// HYBRID_POLICY ADHOC_BF: every document that passes the
			// filter is compared with the query vector.
			ids, bounded = ix.passing(req.Filter), true
		}
		if bounded {
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
		if n.Field == "" || n.Field == nullScope || n.Kind == qAll || n.Kind == qAnd || n.Kind == qOr || n.Kind == qNot || n.Kind == qVecRange {
			return nil
		}
		for _, name := range strings.Split(n.Field, "|") { // "@a|b:" names text fields
			f, ok := ix.schema.field(name)
			if !ok {
				return fmt.Errorf("Unknown field `%s`", name)
			}
			want := map[kind]FieldType{qTag: Tag, qNum: Numeric, qText: Text, qGeo: Geo, qVecRange: Vector}[n.Kind]
			if f.Type != want {
				return fmt.Errorf("Field `%s` is not a %s field", name, want)
			}
		}
		return nil
	}
	return walk(n)
}
