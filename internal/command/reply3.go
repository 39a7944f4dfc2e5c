package command

import (
	"strings"

	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/internal/fthybrid"
	"github.com/vcache/vcache/internal/resp"
)

// Reply3 gives the shape of a command's RESP3 reply for one command line
// (args[0] is the command name): see resp.Shape. A spec declares it once;
// the node writes replies in that form to RESP3 clients and the proxy
// converts the nodes' RESP2 replies to it.
type Reply3 func(args [][]byte) resp.Shape

// Shape3 returns the shape of the RESP3 reply to args, a command line of
// this spec: resp.AsIs when the spec declares none.
func (s *Spec) Shape3(args [][]byte) resp.Shape {
	if s.Reply3 == nil {
		return resp.AsIs
	}
	return s.Reply3(args)
}

// Always is the Reply3 of a command whose RESP3 reply always has shape.
func Always(shape resp.Shape) Reply3 {
	return func([][]byte) resp.Shape { return shape }
}

// WithWord is the Reply3 of a command whose reply has shape when word
// (lower-case) is one of its arguments after the key, in any case
// (WITHSCORES, WITHVALUES), and is as in RESP2 otherwise.
func WithWord(word string, shape resp.Shape) Reply3 {
	return func(args [][]byte) resp.Shape {
		for i := 2; i < len(args); i++ {
			if EqualFold(args[i], word) {
				return shape
			}
		}
		return resp.AsIs
	}
}

// BySubcommand is the Reply3 of a command with subcommands (CONFIG,
// CLIENT): shapes maps a lower-case subcommand to its reply's shape; the
// others' replies are as in RESP2.
func BySubcommand(shapes map[string]resp.Shape) Reply3 {
	return func(args [][]byte) resp.Shape {
		if len(args) < 2 {
			return resp.AsIs
		}
		return shapes[strings.ToLower(string(args[1]))]
	}
}

// WithWordAfterKeys is WithWord for a command whose args[1] is the number
// of keys that follow it (ZUNION numkeys key... [WITHSCORES]): word counts
// only after the keys, so a key of that name changes nothing.
func WithWordAfterKeys(word string, shape resp.Shape) Reply3 {
	return func(args [][]byte) resp.Shape {
		if len(args) < 2 {
			return resp.AsIs
		}
		n, ok := resp.ParseInt(args[1])
		if !ok || n < 0 || n > int64(len(args)) {
			return resp.AsIs
		}
		for i := 2 + int(n); i < len(args); i++ {
			if EqualFold(args[i], word) {
				return shape
			}
		}
		return resp.AsIs
	}
}

// ByArgCount is the Reply3 of a command whose reply has shape short when
// it has at most n arguments (its name counted) and shape long with more
// (ZPOPMIN key [count]: one flat pair without the count, an array of
// pairs with it).
func ByArgCount(n int, short, long resp.Shape) Reply3 {
	return func(args [][]byte) resp.Shape {
		if len(args) > n {
			return long
		}
		return short
	}
}

// ftSearchShape is FT.SEARCH's Reply3 (args: FT.SEARCH index query
// options...): RediSearch's results map, with doubles for WITHSCORES.
func ftSearchShape(args [][]byte) resp.Shape {
	if len(args) < 3 {
		return resp.AsIs
	}
	s, err := ftargs.Parse(args[2:])
	if err != nil {
		return resp.AsIs
	}
	shape := resp.FTSearchShape(s.WithScores, s.WithPayloads, s.WithSortKeys)
	if s.Format == "EXPAND" {
		return resp.FTExpandShape(shape)
	}
	return shape
}

// ftHybridShape is FT.HYBRID's Reply3: its map, with FORMAT EXPAND's
// values expanded.
func ftHybridShape(args [][]byte) resp.Shape {
	if h, err := fthybrid.Parse(args[1:]); err == nil && h.Format == "EXPAND" {
		return resp.FTExpandShape(resp.AsFTHybrid)
	}
	return resp.AsFTHybrid
}

// ftAggregateShape is FT.AGGREGATE's Reply3: the results map, in an array
// with the cursor id for WITHCURSOR.
func ftAggregateShape(args [][]byte) resp.Shape {
	if len(args) < 3 {
		return resp.AsIs
	}
	a, err := ftargs.ParseAggregate(args[2:])
	if err != nil {
		return resp.AsIs
	}
	shape := resp.AsFTAggregate
	if a.WithCursor {
		shape = resp.AsFTCursor
	}
	if a.Format == "EXPAND" {
		return resp.FTExpandShape(shape)
	}
	return shape
}

// ftSugGetShape is FT.SUGGET's Reply3 (FT.SUGGET key prefix options): a
// flat array whose scores (WITHSCORES) are doubles, each after its
// suggestion and before its payload (WITHPAYLOADS).
func ftSugGetShape(args [][]byte) resp.Shape {
	scores, payloads := false, false
	for i := 3; i < len(args); i++ {
		switch {
		case EqualFold(args[i], "withscores"):
			scores = true
		case EqualFold(args[i], "withpayloads"):
			payloads = true
		case EqualFold(args[i], "max"):
			i++ // its number
		}
	}
	switch {
	case scores && payloads:
		return resp.AsFlatScoresPayloads
	case scores:
		return resp.AsFlatScores
	}
	return resp.AsIs
}

// vsimShape is VSIM's Reply3 (VSIM key ELE|FP32|VALUES ... options): a
// map of element to score (WITHSCORES), to attributes (WITHATTRIBS) or to
// [score, attributes] (both), as Redis 8 sends it.
func vsimShape(args [][]byte) resp.Shape {
	var scores, attrs bool
	start := 4 // after ELE element or FP32 blob
	if len(args) > 3 && EqualFold(args[2], "values") {
		n, ok := resp.ParseInt(args[3])
		if !ok || n < 0 || n > int64(len(args)) {
			return resp.AsIs
		}
		start += int(n)
	}
	for i := start; i < len(args); i++ {
		switch {
		case EqualFold(args[i], "withscores"):
			scores = true
		case EqualFold(args[i], "withattribs"):
			attrs = true
		}
	}
	switch {
	case scores && attrs:
		return resp.AsVSimBoth
	case scores:
		return resp.AsVSimScores
	case attrs:
		return resp.AsVSimAttribs
	}
	return resp.AsIs
}
