package ftargs

import "strconv"

// AppendArgs appends s as FT.SEARCH arguments after the index name (the
// query first, then every option given), in an order of its own; Parse
// reads them back into an equal Search. RETURN and LIMIT come last. The
// proxy builds each shard's command with it.
func (s *Search) AppendArgs(dst [][]byte) [][]byte {
	w := func(words ...string) {
		for _, x := range words {
			dst = append(dst, []byte(x))
		}
	}
	num := func(n int64) string { return strconv.FormatInt(n, 10) }
	w(s.Query)
	for _, f := range []struct {
		on   bool
		name string
	}{
		{s.NoContent, "NOCONTENT"}, {s.WithScores, "WITHSCORES"}, {s.Verbatim, "VERBATIM"},
		{s.NoStopWords, "NOSTOPWORDS"}, {s.WithPayloads, "WITHPAYLOADS"}, {s.WithSortKeys, "WITHSORTKEYS"},
		{s.InOrder, "INORDER"}, {s.ExplainScore, "EXPLAINSCORE"},
		{s.Count > 0, "WITHCOUNT"}, {s.Count < 0, "WITHOUTCOUNT"},
	} {
		if f.on {
			w(f.name)
		}
	}
	if s.Params != nil {
		w("PARAMS", strconv.Itoa(2*len(s.Params)))
		for _, p := range s.Params {
			dst = append(dst, []byte(p.Name), p.Value)
		}
	}
	if s.HasSortBy {
		w("SORTBY", s.SortBy)
		if s.SortDesc {
			w("DESC")
		}
	}
	if s.Dialect != 0 {
		w("DIALECT", num(s.Dialect))
	}
	if s.Multi {
		w(MultiArg)
	}
	if s.HasBM25 {
		g := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
		w(BM25Arg, g(s.BM25[0]), g(s.BM25[1]))
	}
	if s.HasTimeout {
		w("TIMEOUT", num(s.Timeout))
	}
	if s.HasSlop {
		w("SLOP", num(s.Slop))
	}
	for _, o := range []struct{ name, v string }{
		{"LANGUAGE", s.Language}, {"EXPANDER", s.Expander}, {"SCORER", s.Scorer},
		{"PAYLOAD", s.Payload}, {"FORMAT", s.Format},
	} {
		if o.v != "" {
			w(o.name, o.v)
		}
	}
	for _, l := range []struct {
		name string
		list []string
	}{{"INKEYS", s.InKeys}, {"INFIELDS", s.InFields}} {
		if l.list != nil {
			w(l.name, strconv.Itoa(len(l.list)))
			w(l.list...)
		}
	}
	for _, f := range s.Filters {
		w("FILTER", f.Field, f.Min, f.Max)
	}
	for _, g := range s.GeoFilters {
		w("GEOFILTER", g.Field, g.Lon, g.Lat, g.Radius, g.Unit)
	}
	for i := range s.Snippets {
		dst = s.Snippets[i].appendArgs(dst)
	}
	if s.Return != nil {
		n := 0
		for _, f := range s.Return {
			n++
			if f.Name != f.Path {
				n += 2
			}
		}
		w("RETURN", strconv.Itoa(n))
		for _, f := range s.Return {
			w(f.Path)
			if f.Name != f.Path {
				w("AS", f.Name)
			}
		}
	}
	if s.HasLimit {
		w("LIMIT", num(s.Offset), num(s.Num))
	}
	return dst
}
