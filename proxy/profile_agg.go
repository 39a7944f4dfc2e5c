package proxy

import (
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/internal/resp"
)

// fanFTProfileAggregate is FT.PROFILE index AGGREGATE [LIMITED] QUERY
// query args... with args[i] the QUERY word: each node profiles its
// share of the pipeline (FT.AGGREGATE's shard plan), the results merge
// as FT.AGGREGATE's (aggregate.go), and the profile lists each shard's.
func fanFTProfileAggregate(s *session, cmd resp.Command, i int) (merger, string) {
	agg := resp.Command{Args: append([][]byte{[]byte("FT.AGGREGATE"), cmd.Args[1]}, cmd.Args[i+1:]...)}
	a, err := ftargs.ParseAggregate(agg.Args[2:])
	if err != nil {
		return nil, strings.NewReplacer("\r", " ", "\n", " ").Replace(err.Error())
	}
	if a.WithCursor {
		return nil, "FT.PROFILE does not support cursor"
	}
	head := append([][]byte{[]byte("FT.PROFILE"), cmd.Args[1], []byte("AGGREGATE")}, cmd.Args[3:i+1]...) // [LIMITED] QUERY
	m, msg := fanFTAggregateAs(s, agg, head)
	if m == nil {
		return nil, msg
	}
	inner := m
	if g, ok := m.(*indexGuard); ok {
		inner = g.inner
	}
	am, ok := inner.(*aggMerge)
	if !ok {
		return m, ""
	}
	return &aggProfileMerge{calls: am.calls, inner: m}, ""
}

// aggProfileMerge splits each shard's [results, profile], merges the
// results with inner and appends the shards' profiles.
type aggProfileMerge struct {
	calls []*call
	inner merger
}

func (m *aggProfileMerge) merge(s *session, dst []byte) []byte {
	var profiles []resp.Value
	for _, c := range m.calls {
		s.settle(c)
		v, _, err := resp.Parse(c.reply)
		if err != nil || v.Kind != resp.Array || len(v.Elems) != 2 {
			continue // an error (or a bad reply): the aggregate merge relays it
		}
		profiles = append(profiles, v.Elems[1])
		c.reply = v.Elems[0].AppendTo(c.reply[:0:0])
	}
	results := m.inner.merge(s, nil)
	if len(results) > 0 && results[0] == '-' {
		return append(dst, results...)
	}
	dst = resp.AppendArray(dst, 2)
	dst = append(dst, results...)
	dst = resp.AppendArray(dst, 2*len(profiles))
	for i := range profiles {
		dst = resp.AppendBulk(dst, "Shard #"+strconv.Itoa(i+1))
		dst = profiles[i].AppendTo(dst)
	}
	return dst
}
