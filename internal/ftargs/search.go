package ftargs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxResults bounds LIMIT's offset and count, as RediSearch's default
// MAXSEARCHRESULTS does.
const MaxResults = 1000000

// MaxDialect is the highest DIALECT accepted.
const MaxDialect = 4

// Search is FT.SEARCH's arguments after the index name. The zero value of
// an option means it was not given.
type Search struct {
	Query string

	NoContent    bool
	WithScores   bool
	Verbatim     bool
	NoStopWords  bool
	WithPayloads bool
	WithSortKeys bool
	InOrder      bool
	ExplainScore bool
	// Count is WITHCOUNT (+1) or WITHOUTCOUNT (-1), whichever came last.
	Count int8

	// Return is RETURN's fields; nil without RETURN, empty for RETURN 0.
	Return []ReturnField

	// HasSortBy says SORTBY was given; SortBy is its field as given (a
	// leading @ kept).
	HasSortBy bool
	SortBy    string
	SortDesc  bool

	// HasLimit says LIMIT was given; Offset and Num are its values.
	HasLimit    bool
	Offset, Num int64

	// Params is PARAMS's name/value pairs in order; nil without PARAMS.
	Params []Param

	Dialect    int64 // 0: not given
	HasTimeout bool
	Timeout    int64
	HasSlop    bool
	Slop       int64
	Language   string
	Expander   string
	Scorer     string
	Payload    string
	Format     string // STRING or EXPAND as given; "" without FORMAT
	// Multi is the proxy's MultiArg.
	Multi bool
	// BM25 is BM25Arg's k1 and b (HasBM25): FT.HYBRID's SCORER
	// parameters.
	BM25    [2]float64
	HasBM25 bool

	// InKeys and InFields are nil when not given.
	InKeys   []string
	InFields []string
	// Filters are the legacy numeric FILTERs, GeoFilters the GEOFILTERs.
	Filters    []NumericFilter
	GeoFilters []GeoFilter
	// Snippets are the SUMMARIZE and HIGHLIGHT clauses in order.
	Snippets []Snippet
}

// ReturnField is one RETURN field: Path is read from the document and
// shown as Name (RETURN 3 path AS name), or as Path without AS.
type ReturnField struct {
	Path, Name string
}

// Param is one PARAMS name and value (Value shares the parsed
// arguments' memory).
type Param struct {
	Name  string
	Value []byte
}

// NumericFilter is FILTER field min max, bounds as given ("(" marks an
// exclusive one; -inf and +inf are allowed).
type NumericFilter struct {
	Field, Min, Max string
}

// GeoFilter is GEOFILTER field lon lat radius unit, as given.
type GeoFilter struct {
	Field, Lon, Lat, Radius, Unit string
}

// Snippet is a SUMMARIZE or HIGHLIGHT clause, its defaults filled in.
type Snippet struct {
	Highlight bool
	// Fields are FIELDS's names in order; nil without FIELDS (or with
	// FIELDS 0): the clause is then about every returned field.
	Fields []string
	// Open and Close are HIGHLIGHT's TAGS (<b> and </b> by default).
	Open, Close string
	// Frags, Len and Separator are SUMMARIZE's FRAGS, LEN and SEPARATOR
	// (3, 20 and "... " by default), as given.
	Frags, Len int64
	Separator  string
}

// The defaults of HIGHLIGHT's and SUMMARIZE's options (RediSearch's).
const (
	DefaultOpenTag   = "<b>"
	DefaultCloseTag  = "</b>"
	DefaultFrags     = 3
	DefaultFragLen   = 20
	DefaultSeparator = "... "
)

// ParamMap returns the PARAMS as a map.
func (s *Search) ParamMap() map[string][]byte {
	m := make(map[string][]byte, len(s.Params))
	for _, p := range s.Params {
		m[p.Name] = p.Value
	}
	return m
}

// Limits returns LIMIT's offset and count, 0 and 10 without LIMIT.
func (s *Search) Limits() (offset, num int64) {
	if !s.HasLimit {
		return 0, 10
	}
	return s.Offset, s.Num
}

// flags are FT.SEARCH's options without a value.
var flags = map[string]func(s *Search){
	"NOCONTENT":    func(s *Search) { s.NoContent = true },
	"WITHSCORES":   func(s *Search) { s.WithScores = true },
	"VERBATIM":     func(s *Search) { s.Verbatim = true },
	"NOSTOPWORDS":  func(s *Search) { s.NoStopWords = true },
	"WITHPAYLOADS": func(s *Search) { s.WithPayloads = true },
	"WITHSORTKEYS": func(s *Search) { s.WithSortKeys = true },
	"INORDER":      func(s *Search) { s.InOrder = true },
	"EXPLAINSCORE": func(s *Search) { s.ExplainScore = true },
	"WITHCOUNT":    func(s *Search) { s.Count = 1 },
	"WITHOUTCOUNT": func(s *Search) { s.Count = -1 },
}

