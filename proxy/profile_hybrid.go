package proxy

import (
	"strconv"
	"strings"
	"time"

	"github.com/vcache/vcache/internal/fthybrid"
	"github.com/vcache/vcache/internal/resp"
)

// fanFTProfileHybrid is FT.PROFILE index HYBRID [LIMITED] QUERY hybrid
// args... with args[i] the QUERY word: FT.HYBRID's two scatter-gathers
// (fthybrid.go), each sent to the shards as FT.PROFILE SEARCH, so each
// shard profiles its SEARCH and VSIM subqueries. The reply is FT.HYBRID's
// with RediSearch 8.4's coordinator profile after it: Shards, each with
// its Shard ID and its two subqueries' profiles, then Coordinator, with
// the subqueries' merge from the shards ("Network", "Sorter") and the
// fusion and pipeline ("Hybrid Merger", its steps).
func fanFTProfileHybrid(s *session, cmd resp.Command, i int) (merger, string) {
	started := time.Now()
	oneLine := strings.NewReplacer("\r", " ", "\n", " ")
	h, err := fthybrid.Parse(append([][]byte{cmd.Args[1]}, cmd.Args[i+1:]...))
	if err != nil {
		return nil, oneLine.Replace(err.Error())
	}
	if h.WithCursor {
		return nil, "FT.PROFILE does not support cursor"
	}
	var qs [2]*ftQuery
	for j, sub := range [][][]byte{h.TextSearch(), h.VectorSearch()} {
		// Both are checked before either is sent.
		if qs[j], err = parseFTSearch(append([][]byte{[]byte("FT.SEARCH")}, sub...)); err != nil {
			return nil, oneLine.Replace(err.Error())
		}
	}
	if h.Format == "EXPAND" {
		if msg := s.expandRefusal(cmd.Args[1]); msg != "" {
			return nil, msg
		}
	}
	head := append([][]byte{[]byte("FT.PROFILE"), cmd.Args[1], []byte("SEARCH")}, cmd.Args[3:i+1]...) // [LIMITED] QUERY
	m := &hybridProfileMerge{hm: hybridMerge{h: h, started: started}}
	var subs [2]merger
	for j, q := range qs {
		// No slot retry, as FT.PROFILE SEARCH: the profile is per shard.
		calls := s.fanoutSlots(append(head[:len(head):len(head)], q.shard[2:]...))
		if len(calls) == 0 {
			return nil, msgNoNodes
		}
		sm := &searchMerge{q: q, calls: calls}
		if p := s.restricted(); p != nil {
			sm.mayRead = p
		}
		m.calls[j], subs[j] = calls, sm
	}
	m.hm.text, m.hm.vec = subs[0], subs[1]
	if h.Method == fthybrid.Linear || h.VecAlias != "" {
		m.hm.info = s.infoCall(cmd.Args[1])
	}
	return m, ""
}

// hybridProfileMerge splits each shard's [results, profile] of both
// subqueries, fuses the results as FT.HYBRID's merge does and appends
// the profile.
type hybridProfileMerge struct {
	hm    hybridMerge
	calls [2][]*call // SEARCH's and VSIM's, one a shard
}

func (m *hybridProfileMerge) merge(s *session, dst []byte) []byte {
	ms := func(d time.Duration) string { return strconv.FormatFloat(float64(d.Nanoseconds())/1e6, 'f', -1, 64) }
	var profiles [2]map[string]resp.Value // by shard address
	var received [2]int64                 // the rows the shards sent
	for j := range m.calls {
		profiles[j] = map[string]resp.Value{}
		for _, c := range m.calls[j] {
			s.settle(c)
			v, _, err := resp.Parse(c.reply)
			if err != nil || v.Kind != resp.Array || len(v.Elems) != 2 {
				continue // an error (or a bad reply): the merge relays it
			}
			profiles[j][c.be.addr] = v.Elems[1]
			if hits, err := hybridHits(&v.Elems[0], j == 1); err == nil {
				received[j] += int64(len(hits))
			}
			c.reply = v.Elems[0].AppendTo(c.reply[:0:0])
		}
	}
	lists, metric, fail := m.hm.lists(s)
	if fail != nil {
		return append(dst, fail...)
	}
	h := m.hm.h
	rows, total, procs, err := h.RunProfile(lists[0], lists[1], metric, ms)
	if err != nil {
		return resp.AppendError(dst, err.Error())
	}
	var shards []any
	for _, c := range m.calls[0] {
		addr := c.be.addr
		shards = append(shards, []any{
			"Shard ID", addr,
			"SEARCH", flatProfile(profiles[0][addr]),
			"VSIM", flatProfile(profiles[1][addr]),
		})
	}
	subqueries := []any{}
	for j, name := range []string{"SEARCH", "VSIM"} {
		subqueries = append(subqueries, name, []any{
			[]any{"Type", "Network", "Time", "0", "Results processed", received[j]},
			[]any{"Type", "Sorter", "Time", "0", "Results processed", int64(len(lists[j]))},
		})
	}
	coord := []any{
		"Total profile time", ms(time.Since(m.hm.started)),
		"Warning", []any{"None"},
		"Subqueries result processors profile", subqueries,
		"Result processors profile", procs,
	}
	reply := h.Reply(rows, total, nil, m.hm.started)
	return appendAny(dst, append(reply, []any{"Shards", shards, "Coordinator", coord}))
}

// flatProfile turns a node's FT.PROFILE SEARCH profile, [[name, value]
// ..., ["Result processors profile", processor...]], into RediSearch
// 8.4's flat name, value list, with a Warning entry when it has none.
func flatProfile(p resp.Value) []any {
	var out []any
	warned := false
	for _, e := range p.Elems {
		if e.Kind != resp.Array || len(e.Elems) == 0 {
			continue
		}
		name := string(e.Elems[0].Str)
		if name == "Warning" {
			warned = true
		}
		if !warned && (name == "Iterators profile" || name == "Result processors profile") {
			out = append(out, "Warning", []any{"None"})
			warned = true
		}
		if len(e.Elems) == 2 && name != "Result processors profile" {
			out = append(out, name, e.Elems[1])
			continue
		}
		l := make([]any, len(e.Elems)-1)
		for k := range l {
			l[k] = e.Elems[k+1]
		}
		out = append(out, name, l)
	}
	return out
}
