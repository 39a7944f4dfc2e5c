package node

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/vector/ft"
)

// RediSearch's other commands: the legacy FT.DROP, FT.TAGVALS,
// FT.EXPLAIN(CLI), FT.CONFIG, aliases, dictionaries, synonyms,
// FT.SPELLCHECK, suggestions (FT.SUG*) and FT.PROFILE. Each names its
// index as FT.SEARCH does and checks the client's key patterns against
// the index's prefixes first (search_acl.go): read access to look,
// write access to change.

// msgUnknownIndex is RediSearch's error for an unknown index outside
// queries.
const msgUnknownIndex = "Unknown Index name"

// indexFor finds the index (or alias) arg names and checks the client
// may use it as the command's spec says; on failure it has replied and
// returns nil.
func indexFor(cx *Ctx, arg []byte, unknown string) *ft.Index {
	ix, err := cx.Node.search.Get(string(arg))
	if err != nil {
		cx.Error(unknown)
		return nil
	}
	if indexDenied(cx, ix.Schema().Prefixes) {
		return nil
	}
	return ix
}

// cmdFTDrop is FT.DROP index [KEEPDOCS]: FT.DROPINDEX of RediSearch
// 1.x, which deletes the documents unless KEEPDOCS.
func cmdFTDrop(cx *Ctx) {
	if len(cx.Args) > 3 {
		cx.Error("ERR wrong number of arguments for 'FT.DROP' command")
		return
	}
	dd := !(len(cx.Args) == 3 && strings.EqualFold(string(cx.Args[2]), "KEEPDOCS"))
	if _, err := cx.Node.search.Get(string(cx.Args[1])); err != nil {
		cx.Error(msgUnknownIndex)
		return
	}
	ftDropIndex(cx, dd)
}

func cmdFTTagVals(cx *Ctx) {
	ix := indexFor(cx, cx.Args[1], msgUnknownIndex)
	if ix == nil {
		return
	}
	vals, err := ix.TagValues(string(cx.Args[2]))
	if err != nil {
		cx.Error(err.Error())
		return
	}
	cx.Array(len(vals))
	for _, v := range vals {
		cx.BulkString(v)
	}
}

// explainPlan parses FT.EXPLAIN index query [DIALECT n] [PARAMS ...] and
// returns the plan, or replies with the error and returns false.
func explainPlan(cx *Ctx) (string, bool) {
	req, err := ft.ParseSearchArgs(cx.Args[1:])
	if err != nil {
		ftError(cx, err)
		return "", false
	}
	ix := indexFor(cx, cx.Args[1], string(cx.Args[1])+": no such index")
	if ix == nil {
		return "", false
	}
	cx.Node.search.Config.ApplyDialect(req) // the query is read in its dialect
	if err := req.ParseQueryFor(ix); err != nil {
		ftError(cx, err)
		return "", false
	}
	// The tree without the stop words the search drops.
	if err := ix.CheckQuery(req); err != nil {
		ftError(cx, err)
		return "", false
	}
	return ft.Explain(ix.QueryTree(req), req.KNN, ix.TextFields()), true
}

func cmdFTExplain(cx *Ctx) {
	if plan, ok := explainPlan(cx); ok {
		cx.BulkString(plan)
	}
}

// cmdFTExplainCLI answers the plan's lines, for redis-cli, as RediSearch
// does: simple strings (a carriage return in one written as \r), the last
// one empty (the plan ends with a newline).
func cmdFTExplainCLI(cx *Ctx) {
	plan, ok := explainPlan(cx)
	if !ok {
		return
	}
	lines := strings.Split(plan, "\n")
	cx.Array(len(lines))
	for _, l := range lines {
		cx.Simple(strings.ReplaceAll(l, "\r", `\r`))
	}
}

