package ft

import (
	"slices"
	"sort"

	"github.com/vcache/vcache/internal/ftargs"
)

// AggregateRequest is a parsed FT.AGGREGATE.
type AggregateRequest struct {
	Index  string
	Args   *ftargs.Aggregate
	Filter *Node
	KNN    *KNN
	Params map[string][]byte
	// Dialect, Multi and Expand are as SearchRequest's.
	Dialect       int
	Multi, Expand bool
	// AllMatches is as SearchRequest's.
	AllMatches bool
	// Admit, when set, hides documents it rejects (see SearchRequest).
	Admit func(key string) bool
	// Expansion and Stop are as SearchRequest's.
	Expansion Expansion
	Stop      func(word string) bool
}

// ParseAggregateArgs parses FT.AGGREGATE's arguments (args[0] is the
// index name, args[1] the query) with the grammar node and proxy share,
// but not the query string itself.
func ParseAggregateArgs(args [][]byte) (*AggregateRequest, error) {
	if len(args) < 1 {
		return nil, errf("wrong number of arguments")
	}
	a, err := ftargs.ParseAggregate(args[1:])
	if err != nil {
		return nil, err
	}
	return &AggregateRequest{Index: string(args[0]), Args: a, Params: a.ParamMap(),
		Dialect: int(a.Dialect), Expand: a.Format == "EXPAND", AllMatches: a.Multi}, nil
}

// ParseQueryFor parses the request's query string as ParseQuery does,
// over the stop words of ix (none with NOSTOPWORDS).
func (r *AggregateRequest) ParseQueryFor(ix *Index) error {
	r.Stop = ix.QueryStopWords(r.Args.NoStopWords)
	return r.ParseQuery()
}

// ParseQuery parses the request's query string and resolves its KNN
// clause's parameters.
func (r *AggregateRequest) ParseQuery() error {
	if err := CheckLanguage(r.Args.Language); err != nil {
		return err
	}
	filter, knn, err := parseResolved(r.Args.Query, r.Dialect, r.Stop, nil, r.Params)
	if err != nil {
		return err
	}
	r.Filter, r.KNN = filter, knn
	if r.Args.Verbatim {
		markVerbatim(r.Filter)
	}
	markStems(r.Filter)
	return nil
}

// Aggregate runs req's query and pipeline over the documents it reads
// from docs, as of one moment (view.go). Rows start with the KNN score
// field (if any), then the loaded fields: LOAD's, every field for LOAD *,
// and the schema fields the first steps read. It returns the rows and the
// count the reply starts with.
func (ix *Index) Aggregate(req *AggregateRequest, docs Docs) ([]ftargs.Row, int64, error) {
	if err := ix.checkFields(req.Filter); err != nil {
		return nil, 0, err
	}
	ix.useLanguage(req.Filter, req.Args.Language)
	if docs.Pick == nil {
		docs.Pick = pickFromLoad(docs.Load)
	}
	var v *aggView
	err := consistently(docs, func(still bool) (bool, error) {
		var done bool
		var err error
		v, done, err = ix.readAggregate(req, docs, still)
		return done, err
	})
	if err != nil {
		return nil, 0, err
	}
	return v.run(req.Args.Steps)
}

// pickFromLoad is Docs.Pick done with Load.
func pickFromLoad(load Loader) func(key string, names []string, fn func(int, []byte)) bool {
	return func(key string, names []string, fn func(int, []byte)) bool {
		f, ok := load(key)
		for i, n := range names {
			if v, has := f[n]; has {
				fn(i, v)
			}
		}
		return ok
	}
}

// aggPlan is what each row of an FT.AGGREGATE is made of.
type aggPlan struct {
	scoreField string // the KNN distance's name, "" without KNN
	yields     map[string]*VecRange
	onJSON     bool
	loadAll    bool // LOAD *
	loads      []ftargs.LoadField
	// read says the rows read the documents at all (a LOAD, or a
	// property the first steps read); fixed says they are made of the
	// values of paths, the hash fields the loads name (at[i] is loads[i]'s
	// index in paths, -1 for __key), read with Docs.Pick. Otherwise each
	// row is made from the document Docs.Load reads (LOAD *, JSON).
	read, fixed bool
	paths       []string
	at          []int
}

