package proxy

import (
	"sort"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/acl"
	"github.com/vcache/vcache/internal/resp"
)

// RediSearch's other commands through the proxy (node/search_compat.go
// serves them on a node). Those that change every shard's index, or read
// every shard's documents, go to every node: FT.DROP, aliases,
// dictionaries, synonyms and FT.CONFIG must agree everywhere, and
// FT.TAGVALS, FT.SPELLCHECK and FT.PROFILE combine the shards' answers.
// FT.EXPLAIN, FT.DICTDUMP and FT.SYNDUMP go to any node; FT.SUG* follow
// their key.

// checkNamedIndexes makes the checks of a search command that reads or
// (write) changes the index an argument names (its spec's IndexArg) and,
// for the alias commands, the index an alias names now (AliasArg), if
// any: the index's prefixes are asked of a node before the command is
// sent. An unknown index is answered with FT.INFO's error; an unknown
// alias is left to the node.
func (s *session) checkNamedIndexes(e *entry, cmd resp.Command, p *acl.Perms, write bool) (it item, done bool) {
	for _, at := range [2]int{e.spec.IndexArg, e.spec.AliasArg} {
		if at <= 0 || at >= len(cmd.Args) {
			continue
		}
		prefixes, errReply := s.indexPrefixes(cmd.Args[at])
		if errReply != nil {
			if at == e.spec.AliasArg {
				continue // no such alias: the node answers
			}
			if e.spec.NoIndex != "" && unknownIndex(errReply) {
				// The command's own words, not FT.INFO's.
				errReply = resp.AppendError(nil, e.spec.UnknownIndexError(cmd.Args[at]))
			}
			lo := len(s.local)
			s.local = append(s.local, errReply...)
			if s.tx != nil {
				s.tx.failed = true
			}
			return item{e: e, lo: lo, hi: len(s.local)}, true
		}
		if d := p.CheckPrefixes(prefixes, !write, write); d != nil {
			return s.denied(e, d), true
		}
	}
	return item{}, false
}

// The FT commands whose nodes agree (fanFTFirst) and those that change
// every node (fanFTEverywhere).
var (
	proxyFTConfig      = fanFTFirst
	proxyFTDictAdd     = fanFTFirst
	proxyFTDictDel     = fanFTFirst
	proxyFTAliasAdd    = fanFTEverywhere
	proxyFTAliasUpdate = fanFTEverywhere
	proxyFTAliasDel    = fanFTEverywhere
	proxyFTSynUpdate   = fanFTEverywhere
)

// fanFTFirst sends the command to every node and gives the first node's
// reply (they agree), or the first error.
func fanFTFirst(s *session, cmd resp.Command) (merger, string) {
	return s.fan(cmd, func(vals []resp.Value, dst []byte) []byte { return vals[0].AppendTo(dst) })
}

// fanFTEverywhere changes every node (aliases, synonyms): the first
// error, else the first reply.
func fanFTEverywhere(s *session, cmd resp.Command) (merger, string) {
	calls := s.fanout(cmd.Raw)
	if len(calls) == 0 {
		return nil, msgNoNodes
	}
	return &ftAdminMerge{calls: calls}, ""
}

// proxyFTTagVals answers the union of the shards' values, sorted.
func proxyFTTagVals(s *session, cmd resp.Command) (merger, string) {
	return s.fan(cmd, unionSorted) // pubsub_client.go
}

