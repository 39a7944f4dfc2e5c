package proxy

import (
	"strconv"
	"strings"
	"time"

	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/internal/fthybrid"
	"github.com/vcache/vcache/internal/resp"
)

// FT.HYBRID across the shards: the full-text list and the vector list are
// two FT.SEARCH scatter-gathers (search.go), each shard sending its
// fusion window's best documents with their raw scores and distances;
// each list is merged over all shards (scores, then distances), cut to
// the window, and only then fused, so the result is the single index's.
// COMBINE LINEAR, VSIM's YIELD_SCORE_AS and WITHCURSOR also read the
// vector field's metric (which normalizes the vector score) from one
// node's FT.INFO.

func proxyFTHybrid(s *session, cmd resp.Command) (merger, string) {
	started := time.Now()
	oneLine := strings.NewReplacer("\r", " ", "\n", " ")
	h, err := fthybrid.Parse(cmd.Args[1:])
	if err != nil {
		return nil, oneLine.Replace(err.Error())
	}
	text := append([][]byte{[]byte("FT.SEARCH")}, h.TextSearch()...)
	vec := append([][]byte{[]byte("FT.SEARCH")}, h.VectorSearch()...)
	// Both are checked before either is sent.
	for _, args := range [][][]byte{text, vec} {
		if _, err := parseFTSearch(args); err != nil {
			return nil, oneLine.Replace(err.Error())
		}
	}
	if h.Format == "EXPAND" {
		if msg := s.expandRefusal(cmd.Args[1]); msg != "" {
			return nil, msg
		}
	}
	m := &hybridMerge{h: h, started: started}
	var msg string
	if m.text, msg = proxyFTSearch(s, resp.Command{Args: text}); msg != "" {
		return nil, msg
	}
	if m.vec, msg = proxyFTSearch(s, resp.Command{Args: vec}); msg != "" {
		return nil, msg
	}
	if h.Method == fthybrid.Linear || h.VecAlias != "" || h.WithCursor {
		// The vector score is the distance normalized by the metric.
		m.info = s.infoCall(cmd.Args[1])
	}
	return m, ""
}

type hybridMerge struct {
	h         *fthybrid.Request
	text, vec merger
	info      *call // FT.INFO, for the metric (when a vector score is used)
	started   time.Time
}

func (m *hybridMerge) merge(s *session, dst []byte) []byte {
	lists, metric, fail := m.lists(s)
	if fail != nil {
		return append(dst, fail...)
	}
	if m.h.WithCursor {
		return appendHybridCursors(s, dst, m.h, lists, metric)
	}
	rows, total, err := m.h.Run(m.h.Fuse(lists[0], lists[1], metric))
	if err != nil {
		return resp.AppendError(dst, err.Error())
	}
	return appendAny(dst, m.h.Reply(rows, total, nil, m.started))
}

// lists merges the two subqueries' shards into FT.HYBRID's two lists
// and reads the vector field's metric; fail is the error reply to give
// instead, when one of them failed.
func (m *hybridMerge) lists(s *session) (lists [2][]fthybrid.Hit, metric fthybrid.Metric, fail []byte) {
	for i, sub := range []merger{m.text, m.vec} {
		raw := sub.merge(s, nil)
		v, _, err := resp.Parse(raw)
		if err != nil {
			return lists, 0, resp.AppendError(nil, "ERR bad reply from backend")
		}
		if v.Kind == resp.Error {
			return lists, 0, raw
		}
		if lists[i], err = hybridHits(&v, i == 1); err != nil {
			return lists, 0, resp.AppendError(nil, err.Error())
		}
	}
	metric = fthybrid.Cosine
	if m.info != nil {
		s.settle(m.info)
		v, _, err := resp.Parse(m.info.reply)
		if err != nil || v.Kind == resp.Error {
			return lists, 0, resp.AppendError(nil, "ERR unexpected FT.INFO reply from a node")
		}
		name, ok := infoMetric(&v, m.h.Field)
		if !ok {
			return lists, 0, resp.AppendError(nil, "Unknown vector field `"+m.h.Field+"`")
		}
		metric = fthybrid.ParseMetric(name)
	}
	return lists, metric, nil
}