// cmdFTConfig is FT.CONFIG GET|HELP|SET. As RediSearch 2.8: names and
// help texts simple strings, values bulk strings; GET answers [[name,
// value]...] and HELP [[name, "Description", text, "Value", value]...],
// maps of name to value and to {Description, Value} in RESP3 (by the
// spec's shapes).
func cmdFTConfig(cx *Ctx) {
	cfg := cx.Node.search.Config
	switch strings.ToUpper(string(cx.Args[1])) {
	case "GET":
		es := cfg.Get(string(cx.Args[2]))
		cx.Array(len(es))
		for _, e := range es {
			cx.Array(2)
			cx.Simple(e.Name)
			configValue(cx, e)
		}
	case "HELP":
		es := cfg.Get(string(cx.Args[2]))
		cx.Array(len(es))
		for _, e := range es {
			cx.Array(5)
			cx.Simple(e.Name)
			cx.Simple("Description")
			cx.Simple(ft.EscapeSimple(e.Help))
			cx.Simple("Value")
			configValue(cx, e)
		}
	case "SET":
		if len(cx.Args) < 4 {
			cx.Error("ERR wrong number of arguments for 'FT.CONFIG' command")
			return
		}
		if err := cfg.Set(string(cx.Args[2]), string(cx.Args[3])); err != nil {
			cx.Error(err.Error())
			return
		}
		if len(cx.Args) > 4 {
			cx.Simple("EXCESSARGS")
			return
		}
		cx.OK()
	default:
		cx.Error("No such configuration action")
	}
}

func configValue(cx *Ctx, e ft.ConfigEntry) {
	if e.Null {
		cx.Null()
	} else {
		cx.BulkString(e.Value)
	}
}

func cmdFTAliasAdd(cx *Ctx) { aliasSet(cx, false) }

func cmdFTAliasUpdate(cx *Ctx) { aliasSet(cx, true) }

// aliasSet is FT.ALIASADD and FT.ALIASUPDATE alias index: write access to
// the index, and for an update to the index the alias named before.
func aliasSet(cx *Ctx, update bool) {
	cat := cx.Node.search
	ix, err := cat.Get(string(cx.Args[2]))
	if err != nil {
		cx.Error(ft.ErrAliasNotIndex.Error())
		return
	}
	if indexDenied(cx, ix.Schema().Prefixes) {
		return
	}
	old, oldErr := cat.AliasTarget(string(cx.Args[1]))
	if update && oldErr == nil && old != nil && indexDenied(cx, old.Schema().Prefixes) {
		return
	}
	if !update && oldErr == nil && old == ix && cx.Node.Cluster() != nil {
		// From the proxy and again in the replication stream (see
		// cmdFTCreate): the same alias again is not an error.
		cx.OK()
		return
	}
	if update {
		err = cat.UpdateAlias(string(cx.Args[1]), string(cx.Args[2]))
	} else {
		err = cat.AddAlias(string(cx.Args[1]), string(cx.Args[2]))
	}
	if err != nil {
		cx.Error(err.Error())
		return
	}
	cx.OK()
}

func cmdFTAliasDel(cx *Ctx) {
	cat := cx.Node.search
	ix, err := cat.AliasTarget(string(cx.Args[1]))
	if err != nil {
		if cx.Node.Cluster() != nil {
			// Deleted already (by the proxy's copy or the replication stream's).
			cx.OK()
			return
		}
		cx.Error(err.Error())
		return
	}
	if ix != nil && indexDenied(cx, ix.Schema().Prefixes) {
		return
	}
	if err := cat.DelAlias(string(cx.Args[1])); err != nil && cx.Node.Cluster() == nil {
		cx.Error(err.Error())
		return
	}
	cx.OK()
}

func strArgs(args [][]byte) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = string(a)
	}
	return out
}

func cmdFTDictAdd(cx *Ctx) {
	cx.Int(int64(cx.Node.search.Dicts.Add(string(cx.Args[1]), strArgs(cx.Args[2:]))))
}

func cmdFTDictDel(cx *Ctx) {
	n, err := cx.Node.search.Dicts.Del(string(cx.Args[1]), strArgs(cx.Args[2:]))
	if err != nil {
		cx.Error(err.Error())
		return
	}
	cx.Int(int64(n))
}

func cmdFTDictDump(cx *Ctx) {
	terms, err := cx.Node.search.Dicts.Dump(string(cx.Args[1]))
	if err != nil {
		cx.Error(err.Error())
		return
	}
	cx.Array(len(terms))
	for _, t := range terms {
		cx.BulkString(t)
	}
}

