package fthybrid

import (
	"strconv"
	"time"

	"github.com/vcache/vcache/internal/ftargs"
)

// FormatScore writes a score as RediSearch does (12 significant digits).
func FormatScore(f float64) string { return strconv.FormatFloat(f, 'g', 12, 64) }

// scoreName is the fused score's name: YIELD_SCORE_AS's, else __score.
func (r *Request) scoreName() string {
	if r.FusedAlias != "" {
		return r.FusedAlias
	}
	return ScoreField
}

// row is a fused result as a pipeline row. Its shown fields come first:
// without LOAD the key and the fused score, with LOAD the fields it names
// (LOAD *: the key, the score and every field), then the scores
// YIELD_SCORE_AS names (the text score, the vector score); then, hidden,
// the key, the score and the fields the pipeline reads that are not
// shown.
func (r *Request) row(x *Row) ftargs.Row {
	var out ftargs.Row
	field := func(name string) (ftargs.Value, bool) {
		for i := 0; i+1 < len(x.Fields); i += 2 {
			if x.Fields[i] == name {
				return r.value(x.Fields[i+1]), true
			}
		}
		return ftargs.Value{}, false
	}
	if r.ExplainScore {
		out.Set("score", r.explain(x))
	}
	switch {
	case !r.HasLoad || r.LoadAll:
		out.Set(KeyField, ftargs.Str(x.Key))
		out.Set(r.scoreName(), ftargs.Num(x.Score))
		if r.LoadAll {
			for i := 0; i+1 < len(x.Fields); i += 2 {
				if x.Fields[i] != distField {
					out.Set(x.Fields[i], r.value(x.Fields[i+1]))
				}
			}
		}
	default:
		for _, f := range r.Load {
			switch f.Name {
			case KeyField:
				out.Set(f.As, ftargs.Str(x.Key))
			case ScoreField:
				out.Set(f.As, ftargs.Num(x.Score))
			default:
				if v, ok := field(f.Name); ok {
					out.Set(f.As, v)
				}
			}
		}
	}
	if r.TextAlias != "" && x.InText {
		out.Set(r.TextAlias, ftargs.Num(x.Text))
	}
	if r.VecAlias != "" && x.InVector {
		out.Set(r.VecAlias, ftargs.Num(x.VecScore))
	}
	hide := func(name string, v ftargs.Value) {
		if _, ok := out.Get(name); !ok {
			out.Set(name, v)
		}
	}
	hide(KeyField, ftargs.Str(x.Key))
	hide(r.scoreName(), ftargs.Num(x.Score))
	for _, f := range r.needed {
		if v, ok := field(f); ok {
			hide(f, v)
		}
	}
	return out
}

// value is a document field's value in a row: with FORMAT EXPAND the
// JSON array of every match, shown as it is, computed with as its first
// match (as FT.AGGREGATE's).
func (r *Request) value(text string) ftargs.Value {
	if r.Format == "EXPAND" {
		if v, ok := ftargs.FirstMatch(text); ok {
			v.Shown = text
			return v
		}
	}
	return ftargs.Str(text)
}

// RunProfile fuses the lists and runs the pipeline as Fuse and Run do,
// and returns FT.PROFILE's result processors for them (times formatted
// by ms): the fusion ("Hybrid Merger", with the rows it makes) and each
// pipeline step with the rows that leave it (the last one a "Sorter",
// left out under NOSORT with no SORTBY).
func (r *Request) RunProfile(text, vec []Hit, m Metric, ms func(time.Duration) string) ([]ftargs.Row, int64, []any, error) {
	t0 := time.Now()
	fused := r.Fuse(text, vec, m)
	procs := []any{[]any{"Type", "Hybrid Merger", "Time", ms(time.Since(t0)), "Results processed", int64(len(fused))}}
	last := &r.Pipeline.Steps[len(r.Pipeline.Steps)-1]
	rows, total, err := r.RunObserved(fused, func(s *ftargs.Step, n int, took time.Duration) {
		name := s.Processor()
		if s == last {
			if r.NoSort && len(s.Sort) == 0 {
				return
			}
			name = "Sorter"
		}
		procs = append(procs, []any{"Type", name, "Time", ms(took), "Results processed", int64(n)})
	})
	return rows, total, procs, err
}

