package fthybrid

import (
	"strconv"
	"time"
)

// FormatScore writes a score as RediSearch does (12 significant digits).
func FormatScore(f float64) string { return strconv.FormatFloat(f, 'g', 12, 64) }

// output is a row's result fields, in order, as name, value pairs:
// without LOAD the key and the fused score, with LOAD the fields it
// names (LOAD *: the key, the score and every field), then the scores
// YIELD_SCORE_AS names.
func (r *Request) output(x *Row) [][2]string {
	scoreName := ScoreField
	if r.FusedAlias != "" {
		scoreName = r.FusedAlias
	}
	var out [][2]string
	switch {
	case !r.HasLoad || r.LoadAll:
		out = append(out, [2]string{KeyField, x.Key}, [2]string{scoreName, FormatScore(x.Score)})
		if r.LoadAll {
			for i := 0; i+1 < len(x.Fields); i += 2 {
				if x.Fields[i] != distField {
					out = append(out, [2]string{x.Fields[i], x.Fields[i+1]})
				}
			}
		}
	default:
		for _, f := range r.Load {
			switch f.Name {
			case KeyField:
				out = append(out, [2]string{f.As, x.Key})
			case ScoreField:
				out = append(out, [2]string{f.As, FormatScore(x.Score)})
			default:
				for i := 0; i+1 < len(x.Fields); i += 2 {
					if x.Fields[i] == f.Name {
						out = append(out, [2]string{f.As, x.Fields[i+1]})
						break
					}
				}
			}
		}
	}
	if r.TextAlias != "" && x.InText {
		out = append(out, [2]string{r.TextAlias, FormatScore(x.Text)})
	}
	if r.VecAlias != "" && x.InVector {
		out = append(out, [2]string{r.VecAlias, FormatScore(x.Dist)})
	}
	return out
}

// Reply is FT.HYBRID's RESP2 reply, RediSearch 8.4's flat array
//
//	total_results, n, results, [[field, value...]...], warnings, [...], execution_time, ms
//
// (RESP3 makes it and each result a map, execution_time a double): rows
// are every fused result, of which LIMIT's page is shown; started is
// when the command began. Strings are string, numbers int64, lists []any.
func (r *Request) Reply(rows []Row, warnings []string, started time.Time) []any {
	page := r.Page(rows)
	results := make([]any, len(page))
	for i := range page {
		out := r.output(&page[i])
		fields := make([]any, 0, 2*len(out))
		for _, f := range out {
			fields = append(fields, f[0], f[1])
		}
		results[i] = fields
	}
	warn := make([]any, len(warnings))
	for i, w := range warnings {
		warn[i] = w
	}
	ms := float64(time.Since(started).Microseconds()) / 1000
	return []any{
		"total_results", int64(len(rows)),
		"results", results,
		"warnings", warn,
		"execution_time", strconv.FormatFloat(ms, 'f', 3, 64),
	}
}
