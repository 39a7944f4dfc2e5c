package proxy

import (
	"errors"
	"strconv"
	"strings"
)

// ftQuery is what the proxy needs to know of an FT.SEARCH to scatter it
// and merge the shards' results.
type ftQuery struct {
	offset, num int64    // LIMIT, default 0 10
	knn         int64    // k of a KNN clause, 0 without one
	scoreField  string   // the KNN's distance field: its AS name or __<field>_score
	sortBy      string   // SORTBY field, "" without one
	desc        bool     // SORTBY ... DESC
	noContent   bool     // NOCONTENT or RETURN 0
	withScores  bool     // WITHSCORES
	returns     []string // RETURN's names as the client will see them, nil without RETURN
	// shard is the command each shard gets.
	shard [][]byte
	// added are fields the proxy added to RETURN for merging, to be
	// removed from the rows.
	added []string
}

// maxFTCount bounds LIMIT, RETURN and KNN counts.
const maxFTCount = 1 << 30

var errFTSyntax = errors.New("ERR syntax error in FT.SEARCH as parsed by the proxy")

// ftOptionArgs counts the fixed arguments of FT.SEARCH options the proxy
// passes through untouched.
var ftOptionArgs = map[string]int{
	"verbatim": 0, "nostopwords": 0, "withpayloads": 0, "withsortkeys": 0, "inorder": 0,
	"explainscore": 0, "slop": 1, "timeout": 1, "language": 1, "expander": 1, "scorer": 1,
	"payload": 1, "dialect": 1, "filter": 3, "geofilter": 4,
}

// parseFTSearch reads FT.SEARCH index query [options] and builds the
// shard command: the same, with LIMIT 0 offset+num, and with the sort
// field added to RETURN when the client's RETURN lacks it.
func parseFTSearch(args [][]byte) (*ftQuery, error) {
	q := &ftQuery{num: 10}
	params := map[string]string{}
	var returnAt, returnEnd int = -1, -1
	pass := [][]byte{args[0], args[1], args[2]}
	atoi := func(b []byte) (int64, error) {
		n, err := strconv.ParseInt(string(b), 10, 64)
		if err != nil || n < 0 || n > maxFTCount {
			return 0, errFTSyntax
		}
		return n, nil
	}
	for i := 3; i < len(args); {
		opt := strings.ToLower(string(args[i]))
		need := func(n int) error {
			if i+n >= len(args) {
				return errFTSyntax
			}
			return nil
		}
		switch opt {
		case "nocontent":
			q.noContent = true
			i++
			continue
		case "withscores":
			q.withScores = true
			pass = append(pass, args[i])
			i++
			continue
		case "limit":
			if err := need(2); err != nil {
				return nil, err
			}
			var err error
			if q.offset, err = atoi(args[i+1]); err != nil {
				return nil, err
			}
			if q.num, err = atoi(args[i+2]); err != nil {
				return nil, err
			}
			i += 3
			continue
		case "sortby":
			if err := need(1); err != nil {
				return nil, err
			}
			q.sortBy = strings.TrimPrefix(string(args[i+1]), "@")
			end := i + 2
			if end < len(args) {
				switch strings.ToLower(string(args[end])) {
				case "asc":
					end++
				case "desc":
					q.desc = true
					end++
				}
			}
			if end < len(args) && strings.EqualFold(string(args[end]), "withcount") {
				end++
			}
			pass = append(pass, args[i:end]...)
			i = end
			continue
		case "return":
			if err := need(1); err != nil {
				return nil, err
			}
			n, err := atoi(args[i+1])
			if err != nil || i+2+int(n) > len(args) {
				return nil, errFTSyntax
			}
			returnAt, returnEnd = i, i+2+int(n)
			q.returns = []string{}
			fields := args[i+2 : returnEnd]
			for j := 0; j < len(fields); j++ {
				name := strings.TrimPrefix(string(fields[j]), "@")
				if j+2 < len(fields) && strings.EqualFold(string(fields[j+1]), "as") {
					name = string(fields[j+2])
					j += 2
				}
				q.returns = append(q.returns, name)
			}
			if n == 0 {
				q.noContent = true
			}
			i = returnEnd
			continue
		case "params":
			if err := need(1); err != nil {
				return nil, err
			}
			n, err := atoi(args[i+1])
			if err != nil || n%2 != 0 || i+2+int(n) > len(args) {
				return nil, errFTSyntax
			}
			for j := i + 2; j+1 < i+2+int(n); j += 2 {
				params[string(args[j])] = string(args[j+1])
			}
			pass = append(pass, args[i:i+2+int(n)]...)
			i += 2 + int(n)
			continue
		case "inkeys", "infields":
			if err := need(1); err != nil {
				return nil, err
			}
			n, err := atoi(args[i+1])
			if err != nil || i+2+int(n) > len(args) {
				return nil, errFTSyntax
			}
			pass = append(pass, args[i:i+2+int(n)]...)
			i += 2 + int(n)
			continue
		case "summarize", "highlight":
			end := skipSummarize(args, i+1)
			pass = append(pass, args[i:end]...)
			i = end
			continue
		}
		n, ok := ftOptionArgs[opt]
		if !ok || i+n >= len(args) {
			return nil, errFTSyntax
		}
		pass = append(pass, args[i:i+1+n]...)
		i += 1 + n
	}
	if err := q.parseKNN(string(args[2]), params); err != nil {
		return nil, err
	}
	// The fields the merge needs from every row: the KNN distance (to
	// pick the global k nearest) and the SORTBY field.
	var need []string
	if q.knn > 0 {
		need = append(need, q.scoreField)
	}
	if q.sortBy != "" && q.sortBy != q.scoreField {
		need = append(need, q.sortBy)
	}
	switch {
	case q.noContent && len(need) > 0:
		// The shards must send the fields; the rows drop them.
		pass = append(pass, []byte("RETURN"), strconv.AppendInt(nil, int64(len(need)), 10))
		for _, f := range need {
			pass = append(pass, []byte(f))
		}
		q.added = need
	case q.noContent:
		pass = append(pass, []byte("NOCONTENT"))
	case returnAt >= 0:
		fields := args[returnAt+2 : returnEnd]
		for _, f := range need {
			if !contains(q.returns, f) {
				q.added = append(q.added, f)
			}
		}
		pass = append(pass, []byte("RETURN"), strconv.AppendInt(nil, int64(len(fields)+len(q.added)), 10))
		pass = append(pass, fields...)
		for _, f := range q.added {
			pass = append(pass, []byte(f))
		}
	}
	// Each shard sends its best offset+num rows; but when rows are sorted
	// by something else than the distance, the global k nearest may be
	// anywhere in a shard's k nearest, so it sends them all.
	limit := q.offset + q.num
	if q.knn > 0 && len(need) == 2 {
		limit = q.knn
	}
	pass = append(pass, []byte("LIMIT"), []byte("0"), strconv.AppendInt(nil, limit, 10))
	q.shard = pass
	return q, nil
}

