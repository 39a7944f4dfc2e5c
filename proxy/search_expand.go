package proxy

import "github.com/vcache/vcache/internal/resp"

// FORMAT EXPAND through the proxy. The proxy reads RESP2 from the nodes,
// where a node refuses EXPAND, so each shard is asked for what EXPAND
// shows as text: the JSON array of every match (FORMAT STRING, DIALECT 3
// at least). The client's RESP3 reply is converted with the EXPAND shape
// of its own command (resp.FTExpandShape), which expands those texts, as
// a node does for its own RESP3 clients.

// expandRefusal checks FORMAT EXPAND as a node would (RESP3 clients only,
// indexes ON JSON only, asking a node for the index's definition); it
// returns the error text, "" when EXPAND may run.
func (s *session) expandRefusal(index []byte) string {
	if !s.resp3.Load() {
		return "EXPAND format is only supported with RESP3"
	}
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
	def := field(&v, "index_definition")
	if def == nil {
		return "ERR unexpected FT.INFO reply from a node"
	}
	if kt := field(def, "key_type"); kt == nil || string(kt.Str) != "JSON" {
		return "EXPAND format is only supported with JSON"
	}
	return ""
}
