package proxy

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/resp"
)

// FT.CREATE, FT.DROPINDEX and FT.ALTER go to every node: an index exists
// on every shard over that shard's documents. FT.CREATE is all or
// nothing: if any node refuses, the proxy drops the index again where it
// was made. FT.INFO and FT._LIST add up the nodes' answers (FT.INFO's
// indexing is the most of theirs, percent_indexed the least).

// ftAdminMerge settles a schema command sent to every node.
type ftAdminMerge struct {
	calls []*call
	// undo, if set, is sent to the nodes that succeeded when another
	// failed.
	undo []byte
	// ignore reports errors that count as success (the index is already
	// gone) as long as one node succeeded.
	ignore func(msg []byte) bool
}

func proxyFTCreate(s *session, cmd resp.Command) (merger, string) {
	calls := s.fanout(cmd.Raw)
	if len(calls) == 0 {
		return nil, msgNoNodes
	}
	return &ftAdminMerge{calls: calls, undo: resp.AppendCommand(nil, []byte("FT.DROPINDEX"), cmd.Args[1])}, ""
}

var (
	proxyFTDropIndex = fanFTDrop
	proxyFTDrop      = fanFTDrop
)

func fanFTDrop(s *session, cmd resp.Command) (merger, string) {
	calls := s.fanout(cmd.Raw)
	if len(calls) == 0 {
		return nil, msgNoNodes
	}
	return &ftAdminMerge{calls: calls, ignore: unknownIndex}, ""
}

func proxyFTAlter(s *session, cmd resp.Command) (merger, string) {
	calls := s.fanout(cmd.Raw)
	if len(calls) == 0 {
		return nil, msgNoNodes
	}
	return &ftAdminMerge{calls: calls}, ""
}

// unknownIndex tells RediSearch's "no such index" errors.
func unknownIndex(msg []byte) bool {
	m := strings.ToLower(string(msg))
	return strings.Contains(m, "unknown index") || strings.Contains(m, "no such index")
}

func (m *ftAdminMerge) merge(s *session, dst []byte) []byte {
	var firstErr, firstOK []byte
	var okCalls []*call
	for _, c := range m.calls {
		s.settle(c)
		if len(c.reply) > 0 && c.reply[0] == '-' {
			if m.ignore != nil && m.ignore(c.reply) {
				continue
			}
			if firstErr == nil {
				firstErr = c.reply
			}
			continue
		}
		okCalls = append(okCalls, c)
		if firstOK == nil {
			firstOK = c.reply
		}
	}
	if firstErr == nil && firstOK == nil {
		// Every node said the index is unknown: so does the proxy.
		return append(dst, m.calls[0].reply...)
	}
	if firstErr == nil {
		return append(dst, firstOK...)
	}
	if m.undo != nil && len(okCalls) > 0 {
		undo := make([]*call, len(okCalls))
		for i, c := range okCalls {
			undo[i] = s.newCall(m.undo)
			undo[i].be, undo[i].slot = c.be, -1
		}
		s.roundTrip(undo...)
		for _, c := range undo {
			s.settle(c)
			if len(c.reply) > 0 && c.reply[0] == '-' {
				s.p.log.Warn("could not undo a partial FT.CREATE", "backend", c.be.addr, "reply", strings.TrimSpace(string(c.reply)))
			}
		}
	}
	return append(dst, firstErr...)
}

// ftInfoSum are the FT.INFO fields that add up over shards.
var ftInfoSum = map[string]bool{
	"num_docs": true, "num_terms": true, "num_records": true, "hash_indexing_failures": true,
	"inverted_sz_mb": true, "vector_index_sz_mb": true, "total_inverted_index_blocks": true,
	"doc_table_size_mb": true, "key_table_size_mb": true, "total_indexing_time": true,
}

// ftInfoFold are the FT.INFO fields merged otherwise: an index is being
// built while one shard's scan runs (indexing), and is built as far as
// its least built shard (percent_indexed).
var ftInfoFold = map[string]func(a, b float64) float64{"indexing": math.Max, "percent_indexed": math.Min}

func proxyFTInfo(s *session, cmd resp.Command) (merger, string) {
	// Each node counts the documents of the slots the proxy's map routes
	// to it, as FT.SEARCH answers for them (aggregate_slots.go): while a
	// shard splits, or while a node is briefly without its own map's
	// majority, num_docs is still every document once.
	args := slices.Clip(cmd.Args)
	calls := s.fanoutSlots(args)
	if len(calls) == 0 {
		return nil, msgNoNodes
	}
	m := &fanMerge{calls: calls, args: args, combine: func(vals []resp.Value, dst []byte) []byte {
		first := vals[0]
		if first.Kind != resp.Array {
			return first.AppendTo(dst)
		}
		out := resp.Value{Kind: resp.Array, Elems: append([]resp.Value(nil), first.Elems...)}
		for i := 0; i+1 < len(out.Elems); i += 2 {
			name := string(out.Elems[i].Str)
			fold := ftInfoFold[name]
			if ftInfoSum[name] {
				fold = func(a, b float64) float64 { return a + b }
			}
			if fold == nil {
				continue
			}
			total, isInt, first := 0.0, out.Elems[i+1].Kind == resp.Integer, true
			for _, v := range vals {
				for j := 0; j+1 < len(v.Elems); j += 2 {
					if string(v.Elems[j].Str) == name {
						if x := numberOf(&v.Elems[j+1]); first {
							total, first = x, false
						} else {
							total = fold(total, x)
						}
					}
				}
			}
			if isInt {
				out.Elems[i+1] = resp.Value{Kind: resp.Integer, Int: int64(total)}
			} else {
				out.Elems[i+1] = resp.Value{Kind: resp.BulkString, Str: strconv.AppendFloat(nil, total, 'g', 17, 64)} // as RediSearch writes a double: %.17g
			}
		}
		return out.AppendTo(dst)
	}}
	return s.guardIndex(cmd.Args[1], m), ""
}

func numberOf(v *resp.Value) float64 {
	if v.Kind == resp.Integer {
		return float64(v.Int)
	}
	f, _ := strconv.ParseFloat(string(v.Str), 64)
	return f
}

func proxyFTList(s *session, cmd resp.Command) (merger, string) {
	return s.fan(cmd, func(vals []resp.Value, dst []byte) []byte {
		seen := map[string]bool{}
		var names []resp.Value
		for _, v := range vals {
			for _, e := range v.Elems {
				if !seen[string(e.Str)] {
					seen[string(e.Str)] = true
					names = append(names, e)
				}
			}
		}
		out := resp.Value{Kind: resp.Array, Elems: names}
		if names == nil {
			out.Elems = []resp.Value{}
		}
		return out.AppendTo(dst)
	})
}
