package ft

import (
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

// Aggregate runs req's query and pipeline. Rows start with the KNN score
// field (if any), then the loaded fields: LOAD's, every field for LOAD *,
// and the schema fields the first steps read. It returns the rows and the
// count the reply starts with.
func (ix *Index) Aggregate(req *AggregateRequest, load Loader) ([]ftargs.Row, int64, error) {
	if err := ix.checkFields(req.Filter); err != nil {
		return nil, 0, err
	}
	ix.useLanguage(req.Filter, req.Args.Language)
	var known []string
	scoreField := ""
	if req.KNN != nil {
		scoreField = req.KNN.ScoreField()
		known = append(known, scoreField)
	}
	yields := rangeYields(req.Filter)
	for name := range yields {
		known = append(known, name)
	}
	ix.mu.RLock()
	schema := ix.schema
	ix.mu.RUnlock()
	implicit, err := ftargs.CheckSteps(req.Args.Steps, known, func(name string) bool {
		_, ok := schema.field(name)
		return ok || name == "__key"
	})
	if err != nil {
		return nil, 0, err
	}
	var loads []ftargs.LoadField
	loadAll := false
	for _, s := range req.Args.Steps {
		if s.Kind == ftargs.StepLoad {
			loads = append(loads, s.Load...)
			loadAll = loadAll || s.LoadAll
		}
	}
	for _, name := range implicit {
		path := name
		if f, ok := schema.field(name); ok {
			path = f.Name
		}
		loads = append(loads, ftargs.LoadField{Path: path, Name: name})
	}
	hits, _, _, err := ix.match(&SearchRequest{Filter: req.Filter, KNN: req.KNN, Params: req.Params, Admit: req.Admit, unscored: true,
		NoStopWords: req.Args.NoStopWords, Dialect: req.Dialect, Expansion: req.Expansion})
	if err != nil {
		return nil, 0, err
	}
	rows := make([]ftargs.Row, 0, len(hits))
	for _, h := range hits {
		var fields map[string][]byte
		if loadAll || len(loads) > 0 {
			f, ok := load(h.key)
			if !ok {
				continue // removed since the match
			}
			fields = f
		}
		var row ftargs.Row
		if scoreField != "" {
			row.Set(scoreField, ftargs.Str(FormatScore(h.score)))
		}
		for _, y := range yieldValues(yields, h.id) {
			row.Set(y[0], ftargs.Str(y[1]))
		}
		if loadAll && schema.OnJSON {
			// A JSON document loads whole, as "$".
			if v, ok := fields["$"]; ok {
				row.Set("$", jsonRowValue(fields, "$", v))
			}
		} else if loadAll {
			names := make([]string, 0, len(fields))
			for k := range fields {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				row.Set(k, ftargs.Str(string(fields[k])))
			}
		}
		for _, l := range loads {
			if l.Path == "__key" {
				row.Set(l.Name, ftargs.Str(h.key))
			} else if v, ok := fields[l.Path]; ok && schema.OnJSON {
				row.Set(l.Name, jsonRowValue(fields, l.Path, v))
			} else if ok {
				row.Set(l.Name, ftargs.Str(string(v)))
			}
		}
		rows = append(rows, row)
	}
	return ftargs.Run(req.Args.Steps, rows, int64(len(rows)))
}