// cmdFTSynUpdate is FT.SYNUPDATE index group [SKIPINITIALSCAN] term...
func cmdFTSynUpdate(cx *Ctx) {
	ix := indexFor(cx, cx.Args[1], "Unknown index name")
	if ix == nil {
		return
	}
	terms := cx.Args[3:]
	if strings.EqualFold(string(terms[0]), "SKIPINITIALSCAN") {
		terms = terms[1:]
	}
	if len(terms) == 0 {
		cx.Error("ERR wrong number of arguments for 'FT.SYNUPDATE' command")
		return
	}
	ix.SynUpdate(string(cx.Args[2]), strArgs(terms))
	cx.OK()
}

func cmdFTSynDump(cx *Ctx) {
	ix := indexFor(cx, cx.Args[1], "Unknown index name")
	if ix == nil {
		return
	}
	var out []any
	for _, p := range ix.SynDump() {
		out = append(out, p[0], p[1])
	}
	if out == nil {
		out = []any{}
	}
	writeAny(cx, out)
}

// cmdFTSpellCheck is FT.SPELLCHECK index query [DISTANCE d] [TERMS
// INCLUDE|EXCLUDE dict [term ...]] ... [DIALECT n].
func cmdFTSpellCheck(cx *Ctx) {
	ix := indexFor(cx, cx.Args[1], msgUnknownIndex)
	if ix == nil {
		return
	}
	distance, dialect := 1, cx.Node.search.Config.DefaultDialect()
	var include, exclude []string
	dicts := cx.Node.search.Dicts
	args := cx.Args[3:]
	for len(args) > 0 {
		switch strings.ToUpper(string(args[0])) {
		case "DISTANCE":
			if len(args) < 2 {
				cx.Error("DISTANCE argument is missing")
				return
			}
			d, err := strconv.Atoi(string(args[1]))
			if err != nil || d < 1 || d > 4 {
				cx.Error("bad distance given, distance must be a number between 1 and 4")
				return
			}
			distance, args = d, args[2:]
		case "TERMS":
			if len(args) < 3 {
				cx.Error("TERM arg is given but no TERM params comes after")
				return
			}
			mode, name := strings.ToUpper(string(args[1])), string(args[2])
			if mode != "INCLUDE" && mode != "EXCLUDE" {
				cx.Error("bad format, exlude/include operation was not given")
				return
			}
			if _, err := dicts.Dump(name); err != nil {
				cx.Error("Dict does not exist: " + name)
				return
			}
			if mode == "INCLUDE" {
				include = append(include, name)
			} else {
				exclude = append(exclude, name)
			}
			args = args[3:]
		case "DIALECT":
			if len(args) < 2 {
				cx.Error("Need an argument for DIALECT")
				return
			}
			if d, err := strconv.Atoi(string(args[1])); err == nil && d >= 1 {
				dialect = d
			}
			args = args[2:]
		default:
			cx.SyntaxError()
			return
		}
	}
	filter, _, err := ft.ParseQueryDialect(string(cx.Args[2]), dialect)
	if err != nil {
		ftError(cx, err)
		return
	}
	terms := ix.SpellCheck(filter, distance, include, exclude, dicts)
	cx.Array(len(terms))
	for _, t := range terms {
		cx.Array(3)
		cx.Simple("TERM") // a simple string, as RediSearch writes it
		cx.BulkString(t.Term)
		cx.Array(len(t.Suggestions))
		for _, s := range t.Suggestions {
			cx.Array(2)
			cx.BulkString(formatDouble(s.Score))
			cx.BulkString(s.Term)
		}
	}
}

// formatDouble formats a RESP2 double reply as Redis does (%.17g).
func formatDouble(v float64) string { return strconv.FormatFloat(v, 'g', 17, 64) }

