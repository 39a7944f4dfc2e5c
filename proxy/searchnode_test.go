package proxy

import (
	"encoding/binary"
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/resp"
)

// searchNode is a fake data node with a tiny RediSearch: HSET stores
// documents, FT.SEARCH runs an exact KNN over the node's own documents
// and answers in RediSearch's shape. It is the shard the proxy merges.
type searchNode struct {
	*fakeNode
	mu      sync.Mutex // guards docs and indexes
	docs    map[string]map[string]string
	indexes map[string]bool
	fail    string // when set, FT.* answers this error
	// gone, when set, makes FT.* given non-empty slots answer that they
	// moved away (as a node whose map is newer than the proxy's), after
	// calling onGone once.
	gone   bool
	onGone func()
	// building, when set, is the percent_indexed FT.INFO says while it
	// says indexing 1 (a scan under way); otherwise indexing 0 and 1.
	building string
}

func startSearchNode(t *testing.T) *searchNode {
	n := &searchNode{docs: map[string]map[string]string{}, indexes: map[string]bool{}}
	n.fakeNode = startFakeNode(t, n.handle)
	return n
}

func (n *searchNode) handle(_ *fakeConn, args []string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	name := strings.ToUpper(args[0])
	if n.fail != "" && strings.HasPrefix(name, "FT.") {
		return "-" + n.fail + "\r\n"
	}
	if n.gone && strings.HasPrefix(name, "FT.") {
		for i := 0; i+1 < len(args); i++ {
			if args[i] == ftargs.SlotsArg && args[i+1] != "" {
				if n.onGone != nil {
					n.onGone()
					n.onGone = nil
				}
				return "-" + ftargs.SlotsGonePrefix + " 0 is no longer on this node\r\n"
			}
		}
	}
	switch name {
	case "HSET":
		d := n.docs[args[1]]
		if d == nil {
			d = map[string]string{}
			n.docs[args[1]] = d
		}
		for i := 2; i+1 < len(args); i += 2 {
			d[args[i]] = args[i+1]
		}
		return ":1\r\n"
	case "FT.CREATE":
		if n.indexes[args[1]] {
			return "-Index already exists\r\n"
		}
		n.indexes[args[1]] = true
		return "+OK\r\n"
	case "FT.DROPINDEX":
		if !n.indexes[args[1]] {
			return "-Unknown Index name\r\n"
		}
		delete(n.indexes, args[1])
		return "+OK\r\n"
	case "FT._LIST":
		var names []string
		for k := range n.indexes {
			names = append(names, k)
		}
		sort.Strings(names)
		return string(resp.AppendCommand(nil, names...))
	case "FT.INFO":
		if !n.indexes[args[1]] {
			return "-Unknown Index name\r\n"
		}
		count := len(n.docs)
		if len(args) == 4 && args[2] == ftargs.SlotsArg {
			// The proxy's slots for this node: only their documents count.
			set, err := ftargs.ParseSlotSet(args[3])
			if err != nil {
				return "-" + err.Error() + "\r\n"
			}
			count = 0
			for k := range n.docs {
				if set.Has(keyslot.OfString(k)) {
					count++
				}
			}
		} else if len(args) != 2 {
			return "-ERR wrong number of arguments for 'ft.info' command\r\n"
		}
		indexing, pct := "0", "1"
		if n.building != "" {
			indexing, pct = "1", n.building
		}
		return string(resp.AppendCommand(nil, "index_name", args[1], "num_docs", strconv.Itoa(count), "indexing", indexing, "percent_indexed", pct))
	case "FT.SEARCH":
		return n.search(args)
	case "FT.AGGREGATE":
		return n.aggregate(args)
	case "FT.TAGVALS":
		if !n.indexes[args[1]] {
			return "-Unknown Index name\r\n"
		}
		seen := map[string]bool{}
		var vals []string
		for _, d := range n.docs {
			if v, ok := d[args[2]]; ok && !seen[strings.ToLower(v)] {
				seen[strings.ToLower(v)] = true
				vals = append(vals, strings.ToLower(v))
			}
		}
		sort.Strings(vals)
		return string(resp.AppendCommand(nil, vals...))
	}
	return "-ERR unknown command '" + args[0] + "'\r\n"
}

