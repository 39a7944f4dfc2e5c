package proxy

import (
	"strings"

	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/internal/resp"
)

// FT.AGGREGATE through the proxy. Every shard holds the index over its own
// documents; the pipeline is split (ftargs.PlanShards): each shard runs
// the row-by-row steps and a first GROUPBY with mergeable partial
// reducers (or a first SORTBY/LIMIT keeping offset+num rows), the proxy
// merges the groups (or gathers the rows) and runs the rest of the
// pipeline itself. WITHCURSOR is the proxy's: the whole result is
// computed, kept in the proxy's cursor table and paged from there.

func proxyFTAggregate(s *session, cmd resp.Command) (merger, string) {
	return fanFTAggregateAs(s, cmd, [][]byte{[]byte("FT.AGGREGATE"), cmd.Args[1]})
}

// fanFTAggregateAs is proxyFTAggregate sending each node head and then its
// share's arguments (head is FT.AGGREGATE index, or FT.PROFILE's words).
func fanFTAggregateAs(s *session, cmd resp.Command, head [][]byte) (merger, string) {
	if len(cmd.Args) < 3 {
		return nil, "ERR wrong number of arguments for 'ft.aggregate' command"
	}
	a, err := ftargs.ParseAggregate(cmd.Args[2:])
	if err != nil {
		return nil, strings.NewReplacer("\r", " ", "\n", " ").Replace(err.Error())
	}
	plan := ftargs.PlanShards(a)
	if knn, err := ftargs.QueryKNN(a.Query); err == nil && knn != nil && knn.Resolve(a.ParamMap()) == nil && knn.K > 0 {
		plan = ftargs.PlanShardsKNN(a, int64(knn.K), knn.ScoreField())
	}
	if plan.Group != nil {
		// The steps after the merge may read only what the GROUPBY made.
		var known []string
		known = append(known, plan.Group.Fields...)
		for _, r := range plan.Group.Reducers {
			known = append(known, r.As)
		}
		if _, err := ftargs.CheckSteps(plan.Rest, known, nil); err != nil {
			return nil, err.Error()
		}
	}
	sa := a
	if a.Format == "EXPAND" {
		if msg := s.expandRefusal(cmd.Args[1]); msg != "" {
			return nil, msg
		}
		// The shards send every match's JSON text (search_expand.go).
		c := *a
		c.Format, c.Multi = "", true
		sa = &c
	}
	args := sa.AppendArgs(append([][]byte(nil), head...), plan.Shard)
	calls := s.fanoutSlots(args)
	if len(calls) == 0 {
		return nil, msgNoNodes
	}
	m := &aggMerge{a: a, plan: plan, calls: calls, args: args, index: string(cmd.Args[1])}
	return s.guardIndex(cmd.Args[1], m), ""
}

type aggMerge struct {
	a     *ftargs.Aggregate
	plan  *ftargs.ShardPlan
	calls []*call
	args  [][]byte // the calls' command before the slots (slots_retry.go)
	index string
}

func (m *aggMerge) merge(s *session, dst []byte) []byte {
	vals, errReply := s.settleSlots(m.calls, m.args)
	if errReply != nil {
		return append(dst, errReply...)
	}
	var total int64
	var rows []ftargs.Row
	for _, v := range vals {
		if v.Kind != resp.Array || len(v.Elems) == 0 || v.Elems[0].Kind != resp.Integer {
			return resp.AppendError(dst, "ERR unexpected FT.AGGREGATE reply from a shard")
		}
		total += v.Elems[0].Int
		for _, e := range v.Elems[1:] {
			if e.Kind != resp.Array {
				return resp.AppendError(dst, "ERR unexpected FT.AGGREGATE reply from a shard")
			}
			var row ftargs.Row
			for i := 0; i+1 < len(e.Elems); i += 2 {
				row.Set(string(e.Elems[i].Str), respValue(&e.Elems[i+1]))
			}
			if m.a.Format == "EXPAND" {
				useFirstMatches(&row)
			}
			rows = append(rows, row)
		}
	}
	if m.plan.KNN > 0 {
		// A document two nodes both sent (search_dedup.go) counts once.
		var dups int64
		rows, dups = m.plan.NearestRows(rows)
		total = min(total-dups, m.plan.KNN)
	}
	if m.plan.Group != nil {
		rows = m.plan.MergeGroups(rows)
		total = int64(len(rows))
	}
	rows, total, err := ftargs.Run(m.plan.Rest, rows, total)
	if err != nil {
		return resp.AppendError(dst, err.Error())
	}
	if !m.a.WithCursor {
		return appendAggRows(dst, total, rows)
	}
	// Only a session of the user that made it may read it.
	c := ftargs.NewCursor(m.index, s.user, rows, total, m.a.CursorCount, m.a.MaxIdle)
	c.Expand = m.a.Format == "EXPAND"
	id, err := s.p.cursors.Add(c)
	if err != nil {
		return resp.AppendError(dst, err.Error())
	}
	dst = appendCursorChunk(dst, &s.p.cursors, id, c, c.Count)
	s.p.cursors.Put(id, c)
	return dst
}

// respValue converts a shard's reply value into a pipeline value.
func respValue(v *resp.Value) ftargs.Value {
	switch {
	case v.Null:
		return ftargs.Value{}
	case v.Kind == resp.Array:
		out := ftargs.Value{Kind: ftargs.Array, Arr: make([]ftargs.Value, len(v.Elems))}
		for i := range v.Elems {
			out.Arr[i] = respValue(&v.Elems[i])
		}
		return out
	case v.Kind == resp.Integer:
		return ftargs.Num(float64(v.Int))
	}
	return ftargs.Str(string(v.Str))
}

// appendAggRows writes [total, row, row, ...].
func appendAggRows(dst []byte, total int64, rows []ftargs.Row) []byte {
	dst = resp.AppendArray(dst, 1+len(rows))
	dst = resp.AppendInt(dst, total)
	for i := range rows {
		r := &rows[i]
		dst = resp.AppendArray(dst, 2*len(r.Names))
		for j, n := range r.Names {
			dst = resp.AppendBulk(dst, n)
			dst = appendAggValue(dst, r.Vals[j])
		}
	}
	return dst
}

func appendAggValue(dst []byte, v ftargs.Value) []byte {
	if v.Shown != "" {
		return resp.AppendBulk(dst, v.Shown)
	}
	switch v.Kind {
	case ftargs.Null:
		return resp.AppendNull(dst)
	case ftargs.Array:
		dst = resp.AppendArray(dst, len(v.Arr))
		for _, e := range v.Arr {
			dst = appendAggValue(dst, e)
		}
		return dst
	}
	return resp.AppendBulk(dst, v.String())
}