// appendHybridCursors keeps WITHCURSOR's two merged lists as the proxy's
// cursors (FT.CURSOR READ and DEL serve them, for the user that made
// them) and writes their ids.
func appendHybridCursors(s *session, dst []byte, h *fthybrid.Request, lists [2][]fthybrid.Hit, metric fthybrid.Metric) []byte {
	search, vsim := h.Cursors(lists[0], lists[1], metric)
	var ids [2]uint64
	for i, rows := range [][]ftargs.Row{search, vsim} {
		c := ftargs.NewCursor(h.Index, s.user, rows, int64(len(rows)), h.CursorCount, h.MaxIdle)
		c.Expand = h.Format == "EXPAND"
		id, err := s.p.cursors.Add(c)
		if err != nil {
			if i == 1 {
				s.p.cursors.Del(ids[0])
			}
			return resp.AppendError(dst, err.Error())
		}
		ids[i] = id
		defer s.p.cursors.Put(id, c)
	}
	return appendAny(dst, fthybrid.CursorReply(ids[0], ids[1]))
}

// hybridHits reads a merged FT.SEARCH reply as one of FT.HYBRID's lists
// (see node/fthybrid.go).
func hybridHits(v *resp.Value, vector bool) ([]fthybrid.Hit, error) {
	if v.Kind != resp.Array || len(v.Elems) == 0 || v.Elems[0].Kind != resp.Integer {
		return nil, errUnexpectedSearch
	}
	var hits []fthybrid.Hit
	e := v.Elems[1:]
	for len(e) > 0 {
		h := fthybrid.Hit{Key: string(e[0].Str)}
		e = e[1:]
		if !vector {
			if len(e) == 0 {
				return nil, errUnexpectedSearch
			}
			sc := &e[0]
			if sc.Kind == resp.Array && len(sc.Elems) > 0 {
				// EXPLAINSCORE: [score, explanation]
				if len(sc.Elems) > 1 {
					h.Explain = valueAny(&sc.Elems[1])
				}
				sc = &sc.Elems[0]
			}
			f, err := strconv.ParseFloat(string(sc.Str), 64)
			if err != nil {
				return nil, errUnexpectedSearch
			}
			h.Score, e = f, e[1:]
		}
		if len(e) > 0 && e[0].Kind == resp.Array {
			for _, x := range e[0].Elems {
				h.Fields = append(h.Fields, string(x.Str))
			}
			e = e[1:]
		}
		if vector {
			d, ok := fthybrid.DistanceOf(h.Fields)
			if !ok {
				return nil, errUnexpectedSearch
			}
			h.Score = d
		}
		hits = append(hits, h)
	}
	return hits, nil
}

type hybridError string

func (e hybridError) Error() string { return string(e) }

const errUnexpectedSearch = hybridError("ERR unexpected FT.SEARCH reply from a shard")

// infoMetric finds the distance metric of the vector field alias in an
// FT.INFO reply's attributes.
func infoMetric(v *resp.Value, alias string) (string, bool) {
	attrs := field(v, "attributes")
	if attrs == nil {
		return "", false
	}
	for i := range attrs.Elems {
		a := &attrs.Elems[i]
		if f := field(a, "attribute"); f == nil || string(f.Str) != alias {
			continue
		}
		for j := 0; j+1 < len(a.Elems); j++ {
			if strings.EqualFold(string(a.Elems[j].Str), "distance_metric") {
				return string(a.Elems[j+1].Str), true
			}
		}
	}
	return "", false
}

// valueAny converts a reply value into strings and []any.
func valueAny(v *resp.Value) any {
	if v.Kind != resp.Array {
		return string(v.Str)
	}
	out := make([]any, len(v.Elems))
	for i := range v.Elems {
		out[i] = valueAny(&v.Elems[i])
	}
	return out
}

// appendAny writes nested []any of strings, int64s and reply values as
// RESP2.
func appendAny(dst []byte, v any) []byte {
	switch x := v.(type) {
	case []any:
		dst = resp.AppendArray(dst, len(x))
		for _, e := range x {
			dst = appendAny(dst, e)
		}
		return dst
	case string:
		return resp.AppendBulk(dst, x)
	case int64:
		return resp.AppendInt(dst, x)
	case resp.Value:
		return x.AppendTo(dst)
	}
	return resp.AppendNull(dst)
}
