package ftargs

import "strconv"

// AppendArgs appends a as FT.AGGREGATE arguments after the index name,
// with the given steps instead of a's (WITHCURSOR left out); the proxy
// builds each shard's command with it.
func (a *Aggregate) AppendArgs(dst [][]byte, steps []Step) [][]byte {
	w := func(words ...string) {
		for _, x := range words {
			dst = append(dst, []byte(x))
		}
	}
	num := func(n int64) string { return strconv.FormatInt(n, 10) }
	w(a.Query)
	if a.Verbatim {
		w("VERBATIM")
	}
	if a.NoStopWords {
		w("NOSTOPWORDS")
	}
	if a.Language != "" {
		w("LANGUAGE", a.Language)
	}
	if a.Params != nil {
		w("PARAMS", strconv.Itoa(2*len(a.Params)))
		for _, p := range a.Params {
			dst = append(dst, []byte(p.Name), p.Value)
		}
	}
	if a.Dialect != 0 {
		w("DIALECT", num(a.Dialect))
	}
	if a.Multi {
		w(MultiArg)
	}
	if a.HasTimeout {
		w("TIMEOUT", num(a.Timeout))
	}
	if a.Format != "" {
		w("FORMAT", a.Format)
	}
	for i := range steps {
		s := &steps[i]
		switch s.Kind {
		case StepLoad:
			if s.LoadAll {
				w("LOAD", "*")
				continue
			}
			n := 0
			for _, f := range s.Load {
				n += 1 + 2*boolInt(f.Name != f.Path)
			}
			w("LOAD", strconv.Itoa(n))
			for _, f := range s.Load {
				w("@" + f.Path)
				if f.Name != f.Path {
					w("AS", f.Name)
				}
			}
		case StepApply:
			w("APPLY", s.Expr, "AS", s.As)
		case StepFilter:
			w("FILTER", s.Expr)
		case StepGroup:
			w("GROUPBY", strconv.Itoa(len(s.Group.Fields)))
			for _, f := range s.Group.Fields {
				w("@" + f)
			}
			for _, r := range s.Group.Reducers {
				w("REDUCE", r.Name, strconv.Itoa(len(r.Args)))
				w(r.Args...)
				w("AS", r.As)
			}
		case StepArrange:
			if s.Sort != nil {
				n := 0
				for _, k := range s.Sort {
					n += 1 + boolInt(k.Desc)
				}
				w("SORTBY", strconv.Itoa(n))
				for _, k := range s.Sort {
					w("@" + k.Field)
					if k.Desc {
						w("DESC")
					}
				}
				if s.Max > 0 {
					w("MAX", num(s.Max))
				}
			}
			if s.HasLimit {
				w("LIMIT", num(s.Offset), num(s.Num))
			}
		}
	}
	return dst
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
