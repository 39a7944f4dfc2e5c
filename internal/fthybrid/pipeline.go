package fthybrid

import (
	"slices"

	"github.com/vcache/vcache/internal/ftargs"
)

// checkPipeline checks that the post-fusion steps read only what exists
// at their point (a fused row has its key, its scores and LOAD's fields;
// any other document field is read for the steps before a GROUPBY or
// APPLY), notes the fields to read, and ends the pipeline with LIMIT's
// page (0 10 when not given).
func (r *Request) checkPipeline() error {
	known := []string{KeyField, r.scoreName()}
	for _, a := range []string{r.TextAlias, r.VecAlias} {
		if a != "" {
			known = append(known, a)
		}
	}
	for _, f := range r.Load {
		known = append(known, f.As)
	}
	implicit, err := ftargs.CheckSteps(r.Pipeline.Steps, known, func(string) bool { return true })
	if err != nil {
		return err
	}
	for _, f := range implicit {
		if !r.reserved(f) && !slices.Contains(r.needed, f) {
			r.needed = append(r.needed, f)
		}
	}
	steps := r.Pipeline.Steps
	if n := len(steps); n == 0 || steps[n-1].Kind != ftargs.StepArrange {
		r.Pipeline.Steps = append(steps, ftargs.Step{Kind: ftargs.StepArrange})
	}
	last := &r.Pipeline.Steps[len(r.Pipeline.Steps)-1]
	if !last.HasLimit {
		last.HasLimit, last.Num = true, DefaultLimit
	}
	return nil
}

// Limit returns LIMIT's offset and count (the last arrange step's).
func (r *Request) Limit() (offset, num int64) {
	last := &r.Pipeline.Steps[len(r.Pipeline.Steps)-1]
	return last.Offset, last.Num
}

// checkScorerArgs checks a SCORER's parameters: BM25 and BM25STD take
// two, k1 and b (numbers, k1 ≥ 0, b in [0, 1]); the other scorers none.
func checkScorerArgs(name string, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if name != "BM25" && name != "BM25STD" {
		return errf("SCORER %s takes no parameters", name)
	}
	if len(args) != 2 {
		return errf("SCORER %s takes two parameters, k1 and b", name)
	}
	if _, err := ftargs.ParseBM25(args[0], args[1]); err != nil {
		return errf("Bad parameters for SCORER %s: %v", name, err)
	}
	return nil
}

// Cursors are WITHCURSOR's two cursors, as RediSearch 8.4 keeps them:
// one over each list's window (SEARCH's best first, VSIM's nearest
// first), unfused, each row the key, the list's score (the text score,
// or the vector score) under __score and LOAD's fields; the reply names
// both ids.
func (r *Request) Cursors(text, vec []Hit, m Metric) (search, vsim []ftargs.Row) {
	plain := *r
	plain.ExplainScore = false // the fusion's explanation is not theirs
	r = &plain
	list := func(hits []Hit, vector bool) []ftargs.Row {
		hits = hits[:min(len(hits), r.Window)]
		rows := make([]ftargs.Row, len(hits))
		for i, h := range hits {
			x := Row{Key: h.Key, Score: h.Score, Fields: h.Fields}
			if vector {
				x.Dist, x.InVector, x.VecScore = h.Score, true, VectorScore(m, h.Score)
				x.Score = x.VecScore
			} else {
				x.Text, x.InText = h.Score, true
			}
			rows[i] = r.row(&x)
			r.strip(&rows[i])
		}
		return rows
	}
	return list(text, false), list(vec, true)
}

// CursorReply is WITHCURSOR's reply: SEARCH, its cursor's id, VSIM, its
// cursor's id, warnings, [] (a map in RESP3).
func CursorReply(search, vsim uint64) []any {
	return []any{"SEARCH", int64(search), "VSIM", int64(vsim), "warnings", []any{}}
}
