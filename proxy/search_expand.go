package proxy

import (
	"encoding/json"
	"math"
	"strconv"
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
		if first, ok := firstMatch(v.Str); ok {
			first.Shown = v.Str
			row.Vals[i] = first
		}
	}
}

// firstMatch reads text, the JSON array of a path's matches, and returns
// its first match (the first element of it, if an array) as a node's
// pipeline holds it: a string as it is, a number in %.12g form, a
// boolean as 1 or 0, null as null, an object or array as its text.
func firstMatch(text string) (ftargs.Value, bool) {
	var all []json.RawMessage
	if err := json.Unmarshal([]byte(text), &all); err != nil || len(all) == 0 {
		return ftargs.Value{}, false
	}
	first := all[0]
	if len(first) > 0 && first[0] == '[' {
		var inner []json.RawMessage
		if err := json.Unmarshal(first, &inner); err != nil || len(inner) == 0 {
			return ftargs.Value{}, false
		}
		first = inner[0]
	}
	switch first[0] {
	case '"':
		var s string
		if json.Unmarshal(first, &s) != nil {
			return ftargs.Value{}, false
		}
		return ftargs.Str(s), true
	case 't':
		return ftargs.Str("1"), true
	case 'f':
		return ftargs.Str("0"), true
	case 'n':
		return ftargs.Value{}, true
	case '{', '[':
		return ftargs.Str(string(first)), true
	}
	f, err := strconv.ParseFloat(string(first), 64)
	if err != nil {
		return ftargs.Value{}, false
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
		return ftargs.Str(strconv.FormatInt(int64(f), 10)), true
	}
	return ftargs.Str(strconv.FormatFloat(f, 'g', 12, 64)), true
}
