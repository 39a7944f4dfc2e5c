package proxy

import (
	"strings"

	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/internal/resp"
)

// FORMAT EXPAND through the proxy. The proxy reads RESP2 from the nodes,
// where a node refuses EXPAND, so each shard is asked for what EXPAND
// shows as text: the JSON array of every match (ftargs.MultiArg; the
// query keeps the client's DIALECT, or the nodes' DEFAULT_DIALECT when it
// names none). The client's RESP3 reply is converted with the EXPAND shape
// of its own command (resp.FTExpandShape), which expands those texts, as
// a node does for its own RESP3 clients.

// expandRefusal checks FORMAT EXPAND as a node would, in its order (the
// index exists and the user may read it, the client speaks RESP3, the
// index is ON JSON), asking a node for the index's definition; it
// returns the error text, "" when EXPAND may run.
func (s *session) expandRefusal(index []byte) string {
	c := s.infoCall(index)
	s.barrier()
	s.settle(c)
	v, _, err := resp.Parse(c.reply)
	if err != nil {
		return "ERR bad reply from backend"
	}
	if v.Kind == resp.Error {
		return string(v.Str)
	}
	if p := s.restricted(); p != nil {
		// As a node: the index's ACL check comes first.
		prefixes, errReply := infoPrefixes(c.reply)
		if errReply != nil {
			return strings.TrimSpace(strings.TrimPrefix(string(errReply), "-"))
		}
		if d := p.CheckPrefixes(prefixes, true, false); d != nil {
			s.logDenial(d)
			return d.Error()
		}
	}
	if !s.resp3.Load() {
		return "EXPAND format is only supported with RESP3"
	}
	def := field(&v, "index_definition")
	if def == nil {
		return "ERR unexpected FT.INFO reply from a node"
	}
	if kt := field(def, "key_type"); kt == nil || string(kt.Str) != "JSON" {
		return "EXPAND format is only supported with JSON"
	}
	return ""
}

// useFirstMatches makes the values of a shard's FT.AGGREGATE row that
// are JSON arrays of every match (FORMAT EXPAND) compute with their first
// match, as a node does, while the reply still shows every match.
func useFirstMatches(row *ftargs.Row) {
	for i, v := range row.Vals {
		if v.Kind != ftargs.String || v.Shown != "" {
			continue
		}
		if first, ok := ftargs.FirstMatch(v.Str); ok {
			first.Shown = v.Str
			row.Vals[i] = first
		}
	}
}