// Parse parses FT.SEARCH's arguments after the index name: args[0] is
// the query string. Errors carry RediSearch's texts; positions count the
// query as 0.
func Parse(args [][]byte) (*Search, error) {
	if len(args) == 0 {
		return nil, errors.New("No query string provided")
	}
	s := &Search{Query: string(args[0])}
	var returns [][]byte
	hasReturn := false
	stop := -1 // the argument no option knows
	for i := 1; i < len(args); {
		word := strings.ToUpper(string(args[i]))
		if set, ok := flags[word]; ok {
			set(s)
			i++
			continue
		}
		var err error
		next := i + 1
		switch word {
		case "RETURN", "INKEYS", "INFIELDS":
			n, msg := unsigned(args, i+1, maxCount)
			if msg == "" && i+2+int(n) > len(args) {
				msg = acNoArg
			}
			if msg != "" {
				return nil, fmt.Errorf("Bad arguments for %s: %s", word, msg)
			}
			list := args[i+2 : i+2+int(n)]
			switch word {
			case "RETURN":
				returns, hasReturn = list, true
			case "INKEYS":
				s.InKeys = strs(list)
			default:
				s.InFields = strs(list)
			}
			next = i + 2 + int(n)
		case "SLOP":
			if i+1 >= len(args) {
				return nil, fmt.Errorf("Bad arguments for SLOP: %s", acNoArg)
			}
			n, ok := parseInt(string(args[i+1]), true)
			switch {
			case !ok:
				return nil, fmt.Errorf("Bad arguments for SLOP: %s", acParse)
			case n < -1<<31 || n > 1<<31-1:
				return nil, fmt.Errorf("Bad arguments for SLOP: %s", acLimit)
			}
			s.HasSlop, s.Slop = true, n
			next = i + 2
		case "LANGUAGE", "EXPANDER", "SCORER", "PAYLOAD":
			if i+1 >= len(args) {
				return nil, fmt.Errorf("Bad arguments for %s: %s", word, acNoArg)
			}
			v := string(args[i+1])
			switch word {
			case "LANGUAGE":
				s.Language = v
			case "EXPANDER":
				s.Expander = v
			case "SCORER":
				s.Scorer = v
			default:
				s.Payload = v
			}
			next = i + 2
		case "SUMMARIZE", "HIGHLIGHT":
			next, err = s.parseSnippet(args, i)
		case "FILTER":
			next, err = s.parseFilter(args, i)
		case "GEOFILTER":
			next, err = s.parseGeoFilter(args, i)
		case "LIMIT":
			next, err = s.parseLimit(args, i)
		case "SORTBY":
			next, err = s.parseSortBy(args, i)
		case "TIMEOUT":
			s.Timeout, err = timeoutArg(args, i)
			s.HasTimeout, next = err == nil, i+2
		case "PARAMS":
			next, err = s.parseParams(args, i)
		case "DIALECT":
			s.Dialect, err = dialectArg(args, i)
			if err == nil {
				err = expandDialect(s.Format, s.Dialect)
			}
			next = i + 2
		case "FORMAT":
			s.Format, err = formatArg(args, i)
			next = i + 2
		case MultiArg:
			s.Multi = true
		case BM25Arg:
			next, err = s.parseBM25(args, i)
		default:
			stop = i
		}
		if err != nil {
			return nil, err
		}
		if stop >= 0 {
			break
		}
		i = next
	}
	if s.ExplainScore && !s.WithScores {
		return nil, errors.New("EXPLAINSCORE must be accompanied with WITHSCORES")
	}
	if hasReturn {
		if err := s.parseReturn(returns); err != nil {
			return nil, err
		}
	}
	if stop >= 0 {
		if strings.EqualFold(string(args[stop]), "GROUPBY") {
			return nil, errors.New("option `GROUPBY` is mutually exclusive with simple (i.e. search) options")
		}
		return nil, fmt.Errorf("Unknown argument `%s` at position %d for <main>", args[stop], stop)
	}
	return s, nil
}

func strs(list [][]byte) []string {
	out := make([]string, len(list))
	for i, b := range list {
		out[i] = string(b)
	}
	return out
}

func (s *Search) parseReturn(list [][]byte) error {
	s.Return = []ReturnField{}
	for j := 0; j < len(list); j++ {
		f := ReturnField{Path: string(list[j]), Name: string(list[j])}
		if j+1 < len(list) && strings.EqualFold(string(list[j+1]), "AS") {
			if j+2 >= len(list) {
				return errors.New("RETURN path AS name - must be accompanied with NAME")
			}
			if strings.EqualFold(string(list[j+2]), "AS") {
				return errors.New("Alias for RETURN cannot be `AS`")
			}
			f.Name = string(list[j+2])
			j += 2
		}
		// A name given twice is one field.
		dup := false
		for _, g := range s.Return {
			dup = dup || g.Name == f.Name
		}
		if !dup {
			s.Return = append(s.Return, f)
		}
	}
	return nil
}