// cmdFTSugAdd is FT.SUGADD key string score [INCR] [PAYLOAD payload].
func cmdFTSugAdd(cx *Ctx) {
	score, err := strconv.ParseFloat(string(cx.Args[3]), 64)
	if err != nil {
		cx.Error("ERR invalid score")
		return
	}
	incr := false
	var payload []byte
	for i := 4; i < len(cx.Args); i++ {
		switch strings.ToUpper(string(cx.Args[i])) {
		case "INCR":
			incr = true
		case "PAYLOAD":
			if i+1 >= len(cx.Args) {
				cx.Error("ERR wrong number of arguments for 'FT.SUGADD' command")
				return
			}
			payload = append([]byte{}, cx.Args[i+1]...)
			i++
		default:
			cx.Error("Unknown argument `" + string(cx.Args[i]) + "`")
			return
		}
	}
	var size int
	err = cx.Node.ks.UpdateCustom(cx.Args[1], ft.SugTypeName, func(cur cache.Custom) (cache.Custom, error) {
		d, _ := cur.(*ft.SugDict)
		if d == nil {
			d = ft.NewSugDict()
		}
		size = d.Add(string(cx.Args[2]), score, incr, payload)
		return d, nil
	})
	if err != nil {
		cx.Err(err)
		return
	}
	cx.Int(int64(size))
}

// getSugDict returns the suggestion dictionary at key (nil when missing);
// false after answering a key of another type.
func getSugDict(cx *Ctx, key []byte) (*ft.SugDict, bool) {
	c, err := cx.Node.ks.GetCustom(key, ft.SugTypeName)
	if err != nil {
		cx.Err(err)
		return nil, false
	}
	d, _ := c.(*ft.SugDict)
	return d, true
}

// cmdFTSugGet is FT.SUGGET key prefix [FUZZY] [WITHSCORES]
// [WITHPAYLOADS] [MAX n]: a null when the key holds no dictionary, else
// each suggestion followed by its score (a double: a bulk string in RESP2)
// and payload, as RediSearch 2.8 answers.
func cmdFTSugGet(cx *Ctx) {
	fuzzy, scores, payloads, max := false, false, false, 5
	for i := 3; i < len(cx.Args); i++ {
		switch strings.ToUpper(string(cx.Args[i])) {
		case "FUZZY":
			fuzzy = true
		case "WITHSCORES":
			scores = true
		case "WITHPAYLOADS":
			payloads = true
		case "MAX":
			if i+1 >= len(cx.Args) {
				cx.Error("Need an argument for MAX")
				return
			}
			n, err := strconv.Atoi(string(cx.Args[i+1]))
			if err != nil || n < 0 {
				cx.Error("Invalid value for MAX")
				return
			}
			max = n
			i++
		default:
			cx.Error("Unknown argument `" + string(cx.Args[i]) + "`")
			return
		}
	}
	d, ok := getSugDict(cx, cx.Args[1])
	if !ok {
		return
	}
	if d == nil {
		cx.Null() // as RediSearch: no dictionary there
		return
	}
	sugs := d.Get(string(cx.Args[2]), fuzzy, max)
	per := 1
	if scores {
		per++
	}
	if payloads {
		per++
	}
	cx.Array(per * len(sugs))
	for _, s := range sugs {
		cx.BulkString(s.Text)
		if scores {
			cx.BulkString(formatDouble(s.Score))
		}
		if payloads {
			if s.Payload == nil {
				cx.Null()
			} else {
				cx.Bulk(s.Payload)
			}
		}
	}
}

func cmdFTSugDel(cx *Ctx) {
	deleted := false
	err := cx.Node.ks.UpdateCustom(cx.Args[1], ft.SugTypeName, func(cur cache.Custom) (cache.Custom, error) {
		d, _ := cur.(*ft.SugDict)
		if d == nil {
			return nil, nil
		}
		deleted = d.Del(string(cx.Args[2]))
		return d, nil
	})
	if err != nil {
		cx.Err(err)
		return
	}
	if deleted {
		cx.Int(1)
	} else {
		cx.Int(0)
	}
}

func cmdFTSugLen(cx *Ctx) {
	d, ok := getSugDict(cx, cx.Args[1])
	if !ok {
		return
	}
	n := 0
	if d != nil {
		n = d.Len()
	}
	cx.Int(int64(n))
}

// errProfileArgs are FT.PROFILE's argument errors, as RediSearch words
// them.
var (
	errProfileType  = errors.New("No `SEARCH`, `AGGREGATE`, or `HYBRID` provided")
	errProfileQuery = errors.New("The QUERY keyword is expected")
)

