package proxy

import (
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/resp"
)

// The read-only set commands SUNION, SINTER, SDIFF and SINTERCARD whose
// keys live on different nodes (or, for a strict router, in different
// slots) are gathered: the proxy asks each key's node for SMEMBERS and
// computes the answer itself. When all keys go to one place the command is
// forwarded untouched, so the node answers (and words any error).

type setOp uint8

const (
	setOpUnion setOp = iota
	setOpInter
	setOpDiff
)

func proxySUnion(s *session, cmd resp.Command) (merger, string) {
	return s.gatherSets(cmd, cmd.Args[1:], setOpUnion, false, 0), ""
}

func proxySInter(s *session, cmd resp.Command) (merger, string) {
	return s.gatherSets(cmd, cmd.Args[1:], setOpInter, false, 0), ""
}

func proxySDiff(s *session, cmd resp.Command) (merger, string) {
	return s.gatherSets(cmd, cmd.Args[1:], setOpDiff, false, 0), ""
}

// proxySInterCard parses SINTERCARD numkeys key [key ...] [LIMIT limit];
// a line it cannot read goes to a node whole, which answers the error.
func proxySInterCard(s *session, cmd resp.Command) (merger, string) {
	args := cmd.Args
	n, err := strconv.ParseInt(string(args[1]), 10, 64)
	if err != nil || n < 1 || n > int64(len(args)-2) {
		return s.forwardWhole(cmd, args[2]), ""
	}
	limit, msg := parseCardLimit(args[2+n:])
	if msg != "" {
		return s.forwardWhole(cmd, args[2]), ""
	}
	return s.gatherSets(cmd, args[2:2+n], setOpInter, true, limit), ""
}

// parseCardLimit reads SINTERCARD's and ZINTERCARD's [LIMIT limit] (the
// last one given counts), or returns Redis's error text.
func parseCardLimit(rest [][]byte) (int64, string) {
	var limit int64
	for i := 0; i < len(rest); i += 2 {
		if !strings.EqualFold(string(rest[i]), "limit") || i+1 >= len(rest) {
			return 0, "ERR syntax error"
		}
		var err error
		if limit, err = strconv.ParseInt(string(rest[i+1]), 10, 64); err != nil || limit < 0 {
			return 0, "ERR LIMIT can't be negative"
		}
	}
	return limit, ""
}

// forwardWhole sends cmd untouched to the node of key.
func (s *session) forwardWhole(cmd resp.Command, key []byte) merger {
	c := s.newCall(cmd.Raw)
	s.target(c, keyslot.Of(key))
	return passthrough{c}
}

// gatherSets forwards cmd when its keys share a destination, else asks
// for each key's members and combines them by op (counting, up to limit
// when it is not 0, for card).
func (s *session) gatherSets(cmd resp.Command, keys [][]byte, op setOp, card bool, limit int64) merger {
	rt := s.p.routes.Load()
	first := keyslot.Of(keys[0])
	same := true
	for _, k := range keys[1:] {
		sl := keyslot.Of(k)
		if sl != first && !(s.p.crossSlot && rt.slot(sl) != nil && rt.slot(sl) == rt.slot(first)) {
			same = false
			break
		}
	}
	if same {
		return s.forwardWhole(cmd, keys[0])
	}
	calls := make([]*call, len(keys))
	for i, k := range keys {
		c := s.newCall(nil)
		req := resp.AppendArray(c.own[:0], 2)
		req = resp.AppendBulk(req, "SMEMBERS")
		req = resp.AppendBulk(req, k)
		c.own, c.req = req, req
		s.target(c, keyslot.Of(k))
		calls[i] = c
	}
	return &fanMerge{calls: calls, combine: func(vals []resp.Value, dst []byte) []byte {
		out := combineSets(vals, op)
		if card {
			n := int64(len(out))
			if limit > 0 {
				n = min(n, limit)
			}
			return resp.AppendInt(dst, n)
		}
		dst = resp.AppendArray(dst, len(out))
		for _, m := range out {
			dst = resp.AppendBulk(dst, m)
		}
		return dst
	}}
}

// combineSets computes op over the members in vals (SMEMBERS replies, in
// key order), keeping the first set's order where it can.
func combineSets(vals []resp.Value, op setOp) []string {
	var out []string
	switch op {
	case setOpUnion:
		seen := map[string]bool{}
		for i := range vals {
			for _, e := range vals[i].Elems {
				if m := string(e.Str); !seen[m] {
					seen[m] = true
					out = append(out, m)
				}
			}
		}
	case setOpInter, setOpDiff:
		others := make([]map[string]bool, len(vals)-1)
		for i := range others {
			others[i] = make(map[string]bool, len(vals[i+1].Elems))
			for _, e := range vals[i+1].Elems {
				others[i][string(e.Str)] = true
			}
		}
		for _, e := range vals[0].Elems {
			m := string(e.Str)
			keep := true
			for _, o := range others {
				if o[m] != (op == setOpInter) {
					keep = false
					break
				}
			}
			if keep {
				out = append(out, m)
			}
		}
	}
	return out
}