func (s *Search) parseLimit(args [][]byte, i int) (int, error) {
	if i+2 >= len(args) {
		return 0, errors.New("LIMIT requires two arguments")
	}
	off, ok1 := parseInt(string(args[i+1]), false)
	num, ok2 := parseInt(string(args[i+2]), false)
	if !ok1 || !ok2 || off < 0 || num < 0 {
		return 0, errors.New("LIMIT needs two numeric arguments")
	}
	switch {
	case num == 0: // only the count
	case num > MaxResults:
		return 0, fmt.Errorf("LIMIT exceeds maximum of %d", MaxResults)
	case off > MaxResults:
		return 0, fmt.Errorf("OFFSET exceeds maximum of %d", MaxResults)
	}
	s.HasLimit, s.Offset, s.Num = true, off, num
	return i + 3, nil
}

func (s *Search) parseSortBy(args [][]byte, i int) (int, error) {
	if s.HasSortBy {
		return 0, errors.New("Multiple SORTBY steps are not allowed")
	}
	if i+1 >= len(args) {
		return 0, errors.New("Bad SORTBY arguments")
	}
	s.HasSortBy, s.SortBy = true, string(args[i+1])
	next := i + 2
	if next < len(args) {
		switch strings.ToUpper(string(args[next])) {
		case "DESC":
			s.SortDesc = true
			next++
		case "ASC":
			next++
		}
	}
	if next < len(args) && strings.EqualFold(string(args[next]), "MAX") {
		return 0, errors.New("SORTBY MAX is not supported by FT.SEARCH")
	}
	return next, nil
}

func (s *Search) parseParams(args [][]byte, i int) (int, error) {
	n, msg := unsigned(args, i+1, maxCount)
	if msg == "" && i+2+int(n) > len(args) {
		msg = acNoArg
	}
	if msg != "" {
		return 0, fmt.Errorf("Bad arguments for PARAMS: %s", msg)
	}
	if s.Params != nil {
		return 0, errors.New("Multiple PARAMS are not allowed. Parameters can be defined only once")
	}
	if n == 0 || n%2 != 0 {
		return 0, errors.New("Parameters must be specified in PARAM VALUE pairs")
	}
	s.Params = make([]Param, 0, n/2)
	for j := i + 2; j < i+2+int(n); j += 2 {
		name := string(args[j])
		for _, p := range s.Params {
			if p.Name == name {
				return 0, fmt.Errorf("Duplicate parameter `%s`", name)
			}
		}
		s.Params = append(s.Params, Param{Name: name, Value: args[j+1]})
	}
	return i + 2 + int(n), nil
}

// timeoutArg parses TIMEOUT's argument, after args[i].
func timeoutArg(args [][]byte, i int) (int64, error) {
	if i+1 >= len(args) {
		return 0, errors.New("Need argument for TIMEOUT")
	}
	n, ok := parseInt(string(args[i+1]), false)
	if !ok || n < 0 {
		return 0, errors.New("TIMEOUT requires a non negative integer")
	}
	return n, nil
}

// dialectArg parses DIALECT's argument, after args[i].
func dialectArg(args [][]byte, i int) (int64, error) {
	if i+1 >= len(args) {
		return 0, errors.New("Need an argument for DIALECT")
	}
	n, ok := parseInt(string(args[i+1]), false)
	if !ok || n < 1 || n > MaxDialect {
		return 0, fmt.Errorf("DIALECT requires a non negative integer >=%d and <= %d", 1, MaxDialect)
	}
	return n, nil
}

// expandDialect is RediSearch 2.8's check of a DIALECT after FORMAT
// EXPAND (one before it is not checked).
func expandDialect(format string, dialect int64) error {
	if format == "EXPAND" && dialect < 3 {
		return errors.New("EXPAND format requires dialect 3 or greater")
	}
	return nil
}

// formatArg reads FORMAT's argument after args[i]: STRING or EXPAND.
func formatArg(args [][]byte, i int) (string, error) {
	if i+1 >= len(args) {
		return "", errors.New("Need an argument for FORMAT")
	}
	f := string(args[i+1])
	if !strings.EqualFold(f, "STRING") && !strings.EqualFold(f, "EXPAND") {
		return "", fmt.Errorf("FORMAT %s is not supported", f)
	}
	return strings.ToUpper(f), nil
}

// BM25Arg is the internal FT.SEARCH argument that sets the BM25 and
// BM25STD scorers' k1 and b (BM25Arg k1 b): FT.HYBRID's SCORER
// parameters, which a node and the proxy's shards receive this way.
const BM25Arg = "__BM25"

func (s *Search) parseBM25(args [][]byte, i int) (int, error) {
	if i+2 >= len(args) {
		return 0, fmt.Errorf("Bad arguments for %s: %s", BM25Arg, acNoArg)
	}
	p, err := ParseBM25(string(args[i+1]), string(args[i+2]))
	if err != nil {
		return 0, err
	}
	s.BM25, s.HasBM25 = p, true
	return i + 3, nil
}

// ParseBM25 reads BM25's k1 (at least 0) and b (in [0, 1]).
func ParseBM25(k1, b string) ([2]float64, error) {
	k, err1 := strconv.ParseFloat(k1, 64)
	v, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil || !(k >= 0 && k < 1e6) || !(v >= 0 && v <= 1) {
		return [2]float64{}, errors.New("BM25 parameters: k1 must be a number of at least 0 and b a number in [0, 1]")
	}
	return [2]float64{k, v}, nil
}