// profileArgs turns FT.PROFILE index SEARCH [LIMITED] QUERY query args...
// into FT.SEARCH's arguments (index, query, args...).
func profileArgs(args [][]byte) ([][]byte, error) {
	if len(args) < 5 {
		return nil, errProfileType
	}
	switch strings.ToUpper(string(args[2])) {
	case "SEARCH":
	case "AGGREGATE":
		return nil, errors.New("FT.PROFILE AGGREGATE is not supported by vcache yet")
	default:
		return nil, errProfileType
	}
	i := 3
	if strings.EqualFold(string(args[i]), "LIMITED") {
		i++
	}
	if i >= len(args)-1 || !strings.EqualFold(string(args[i]), "QUERY") {
		return nil, errProfileQuery
	}
	return append([][]byte{args[1]}, args[i+1:]...), nil
}

// profileLimited reports whether FT.PROFILE index SEARCH|AGGREGATE
// [LIMITED] QUERY ... says LIMITED.
func profileLimited(args [][]byte) bool {
	return len(args) > 3 && strings.EqualFold(string(args[3]), "LIMITED")
}

// cmdFTProfile is FT.PROFILE index SEARCH [LIMITED] QUERY query args...:
// the search's reply, then a profile in RediSearch's shape (times in
// milliseconds, and each query node's matches).
func cmdFTProfile(cx *Ctx) {
	if isProfileAggregate(cx.Args) {
		profileAggregate(cx)
		return
	}
	if isProfileHybrid(cx.Args) {
		profileHybrid(cx)
		return
	}
	start := time.Now()
	// The proxy gives FT.PROFILE SEARCH the slots this node answers for,
	// as FT.SEARCH (search_slots.go).
	full, slots, err := searchSlots(cx.Args)
	if err != nil {
		ftError(cx, err)
		return
	}
	sargs, err := profileArgs(full)
	if err != nil {
		cx.Error(err.Error())
		return
	}
	req, err := ft.ParseSearchArgs(sargs)
	if err != nil {
		ftError(cx, err)
		return
	}
	ix := indexFor(cx, cx.Args[1], string(cx.Args[1])+": no such index")
	if ix == nil {
		return
	}
	cx.Node.search.Config.ApplyDialect(req) // the query is read in its dialect
	if err := req.ParseQueryFor(ix); err != nil {
		ftError(cx, err)
		return
	}
	if expandDenied(cx, req.Expand, ix) {
		return
	}
	if refuseGone(cx, slots) {
		return
	}
	parsed := time.Now()
	ks := cx.Node.ks
	req.Admit = searchAdmit(cx.Node, slots)
	res, err := ix.SearchDocs(req, searchDocs(ks, ix, req))
	if err != nil {
		ftError(cx, err)
		return
	}
	searched := time.Now()
	ms := func(d time.Duration) string { return formatDouble(float64(d.Nanoseconds()) / 1e6) }
	iters := ix.ProfileIterators(req, ft.ProfileOptions{Limited: profileLimited(cx.Args), Time: ms})
	n := int64(len(res.Docs))
	procs := []any{
		"Result processors profile",
		[]any{"Type", "Index", "Time", ms(searched.Sub(parsed)), "Counter", int64(res.Total)},
		[]any{"Type", "Scorer", "Time", "0", "Counter", int64(res.Total)},
		[]any{"Type", "Sorter", "Time", "0", "Counter", n},
	}
	if !req.NoContent {
		procs = append(procs, []any{"Type", "Loader", "Time", "0", "Counter", n})
		if req.HasSnippets() {
			procs = append(procs, []any{"Type", "Highlighter", "Time", "0", "Counter", n})
		}
	}
	writeAny(cx, []any{
		res.Reply(req.NoContent, req.WithScores),
		[]any{
			[]any{"Total profile time", ms(time.Since(start))},
			[]any{"Parsing time", ms(parsed.Sub(start))},
			[]any{"Pipeline creation time", "0"},
			[]any{"Iterators profile", iters},
			procs,
		},
	})
}

// capResults applies FT.CONFIG's MAXSEARCHRESULTS: no row past that many
// is returned.
func capResults(cfg *ft.Config, req *ft.SearchRequest) {
	if limit := cfg.MaxSearchResults(); limit >= 0 && int64(req.Offset)+int64(req.Num) > limit {
		req.Num = int(max(0, limit-int64(req.Offset)))
	}
}
