package proxy

import (
	"bytes"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/acl"
	"github.com/vcache/vcache/internal/resp"
)

// FT.SEARCH scatter-gather. Every shard holds the index over its own
// documents, so the query goes to every node with LIMIT 0 offset+num
// (LIMIT 0 k when a KNN's rows are sorted by another field). The rows are
// merged: a KNN keeps the k nearest by distance over all shards, then
// SORTBY (if any) orders them, then LIMIT applies once, globally. Totals
// add up (capped at k for a KNN). A key more than one shard answered for
// (for a moment, while a shard splits or merges) is kept once, and
// counted once when its copies are among the rows the shards sent. Fields
// the proxy asked for only to merge are removed from the rows.

func proxyFTSearch(s *session, cmd resp.Command) (merger, string) {
	q, err := parseFTSearch(cmd.Args)
	if err != nil {
		// The text may quote the client's arguments: one line, as a node's.
		return nil, strings.NewReplacer("\r", " ", "\n", " ").Replace(err.Error())
	}
	if q.expand {
		if msg := s.expandRefusal(cmd.Args[1]); msg != "" {
			return nil, msg
		}
	}
	// Each node answers for the slots the proxy's map routes to it, as
	// FT.AGGREGATE does (aggregate_slots.go): while the nodes learn a
	// split's map one after the other, no document is missed by every
	// node's own map.
	args := slices.Clip(q.shard)
	calls := s.fanoutSlots(args)
	if len(calls) == 0 {
		return nil, msgNoNodes
	}
	m := &searchMerge{q: q, calls: calls, args: args}
	if p := s.restricted(); p != nil {
		m.mayRead = p
	}
	return s.guardIndex(cmd.Args[1], m), ""
}

type searchMerge struct {
	q     *ftQuery
	calls []*call
	args  [][]byte // the calls' command before the slots (slots_retry.go)
	// mayRead, when set, is the user's permissions: every row's key must
	// be readable (see search_acl.go).
	mayRead *acl.Perms
}

// ftRow is one result document from one shard.
type ftRow struct {
	key   resp.Value
	score *resp.Value // WITHSCORES
	// payload and sortKey are WITHPAYLOADS's and WITHSORTKEYS's values.
	payload *resp.Value
	sortKey *resp.Value
	fields  *resp.Value // field/value pairs, unless NOCONTENT
	dist    sortValue   // the KNN distance
	sort    sortValue   // the SORTBY field
}

// sortValue is a field's value for ordering rows.
type sortValue struct {
	raw   []byte
	has   bool
	num   float64
	isNum bool
}

func fieldSortValue(fields *resp.Value, name string) sortValue {
	var v sortValue
	if fields == nil || name == "" {
		return v
	}
	v.raw, v.has = fieldValue(fields, name)
	if v.has {
		if f, err := strconv.ParseFloat(string(v.raw), 64); err == nil {
			v.num, v.isNum = f, true
		}
	}
	return v
}