// skipSummarize returns the index after a SUMMARIZE or HIGHLIGHT clause's
// own options, starting at i.
func skipSummarize(args [][]byte, i int) int {
	for i < len(args) {
		switch strings.ToLower(string(args[i])) {
		case "fields":
			if i+1 < len(args) {
				if n, err := strconv.Atoi(string(args[i+1])); err == nil && n >= 0 {
					i = min(i+2+n, len(args))
					continue
				}
			}
			return i
		case "frags", "len", "separator":
			i = min(i+2, len(args))
		case "tags":
			i = min(i+3, len(args))
		default:
			return i
		}
	}
	return i
}

// parseKNN finds "=>[KNN k @field $vec ... AS name]" in the query.
func (q *ftQuery) parseKNN(query string, params map[string]string) error {
	at := strings.Index(query, "=>")
	if at < 0 {
		return nil
	}
	rest := strings.TrimSpace(query[at+2:])
	rest = strings.TrimPrefix(rest, "{")
	rest = strings.TrimSpace(rest)
	if !strings.HasPrefix(rest, "[") {
		return nil
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return errFTSyntax
	}
	f := strings.Fields(rest[1:end])
	if len(f) < 3 || !strings.EqualFold(f[0], "knn") {
		return nil
	}
	k := f[1]
	if strings.HasPrefix(k, "$") {
		v, ok := params[k[1:]]
		if !ok {
			return errFTSyntax
		}
		k = v
	}
	n, err := strconv.ParseInt(k, 10, 64)
	if err != nil || n <= 0 || n > maxFTCount {
		return errFTSyntax
	}
	q.knn = n
	q.scoreField = "__" + strings.TrimPrefix(f[2], "@") + "_score"
	for i := 3; i+1 < len(f); i++ {
		if strings.EqualFold(f[i], "as") {
			q.scoreField = f[i+1]
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