// search answers FT.SEARCH idx "*=>[KNN k @v $B AS name]" with LIMIT,
// SORTBY, RETURN, NOCONTENT, WITHSCORES, WITHPAYLOADS, WITHSORTKEYS,
// PARAMS, DIALECT.
func (n *searchNode) search(args []string) string {
	params := map[string]string{}
	offset, num := 0, 10
	var sortBy string
	desc, noContent, withScores, withPayloads, withSortKeys := false, false, false, false, false
	var ret []string
	for i := 3; i < len(args); i++ {
		switch strings.ToUpper(args[i]) {
		case "PARAMS":
			c, _ := strconv.Atoi(args[i+1])
			for j := 0; j < c; j += 2 {
				params[args[i+2+j]] = args[i+3+j]
			}
			i += 1 + c
		case "LIMIT":
			offset, _ = strconv.Atoi(args[i+1])
			num, _ = strconv.Atoi(args[i+2])
			i += 2
		case "SORTBY":
			sortBy = args[i+1]
			i++
			if i+1 < len(args) && strings.EqualFold(args[i+1], "DESC") {
				desc = true
				i++
			} else if i+1 < len(args) && strings.EqualFold(args[i+1], "ASC") {
				i++
			}
		case "RETURN":
			c, _ := strconv.Atoi(args[i+1])
			ret = append([]string{}, args[i+2:i+2+c]...)
			i += 1 + c
		case "NOCONTENT":
			noContent = true
		case "WITHSCORES":
			withScores = true
		case "WITHPAYLOADS":
			withPayloads = true
		case "WITHSORTKEYS":
			withSortKeys = true
		case "DIALECT":
			i++
		case "__SLOTS":
			// The proxy's slots for this node: the fake answers for every
			// document it holds, as a node holding copies of another's
			// slots would without them.
			i++
		default:
			return "-ERR fake node: unexpected " + args[i] + "\r\n"
		}
	}
	hits, scoreName, err := n.knn(args[2], params)
	if err != nil {
		return "-ERR fake node: " + err.Error() + "\r\n"
	}
	fields := func(h searchHit) map[string]string {
		m := map[string]string{scoreName: strconv.FormatFloat(h.dist, 'g', -1, 64)}
		for f, v := range n.docs[h.key] {
			m[f] = v
		}
		return m
	}
	if sortBy != "" {
		sort.SliceStable(hits, func(i, j int) bool {
			a, _ := strconv.ParseFloat(fields(hits[i])[sortBy], 64)
			b, _ := strconv.ParseFloat(fields(hits[j])[sortBy], 64)
			return (a < b) != desc && a != b
		})
	}
	total := len(hits)
	hits = hits[min(offset, len(hits)):min(offset+num, len(hits))]
	out := []resp.Value{{Kind: resp.Integer, Int: int64(total)}}
	for _, h := range hits {
		out = append(out, resp.Value{Kind: resp.BulkString, Str: []byte(h.key)})
		if withScores {
			out = append(out, resp.Value{Kind: resp.BulkString, Str: []byte("1")})
		}
		if withPayloads {
			out = append(out, resp.Value{Kind: resp.BulkString, Null: true})
		}
		if withSortKeys {
			if v, ok := fields(h)[sortBy]; ok && sortBy != "" {
				out = append(out, resp.Value{Kind: resp.BulkString, Str: []byte("#" + v)})
			} else {
				out = append(out, resp.Value{Kind: resp.BulkString, Null: true})
			}
		}
		if noContent {
			continue
		}
		m := fields(h)
		names := ret
		if names == nil {
			for f := range m {
				names = append(names, f)
			}
			sort.Strings(names)
		}
		arr := resp.Value{Kind: resp.Array, Elems: []resp.Value{}}
		for _, f := range names {
			if v, ok := m[f]; ok {
				arr.Elems = append(arr.Elems, resp.Value{Kind: resp.BulkString, Str: []byte(f)}, resp.Value{Kind: resp.BulkString, Str: []byte(v)})
			}
		}
		out = append(out, arr)
	}
	v := resp.Value{Kind: resp.Array, Elems: out}
	return string(v.AppendTo(nil))
}

