package proxy

import (
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
	return &profileMerge{calls: am.calls, inner: m}, ""
}