// Run turns the fused rows into the results: each a pipeline row, run
// through the post-fusion steps. total is the number of rows before the
// last step's page (LIMIT, 0 10 by default): the fused documents, or
// what FILTER kept, or the groups of a GROUPBY.
func (r *Request) Run(fused []Row) ([]ftargs.Row, int64, error) {
	return r.RunObserved(fused, nil)
}

// RunObserved is Run telling seen, when not nil, of each pipeline step
// (GROUPBY, APPLY, FILTER, then the last arrange step): the rows that
// leave it and the time it took (FT.PROFILE's result processors).
func (r *Request) RunObserved(fused []Row, seen func(s *ftargs.Step, rows int, took time.Duration)) ([]ftargs.Row, int64, error) {
	rows := make([]ftargs.Row, len(fused))
	for i := range fused {
		rows[i] = r.row(&fused[i])
	}
	steps := r.Pipeline.Steps
	last := steps[len(steps)-1]
	if seen == nil {
		var err error
		if rows, _, err = ftargs.Run(steps[:len(steps)-1], rows, 0); err != nil {
			return nil, 0, err
		}
	}
	for i := 0; seen != nil && i < len(steps)-1; i++ {
		t0 := time.Now()
		var err error
		if rows, _, err = ftargs.Run(steps[i:i+1], rows, 0); err != nil {
			return nil, 0, err
		}
		seen(&steps[i], len(rows), time.Since(t0))
	}
	total := int64(len(rows))
	t0 := time.Now()
	rows = ftargs.Arrange(&last, rows)
	if seen != nil {
		seen(&steps[len(steps)-1], len(rows), time.Since(t0))
	}
	for i := range steps {
		if steps[i].Kind == ftargs.StepGroup {
			return rows, total, nil
		}
	}
	for i := range rows {
		r.strip(&rows[i])
	}
	return rows, total, nil
}

// strip removes a row's hidden fields (see row) once the steps have read
// them.
func (r *Request) strip(x *ftargs.Row) {
	if r.LoadAll {
		return
	}
	shown := map[string]bool{}
	if !r.HasLoad {
		shown[KeyField], shown[r.scoreName()] = true, true
	}
	for _, f := range r.Load {
		shown[f.As] = true
	}
	hidden := map[string]bool{KeyField: true, r.scoreName(): true}
	for _, f := range r.needed {
		hidden[f] = true
	}
	kept := ftargs.Row{}
	for i, n := range x.Names {
		if hidden[n] && !shown[n] && !r.applied(n) {
			continue
		}
		kept.Names = append(kept.Names, n)
		kept.Vals = append(kept.Vals, x.Vals[i])
	}
	*x = kept
}

// applied reports whether an APPLY step writes name.
func (r *Request) applied(name string) bool {
	for _, s := range r.Pipeline.Steps {
		if s.Kind == ftargs.StepApply && s.As == name {
			return true
		}
	}
	return false
}

// Reply is FT.HYBRID's RESP2 reply, RediSearch 8.4's flat array
//
//	total_results, n, results, [[field, value...]...], warnings, [...], execution_time, ms
//
// (RESP3 makes it and each result a map, execution_time a double): rows
// are the results Run returned and total its count; started is when the
// command began. Strings are string, numbers int64, lists []any, nil null.
func (r *Request) Reply(rows []ftargs.Row, total int64, warnings []string, started time.Time) []any {
	results := make([]any, len(rows))
	for i := range rows {
		results[i] = rows[i].Reply()
	}
	warn := make([]any, len(warnings))
	for i, w := range warnings {
		warn[i] = w
	}
	ms := float64(time.Since(started).Microseconds()) / 1000
	return []any{
		"total_results", total,
		"results", results,
		"warnings", warn,
		"execution_time", strconv.FormatFloat(ms, 'f', 3, 64),
	}
}