// proxyFTSpellCheck merges the shards' answers: a term is misspelled only
// if no shard holds it (every shard reports it); its suggestions are the
// union, each with its best score, best first.
func proxyFTSpellCheck(s *session, cmd resp.Command) (merger, string) {
	return s.fan(cmd, func(vals []resp.Value, dst []byte) []byte {
		type sug struct {
			score float64
			raw   []byte
		}
		var order []string
		count := map[string]int{}
		sugs := map[string]map[string]sug{}
		for _, v := range vals {
			for _, t := range v.Elems {
				if len(t.Elems) != 3 {
					continue
				}
				term := string(t.Elems[1].Str)
				if count[term] == 0 {
					order = append(order, term)
					sugs[term] = map[string]sug{}
				}
				count[term]++
				for _, p := range t.Elems[2].Elems {
					if len(p.Elems) != 2 {
						continue
					}
					f, _ := strconv.ParseFloat(string(p.Elems[0].Str), 64)
					w := string(p.Elems[1].Str)
					if old, ok := sugs[term][w]; !ok || f > old.score {
						sugs[term][w] = sug{score: f, raw: p.Elems[0].Str}
					}
				}
			}
		}
		var terms []string
		for _, t := range order {
			if count[t] == len(vals) {
				terms = append(terms, t)
			}
		}
		dst = resp.AppendArray(dst, len(terms))
		for _, t := range terms {
			words := make([]string, 0, len(sugs[t]))
			for w := range sugs[t] {
				words = append(words, w)
			}
			sort.Slice(words, func(i, j int) bool {
				a, b := sugs[t][words[i]], sugs[t][words[j]]
				if a.score != b.score {
					return a.score > b.score
				}
				return words[i] < words[j]
			})
			dst = resp.AppendArray(dst, 3)
			dst = resp.AppendSimple(dst, "TERM") // a simple string, as RediSearch writes it
			dst = resp.AppendBulk(dst, t)
			dst = resp.AppendArray(dst, len(words))
			for _, w := range words {
				dst = resp.AppendArray(dst, 2)
				dst = resp.AppendBulk(dst, sugs[t][w].raw)
				dst = resp.AppendBulk(dst, w)
			}
		}
		return dst
	})
}

// proxyFTProfile is FT.PROFILE index SEARCH [LIMITED] QUERY query args...:
// the search is scattered and merged as FT.SEARCH's (search.go), and the
// profile lists each shard's, as RediSearch's coordinator does.
func proxyFTProfile(s *session, cmd resp.Command) (merger, string) {
	args := cmd.Args
	i := 3
	if len(args) > i && strings.EqualFold(string(args[i]), "LIMITED") {
		i++
	}
	if len(args) >= 5 && strings.EqualFold(string(args[2]), "AGGREGATE") && i < len(args)-1 && strings.EqualFold(string(args[i]), "QUERY") {
		return fanFTProfileAggregate(s, cmd, i)
	}
	if len(args) >= 5 && strings.EqualFold(string(args[2]), "HYBRID") && i < len(args)-1 && strings.EqualFold(string(args[i]), "QUERY") {
		return fanFTProfileHybrid(s, cmd, i)
	}
	if len(args) < 5 || !strings.EqualFold(string(args[2]), "SEARCH") || i >= len(args)-1 || !strings.EqualFold(string(args[i]), "QUERY") {
		// Malformed, or AGGREGATE: any node answers with the error.
		return fanFTFirst(s, cmd)
	}
	search := append([][]byte{[]byte("FT.SEARCH"), args[1]}, args[i+1:]...)
	q, err := parseFTSearch(search)
	if err != nil {
		return nil, strings.NewReplacer("\r", " ", "\n", " ").Replace(err.Error())
	}
	if q.expand {
		if msg := s.expandRefusal(args[1]); msg != "" {
			return nil, msg
		}
	}
	shard := append([][]byte{[]byte("FT.PROFILE"), args[1], []byte("SEARCH")}, args[3:i+1]...) // [LIMITED] QUERY
	shard = append(shard, q.shard[2:]...)
	// Each node answers for the slots the proxy routes to it, as for
	// FT.SEARCH; a node whose map moved one of them away answers so (no
	// retry here: the profile is per shard).
	calls := s.fanoutSlots(shard)
	if len(calls) == 0 {
		return nil, msgNoNodes
	}
	m := &searchMerge{q: q, calls: calls}
	if p := s.restricted(); p != nil {
		m.mayRead = p
	}
	return &profileMerge{calls: calls, inner: m}, ""
}

// profileMerge is FT.PROFILE's merge, of SEARCH or AGGREGATE: it splits
// each shard's [results, profile], merges the results with inner (over
// the same calls) and appends the shards' profiles.
type profileMerge struct {
	calls []*call
	inner merger
}

func (m *profileMerge) merge(s *session, dst []byte) []byte {
	var profiles []resp.Value
	for _, c := range m.calls {
		s.settle(c)
		v, _, err := resp.Parse(c.reply)
		if err != nil || v.Kind != resp.Array || len(v.Elems) != 2 {
			continue // an error (or a bad reply): the inner merge relays it
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