type searchHit struct {
	key  string
	dist float64
}

// knn runs the query "*=>[KNN k @field $param AS name]" exactly over the
// node's documents: the k nearest, and the score field's name.
func (n *searchNode) knn(q string, params map[string]string) ([]searchHit, string, error) {
	f := strings.Fields(q[strings.Index(q, "[")+1 : strings.Index(q, "]")])
	k, err := strconv.Atoi(f[1])
	if strings.HasPrefix(f[1], "$") {
		k, err = strconv.Atoi(params[f[1][1:]])
	}
	if err != nil {
		return nil, "", errors.New("bad k")
	}
	field := strings.TrimPrefix(f[2], "@")
	vec := decodeVec(params[strings.TrimPrefix(f[3], "$")])
	scoreName := "__" + field + "_score"
	if len(f) >= 6 && strings.EqualFold(f[4], "AS") {
		scoreName = f[5]
	}
	var hits []searchHit
	for key, d := range n.docs {
		hits = append(hits, searchHit{key, l2(vec, decodeVec(d[field]))})
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].dist != hits[j].dist {
			return hits[i].dist < hits[j].dist
		}
		return hits[i].key < hits[j].key
	})
	return hits[:min(k, len(hits))], scoreName, nil
}

// aggregate answers FT.AGGREGATE idx "*=>[KNN ...]" with PARAMS, LOAD
// (fields, @__key, AS) and DIALECT: a row per nearest document, the
// distance first, then the loaded values.
func (n *searchNode) aggregate(args []string) string {
	params := map[string]string{}
	type load struct{ path, name string }
	var loads []load
	for i := 3; i < len(args); i++ {
		switch strings.ToUpper(args[i]) {
		case "PARAMS":
			c, _ := strconv.Atoi(args[i+1])
			for j := 0; j < c; j += 2 {
				params[args[i+2+j]] = args[i+3+j]
			}
			i += 1 + c
		case "LOAD":
			c, _ := strconv.Atoi(args[i+1])
			end := i + 2 + c
			for j := i + 2; j < end; j++ {
				l := load{path: strings.TrimPrefix(args[j], "@")}
				l.name = l.path
				if j+2 < end && strings.EqualFold(args[j+1], "AS") {
					l.name = args[j+2]
					j += 2
				}
				loads = append(loads, l)
			}
			i = end - 1
		case "DIALECT", "__SLOTS":
			i++ // the fake answers for every document it holds
		default:
			return "-ERR fake node: unexpected " + args[i] + "\r\n"
		}
	}
	hits, scoreName, err := n.knn(args[2], params)
	if err != nil {
		return "-ERR fake node: " + err.Error() + "\r\n"
	}
	dst := resp.AppendArray(nil, 1+len(hits))
	dst = resp.AppendInt(dst, int64(len(hits)))
	for _, h := range hits {
		row := []string{scoreName, strconv.FormatFloat(h.dist, 'g', -1, 64)}
		for _, l := range loads {
			if l.path == "__key" {
				row = append(row, l.name, h.key)
			} else if v, ok := n.docs[h.key][l.path]; ok {
				row = append(row, l.name, v)
			}
		}
		dst = resp.AppendCommand(dst, row...)
	}
	return string(dst)
}

func encodeVec(v ...float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return string(b)
}

func decodeVec(s string) []float32 {
	v := make([]float32, len(s)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32([]byte(s[4*i:])))
	}
	return v
}

func l2(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return s
}
