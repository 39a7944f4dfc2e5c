package proxy

import (
	"strings"

	"github.com/vcache/vcache/internal/ftargs"
)

// ftQuery is what the proxy needs to know of an FT.SEARCH to scatter it
// and merge the shards' results.
type ftQuery struct {
	offset, num int64  // LIMIT, default 0 10
	knn         int64  // k of a KNN clause, 0 without one
	scoreField  string // the KNN's distance field: its AS name or __<field>_score
	sortBy      string // SORTBY field, "" without one
	desc        bool   // SORTBY ... DESC
	noContent   bool   // NOCONTENT or RETURN 0
	withScores  bool   // WITHSCORES
	// byScore says rows merge by score, best first (no SORTBY, no KNN):
	// the shards always send scores then, as RediSearch's coordinator
	// asks its shards (search_score.go).
	byScore bool
	// withPayloads and withSortKeys are the client's WITHPAYLOADS and
	// WITHSORTKEYS. The shards always send sort keys when rows are
	// sorted: the merge orders rows by them, as the nodes do.
	withPayloads bool
	withSortKeys bool
	// implicitSort says the proxy sorts by a vector range's distance
	// field the client did not SORTBY (see parseFTSearch).
	implicitSort bool
	returns      []string // RETURN's names as the client will see them, nil without RETURN
	// shard is the command each shard gets.
	shard [][]byte
	// added are fields the proxy added to RETURN for merging, to be
	// removed from the rows.
	added []string
	// expand is FORMAT EXPAND: the shards are asked for every match's
	// JSON text (ftargs.MultiArg, search_expand.go), the query read in
	// the client's dialect.
	expand bool
}

// parseFTSearch reads FT.SEARCH index query [options] with the grammar
// the nodes use (so a bad command gets the nodes' error) and builds the
// shard command: the same options, with LIMIT 0 offset+num, and with the
// fields the merge needs added to RETURN when the client's RETURN lacks
// them.
func parseFTSearch(args [][]byte) (*ftQuery, error) {
	a, err := ftargs.Parse(args[2:])
	if err != nil {
		return nil, err
	}
	q := &ftQuery{
		withScores: a.WithScores, noContent: a.NoContent,
		withPayloads: a.WithPayloads, withSortKeys: a.WithSortKeys,
		sortBy: strings.TrimPrefix(a.SortBy, "@"), desc: a.SortDesc,
	}
	q.offset, q.num = a.Limits()
	if a.Return != nil {
		q.returns = make([]string, len(a.Return))
		for i, f := range a.Return {
			q.returns[i] = f.Name
		}
		if len(a.Return) == 0 {
			q.noContent = true
		}
	}
	// The KNN clause's k and distance field. A query the grammar rejects
	// goes to the nodes all the same: they answer with the error (the
	// same, from the same code, after their own checks of the index), and
	// the merge relays it.
	if knn, err := ftargs.QueryKNN(a.Query); err == nil && knn != nil && knn.Resolve(a.ParamMap()) == nil && knn.K > 0 {
		q.knn, q.scoreField = int64(knn.K), knn.ScoreField()
	}
	// A vector range query without SORTBY whose range yields its
	// distance is merged nearest first (a node's order, by document id,
	// means nothing across shards): every shard sorts by that distance.
	if q.sortBy == "" && q.knn == 0 {
		if y := ftargs.RangeYields(a.Query, a.ParamMap()); len(y) > 0 {
			q.sortBy, q.implicitSort = y[0], true
		}
	}
	// The fields the merge needs from every row: the KNN distance (to
	// pick the global k nearest). Rows are sorted by their sort keys.
	var need []string
	if q.knn > 0 {
		need = append(need, q.scoreField)
	}
	shard := *a
	shard.WithSortKeys = a.WithSortKeys || q.sortBy != ""
	if q.sortBy == "" && q.knn == 0 {
		q.byScore, shard.WithScores = true, true
	}
	if q.implicitSort {
		shard.HasSortBy, shard.SortBy, shard.SortDesc = true, q.sortBy, false
	}
	if q.noContent && len(need) > 0 && len(a.Snippets) > 0 {
		// The rows carry only the fields the merge needs, which HIGHLIGHT
		// and SUMMARIZE must leave alone (a node, as RediSearch, does not
		// look at them under the client's NOCONTENT): one clause about no
		// returned field still has the nodes refuse them over an index
		// without offsets, as they do under NOCONTENT.
		shard.Snippets = []ftargs.Snippet{{Highlight: true, Fields: []string{""}, Open: ftargs.DefaultOpenTag, Close: ftargs.DefaultCloseTag}}
	}
	switch {
	case q.noContent && len(need) > 0:
		// The shards must send the fields; the rows drop them.
		shard.NoContent, shard.Return = false, nil
		for _, f := range need {
			shard.Return = append(shard.Return, ftargs.ReturnField{Path: f, Name: f})
		}
		q.added = need
	case q.noContent:
		shard.NoContent, shard.Return = true, nil
	case a.Return != nil:
		shard.Return = append([]ftargs.ReturnField(nil), a.Return...)
		for _, f := range need {
			if !contains(q.returns, f) {
				q.added = append(q.added, f)
				shard.Return = append(shard.Return, ftargs.ReturnField{Path: f, Name: f})
			}
		}
	}
	if len(q.added) > 0 && !q.noContent {
		shard.Snippets = returnSnippets(a.Snippets, q.returns)
	}
	// Each shard sends its best offset+num rows; but when rows are sorted
	// by something else than the distance, the global k nearest may be
	// anywhere in a shard's k nearest, so it sends them all. (A node sends
	// at most ftargs.MaxResults rows.)
	limit := q.offset + q.num
	if q.knn > 0 && q.sortBy != "" && q.sortBy != q.scoreField {
		limit = q.knn
	}
	shard.HasLimit, shard.Offset, shard.Num = true, 0, min(limit, ftargs.MaxResults)
	if a.Format == "EXPAND" {
		q.expand = true
		shard.Format, shard.Multi = "", true
	}
	q.shard = shard.AppendArgs([][]byte{args[0], args[1]})
	return q, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// returnSnippets returns the HIGHLIGHT and SUMMARIZE clauses of a search
// whose RETURN the proxy added fields to, for the shards: a clause
// without FIELDS is about every RETURN field, and a node would check the
// added ones too (RediSearch refuses a field that is not in the schema),
// so it names the client's RETURN fields instead (after the clauses
// naming fields: a field's own clause of a kind wins over a clause of
// that kind without FIELDS, and leaves it out of the list).
func returnSnippets(clauses []ftargs.Snippet, returns []string) []ftargs.Snippet {
	var out, all []ftargs.Snippet
	named := map[bool][]string{}
	for _, c := range clauses {
		if c.Fields != nil {
			out = append(out, c)
			named[c.Highlight] = append(named[c.Highlight], c.Fields...)
		} else {
			all = append(all, c)
		}
	}
	for _, c := range all {
		var fields []string
		for _, f := range returns {
			if !contains(named[c.Highlight], f) {
				fields = append(fields, f)
			}
		}
		if len(fields) > 0 {
			c.Fields = fields
			out = append(out, c)
		}
	}
	return out
}