func (m *searchMerge) merge(s *session, dst []byte) []byte {
	vals, errReply := s.settleSlots(m.calls, m.args)
	if errReply != nil {
		return append(dst, errReply...)
	}
	q := m.q
	var total int64
	var rows []ftRow
	for _, v := range vals {
		if v.Kind != resp.Array || len(v.Elems) == 0 || v.Elems[0].Kind != resp.Integer {
			return resp.AppendError(dst, "ERR unexpected FT.SEARCH reply from a shard")
		}
		total += v.Elems[0].Int
		e := v.Elems[1:]
		for len(e) > 0 {
			r := ftRow{key: e[0]}
			e = e[1:]
			if m.mayRead != nil && !m.mayRead.MayRead(string(r.key.Str)) {
				d := &acl.Denial{Reason: acl.ReasonKey, User: m.mayRead.Name(), Object: string(r.key.Str), Index: true}
				s.logDenial(d)
				return resp.AppendError(dst, d.Error())
			}
			if (q.withScores || q.byScore) && len(e) > 0 {
				r.score = &e[0]
				e = e[1:]
			}
			if q.withPayloads && len(e) > 0 {
				r.payload = &e[0]
				e = e[1:]
			}
			if (q.withSortKeys || q.sortBy != "") && len(e) > 0 {
				r.sortKey = &e[0]
				e = e[1:]
			}
			if len(q.added) > 0 || !q.noContent {
				if len(e) == 0 || e[0].Kind != resp.Array {
					return resp.AppendError(dst, "ERR unexpected FT.SEARCH reply from a shard")
				}
				r.fields = &e[0]
				e = e[1:]
			}
			if q.knn > 0 {
				r.dist = fieldSortValue(r.fields, q.scoreField)
			}
			r.sort = sortKeyValue(r.sortKey)
			rows = append(rows, r)
		}
	}
	if q.knn > 0 {
		// The global k nearest, by distance.
		sort.SliceStable(rows, func(i, j int) bool {
			return valueLess(&rows[i].dist, &rows[j].dist, false, true, &rows[i].key, &rows[j].key)
		})
	}
	if q.byScore {
		sortByScore(rows)
	}
	// A key two shards both answered for (see search_dedup.go) counts
	// once, in the rows and in the total.
	rows, dups := dropDuplicateRows(rows)
	total -= dups
	if q.knn > 0 {
		total = min(total, q.knn)
		rows = rows[:min(int64(len(rows)), q.knn)]
	}
	if q.sortBy != "" && (q.knn == 0 || q.sortBy != q.scoreField) {
		// Ties keep the distance order of a KNN, as a node does.
		byKey := q.knn == 0
		sort.SliceStable(rows, func(i, j int) bool {
			return valueLess(&rows[i].sort, &rows[j].sort, q.desc, byKey, &rows[i].key, &rows[j].key)
		})
	}
	lo := min(q.offset, int64(len(rows)))
	hi := min(q.offset+q.num, int64(len(rows)))
	rows = rows[lo:hi]

	per := 1
	for _, on := range []bool{q.withScores, q.withPayloads, q.withSortKeys} {
		if on {
			per++
		}
	}
	if !q.noContent {
		per++
	}
	dst = resp.AppendArray(dst, 1+per*len(rows))
	dst = resp.AppendInt(dst, total)
	for i := range rows {
		r := &rows[i]
		dst = r.key.AppendTo(dst)
		if q.withScores {
			if r.score != nil {
				dst = r.score.AppendTo(dst)
			} else {
				dst = resp.AppendNull(dst)
			}
		}
		if q.withPayloads {
			dst = appendOrNull(dst, r.payload)
		}
		if q.withSortKeys {
			if q.implicitSort {
				dst = resp.AppendNull(dst) // the client gave no SORTBY
			} else {
				dst = appendOrNull(dst, r.sortKey)
			}
		}
		if !q.noContent {
			dst = appendFields(dst, r.fields, q.added)
		}
	}
	return dst
}

// sortKeyValue reads a shard's WITHSORTKEYS value: "#" and a number, "$"
// and a string (as the node normalised it), nil for none.
func sortKeyValue(v *resp.Value) sortValue {
	var out sortValue
	if v == nil || v.Null || v.Kind == resp.Null3 || len(v.Str) == 0 {
		return out
	}
	out.has = true
	switch v.Str[0] {
	case '#':
		if f, err := strconv.ParseFloat(string(v.Str[1:]), 64); err == nil {
			out.num, out.isNum = f, true
			return out
		}
		out.raw = v.Str[1:]
	case '$':
		out.raw = v.Str[1:]
	default:
		out.raw = v.Str
	}
	return out
}

func appendOrNull(dst []byte, v *resp.Value) []byte {
	if v == nil {
		return resp.AppendNull(dst)
	}
	return v.AppendTo(dst)
}

// valueLess orders rows by a sort value: rows without one last, numbers
// before strings; equal values by key if byKey, for an order that does
// not depend on the shards.
func valueLess(a, b *sortValue, desc, byKey bool, ka, kb *resp.Value) bool {
	if a.has != b.has {
		return a.has
	}
	if a.has {
		if a.isNum && b.isNum {
			if a.num != b.num {
				return (a.num < b.num) != desc
			}
		} else if a.isNum != b.isNum {
			return a.isNum
		} else if c := bytes.Compare(a.raw, b.raw); c != 0 {
			return (c < 0) != desc
		}
	}
	return byKey && bytes.Compare(ka.Str, kb.Str) < 0
}

// fieldValue finds name in a flat field/value array.
func fieldValue(fields *resp.Value, name string) ([]byte, bool) {
	for i := 0; i+1 < len(fields.Elems); i += 2 {
		if string(fields.Elems[i].Str) == name {
			return fields.Elems[i+1].Str, true
		}
	}
	return nil, false
}

// appendFields writes a row's field/value array without the fields in
// drop.
func appendFields(dst []byte, fields *resp.Value, drop []string) []byte {
	if fields == nil {
		return resp.AppendArray(dst, 0)
	}
	if len(drop) == 0 {
		return fields.AppendTo(dst)
	}
	n := 0
	for i := 0; i+1 < len(fields.Elems); i += 2 {
		if !contains(drop, string(fields.Elems[i].Str)) {
			n += 2
		}
	}
	dst = resp.AppendArray(dst, n)
	for i := 0; i+1 < len(fields.Elems); i += 2 {
		if !contains(drop, string(fields.Elems[i].Str)) {
			dst = fields.Elems[i].AppendTo(dst)
			dst = fields.Elems[i+1].AppendTo(dst)
		}
	}
	return dst
}