// aggregatePlan works out req's rows over the index's schema.
func (ix *Index) aggregatePlan(req *AggregateRequest) (*aggPlan, error) {
	p := &aggPlan{yields: rangeYields(req.Filter)}
	var known []string
	if req.KNN != nil {
		p.scoreField = req.KNN.ScoreField()
		known = append(known, p.scoreField)
	}
	for name := range p.yields {
		known = append(known, name)
	}
	ix.mu.RLock()
	schema := ix.schema
	ix.mu.RUnlock()
	p.onJSON = schema.OnJSON
	implicit, err := ftargs.CheckSteps(req.Args.Steps, known, func(name string) bool {
		_, ok := schema.field(name)
		return ok || name == "__key"
	})
	if err != nil {
		return nil, err
	}
	for _, s := range req.Args.Steps {
		if s.Kind == ftargs.StepLoad {
			p.loads = append(p.loads, s.Load...)
			p.loadAll = p.loadAll || s.LoadAll
		}
	}
	for _, name := range implicit {
		path := name
		if f, ok := schema.field(name); ok {
			path = f.Name
		}
		p.loads = append(p.loads, ftargs.LoadField{Path: path, Name: name})
	}
	p.read = p.loadAll || len(p.loads) > 0
	p.fixed = !p.loadAll && !p.onJSON
	if p.fixed {
		p.at = make([]int, len(p.loads))
		for i, l := range p.loads {
			p.at[i] = -1
			if l.Path == "__key" {
				continue
			}
			if p.at[i] = slices.Index(p.paths, l.Path); p.at[i] < 0 {
				p.at[i] = len(p.paths)
				p.paths = append(p.paths, l.Path)
			}
		}
	}
	return p, nil
}

// row makes a row of hit h from its document's fields (LOAD *, JSON).
func (p *aggPlan) row(h hit, fields map[string][]byte) ftargs.Row {
	var row ftargs.Row
	p.head(&row, h)
	if p.loadAll && p.onJSON {
		// A JSON document loads whole, as "$".
		if v, ok := fields["$"]; ok {
			row.Set("$", jsonRowValue(fields, "$", v))
		}
	} else if p.loadAll {
		names := make([]string, 0, len(fields))
		for k := range fields {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			row.Set(k, ftargs.Str(string(fields[k])))
		}
	}
	for _, l := range p.loads {
		if l.Path == "__key" {
			row.Set(l.Name, ftargs.Str(h.key))
		} else if v, ok := fields[l.Path]; ok && p.onJSON {
			row.Set(l.Name, jsonRowValue(fields, l.Path, v))
		} else if ok {
			row.Set(l.Name, ftargs.Str(string(v)))
		}
	}
	return row
}

// fill makes dst (its slices reused) the row of hit h from the values of
// p.paths (a fixed plan): vals[j] is 0 for a field the hash lacks, else 1
// + the value's index in table[j].
func (p *aggPlan) fill(dst *ftargs.Row, h hit, vals []uint32, table [][]string) {
	dst.Names, dst.Vals = dst.Names[:0], dst.Vals[:0]
	p.head(dst, h)
	for i, l := range p.loads {
		switch j := p.at[i]; {
		case j < 0:
			dst.Set(l.Name, ftargs.Str(h.key))
		case vals[j] != 0:
			dst.Set(l.Name, ftargs.Str(table[j][vals[j]-1]))
		}
	}
}

// head sets what a row has before its loaded fields: the KNN distance,
// the ranges' distances.
func (p *aggPlan) head(row *ftargs.Row, h hit) {
	if p.scoreField != "" {
		row.Set(p.scoreField, ftargs.Str(FormatScore(h.score)))
	}
	for _, y := range yieldValues(p.yields, h.id) {
		row.Set(y[0], ftargs.Str(y[1]))
	}
}
