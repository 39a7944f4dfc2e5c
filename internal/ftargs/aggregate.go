package ftargs

import (
	"errors"
	"fmt"
	"strings"
)

// Aggregate is FT.AGGREGATE's arguments after the index name: the query,
// the pipeline's steps in order, and the options around them.
type Aggregate struct {
	Query    string
	Verbatim bool
	// NoStopWords is NOSTOPWORDS: the query's stop words are kept.
	NoStopWords bool
	// Language is LANGUAGE's value ("" when not given).
	Language string
	Steps    []Step
	// Params is PARAMS's name/value pairs in order; nil without PARAMS.
	Params     []Param
	Dialect    int64 // 0: not given
	HasTimeout bool
	Timeout    int64
	// WithCursor says WITHCURSOR was given; CursorCount and MaxIdle are
	// its COUNT and MAXIDLE (0: not given).
	WithCursor  bool
	CursorCount int64
	MaxIdle     int64
	// Format is FORMAT's STRING or EXPAND as given; "" without FORMAT.
	Format string
	// Slots, when set, is the proxy's SlotsArg: only documents in these
	// slots count.
	Slots *SlotSet
	// Multi is the proxy's MultiArg.
	Multi bool
}

// StepKind is what a pipeline step does.
type StepKind uint8

// The pipeline's steps.
const (
	StepLoad    StepKind = iota // LOAD: read document fields into the rows
	StepGroup                   // GROUPBY with its REDUCE clauses
	StepApply                   // APPLY expr AS name
	StepFilter                  // FILTER expr
	StepArrange                 // SORTBY and/or LIMIT (and SORTBY's MAX)
)

// Step is one pipeline step; the fields used depend on Kind.
type Step struct {
	Kind StepKind

	// StepLoad: the fields, or LoadAll for LOAD *.
	Load    []LoadField
	LoadAll bool

	// StepGroup.
	Group *Group

	// StepApply and StepFilter: the expression as given, parsed; As is
	// APPLY's name.
	Expr   string
	Parsed *Expr
	As     string

	// StepArrange: the sort keys (none for a bare LIMIT), MAX (0: not
	// given) and LIMIT.
	Sort        []SortKey
	Max         int64
	HasLimit    bool
	Offset, Num int64
}

// LoadField is one LOAD field: Path is read from the document and named
// Name in the rows.
type LoadField struct {
	Path, Name string
}

// SortKey is one SORTBY property (without its @) and its direction.
type SortKey struct {
	Field string
	Desc  bool
}

// Group is a GROUPBY step: the properties (without @) and the reducers.
type Group struct {
	Fields   []string
	Reducers []Reducer
}

// Reducer is one REDUCE clause: its function (upper case), its arguments
// as given, and the name of its result.
type Reducer struct {
	Name string
	Args []string
	As   string
}

// Limit returns how many rows the arrange step keeps at most (offset
// included): LIMIT's offset+num, else MAX, else 10, as RediSearch's.
func (s *Step) Limit() int64 {
	switch {
	case s.HasLimit && s.Num > 0:
		return s.Offset + s.Num
	case s.Max > 0:
		return s.Max
	}
	return 10
}

// ParamMap returns the PARAMS as a map.
func (a *Aggregate) ParamMap() map[string][]byte {
	m := make(map[string][]byte, len(a.Params))
	for _, p := range a.Params {
		m[p.Name] = p.Value
	}
	return m
}

// ParseAggregate parses FT.AGGREGATE's arguments after the index name:
// args[0] is the query string. Errors carry RediSearch's texts; positions
// count the query as 0. Every APPLY and FILTER expression is parsed too.
func ParseAggregate(args [][]byte) (*Aggregate, error) {
	if len(args) == 0 {
		return nil, errors.New("No query string provided")
	}
	a := &Aggregate{Query: string(args[0])}
	for i := 1; i < len(args); {
		word := strings.ToUpper(string(args[i]))
		var err error
		next := i + 1
		switch word {
		case "VERBATIM":
			a.Verbatim = true
		case "NOSTOPWORDS":
			a.NoStopWords = true
		case "INORDER":
			// change nothing vcache computes
		case "SCORER", "LANGUAGE":
			if i+1 >= len(args) {
				return nil, fmt.Errorf("Bad arguments for %s: %s", word, acNoArg)
			}
			if word == "LANGUAGE" {
				a.Language = string(args[i+1])
			}
			next = i + 2
		case "LIMIT":
			next, err = a.parseLimit(args, i)
		case "SORTBY":
			next, err = a.parseSortBy(args, i)
		case "TIMEOUT":
			a.Timeout, err = timeoutArg(args, i)
			a.HasTimeout, next = err == nil, i+2
		case "WITHCURSOR":
			next, err = a.parseCursor(args, i)
		case "PARAMS":
			var s Search
			s.Params = a.Params
			next, err = s.parseParams(args, i)
			a.Params = s.Params
		case "DIALECT":
			a.Dialect, err = dialectArg(args, i)
			if err == nil {
				err = expandDialect(a.Format, a.Dialect)
			}
			next = i + 2
		case "FORMAT":
			a.Format, err = formatArg(args, i)
			next = i + 2
		case "GROUPBY":
			next, err = a.parseGroupBy(args, i)
		case "APPLY", "FILTER":
			next, err = a.parseExprStep(args, i, word == "APPLY")
		case "LOAD":
			next, err = a.parseLoad(args, i)
		case "SUMMARIZE", "HIGHLIGHT":
			return nil, fmt.Errorf("%s is not supported on FT.AGGREGATE", word)
		case MultiArg:
			a.Multi = true
		case SlotsArg:
			if i+1 >= len(args) {
				return nil, errSlots
			}
			a.Slots, err = ParseSlotSet(string(args[i+1]))
			next = i + 2
		default:
			return nil, fmt.Errorf("Unknown argument `%s` at position %d for <main>", args[i], i)
		}
		if err != nil {
			return nil, err
		}
		i = next
	}
	return a, nil
}

// ParseStep parses the pipeline step at args[i] that FT.HYBRID shares
// with FT.AGGREGATE — GROUPBY with its REDUCE clauses, APPLY or FILTER —
// appending it to a.Steps, and returns the index after it.
func (a *Aggregate) ParseStep(args [][]byte, i int) (int, error) {
	switch word := strings.ToUpper(string(args[i])); word {
	case "GROUPBY":
		return a.parseGroupBy(args, i)
	case "APPLY", "FILTER":
		return a.parseExprStep(args, i, word == "APPLY")
	}
	return 0, fmt.Errorf("Unknown argument `%s`", args[i])
}

// Arrange returns the arrange step a SORTBY or LIMIT at this point of
// the pipeline belongs to, as FT.AGGREGATE's do.
func (a *Aggregate) Arrange() *Step { return a.arrange() }

// arrange returns the arrange step SORTBY or LIMIT adds to: the last one
// unless a GROUPBY or APPLY came after it, else a new one.
func (a *Aggregate) arrange() *Step {
	for j := len(a.Steps) - 1; j >= 0; j-- {
		switch a.Steps[j].Kind {
		case StepArrange:
			return &a.Steps[j]
		case StepGroup, StepApply:
			j = -1
		}
	}
	a.Steps = append(a.Steps, Step{Kind: StepArrange})
	return &a.Steps[len(a.Steps)-1]
}

func (a *Aggregate) parseLimit(args [][]byte, i int) (int, error) {
	if i+2 >= len(args) {
		return 0, errors.New("LIMIT requires two arguments")
	}
	off, ok1 := parseInt(string(args[i+1]), false)
	num, ok2 := parseInt(string(args[i+2]), false)
	if !ok1 || !ok2 || off < 0 || num < 0 {
		return 0, errors.New("LIMIT needs two numeric arguments")
	}
	if num == 0 && off != 0 {
		return 0, errors.New("The `offset` of the LIMIT must be 0 when `num` is 0")
	}
	if off > MaxResults {
		return 0, fmt.Errorf("OFFSET exceeds maximum of %d", MaxResults)
	}
	s := a.arrange()
	s.HasLimit, s.Offset, s.Num = true, off, num
	return i + 3, nil
}

func (a *Aggregate) parseSortBy(args [][]byte, i int) (int, error) {
	s := a.arrange()
	if s.Sort != nil {
		return 0, errors.New("Multiple SORTBY steps are not allowed. Sort multiple fields in a single step")
	}
	n, msg := unsigned(args, i+1, maxCount)
	if msg == "" && i+2+int(n) > len(args) {
		msg = acNoArg
	}
	if msg != "" {
		return 0, fmt.Errorf("Bad arguments for SORTBY: %s", msg)
	}
	keys := []SortKey{}
	for _, w := range args[i+2 : i+2+int(n)] {
		x := string(w)
		switch {
		case strings.HasPrefix(x, "@"):
			if len(keys) >= 64 {
				return 0, errors.New("Cannot sort by more than 64 fields")
			}
			keys = append(keys, SortKey{Field: x[1:]})
		case strings.EqualFold(x, "ASC") && len(keys) > 0:
			keys[len(keys)-1].Desc = false
		case strings.EqualFold(x, "DESC") && len(keys) > 0:
			keys[len(keys)-1].Desc = true
		default:
			return 0, fmt.Errorf("MISSING ASC or DESC after sort field (%s)", x)
		}
	}
	next := i + 2 + int(n)
	if next < len(args) && strings.EqualFold(string(args[next]), "MAX") {
		m, msg := unsigned(args, next+1, maxCount)
		if msg != "" {
			return 0, fmt.Errorf("Bad arguments for MAX: %s", msg)
		}
		s.Max = m
		next += 2
	}
	s.Sort = keys
	return next, nil
}

func (a *Aggregate) parseCursor(args [][]byte, i int) (int, error) {
	a.WithCursor = true
	j := i + 1
	for j < len(args) {
		w := strings.ToUpper(string(args[j]))
		if w != "COUNT" && w != "MAXIDLE" {
			break
		}
		n, msg := unsigned(args, j+1, maxCount)
		if msg == "" && n < 1 {
			msg = acLimit
		}
		if msg != "" {
			return 0, fmt.Errorf("Bad arguments for %s: %s", w, msg)
		}
		if w == "COUNT" {
			a.CursorCount = n
		} else {
			a.MaxIdle = n
		}
		j += 2
	}
	return j, nil
}

func (a *Aggregate) parseGroupBy(args [][]byte, i int) (int, error) {
	n, msg := unsigned(args, i+1, maxCount)
	if msg == "" && i+2+int(n) > len(args) {
		msg = acNoArg
	}
	if msg != "" {
		return 0, fmt.Errorf("Bad arguments for GROUPBY: %s", msg)
	}
	g := &Group{Fields: []string{}}
	for _, w := range args[i+2 : i+2+int(n)] {
		x := string(w)
		if !strings.HasPrefix(x, "@") {
			return 0, fmt.Errorf("Bad arguments for GROUPBY: Unknown property `%s`. Did you mean `@%s`?", x, x)
		}
		g.Fields = append(g.Fields, x[1:])
	}
	j := i + 2 + int(n)
	for j < len(args) && strings.EqualFold(string(args[j]), "REDUCE") {
		if j+1 >= len(args) {
			return 0, fmt.Errorf("Bad arguments for REDUCE: %s", acNoArg)
		}
		r := Reducer{Name: strings.ToUpper(string(args[j+1]))}
		m, msg := unsigned(args, j+2, maxCount)
		if msg == "" && j+3+int(m) > len(args) {
			msg = acNoArg
		}
		if msg != "" {
			return 0, fmt.Errorf("Bad arguments for %s: %s", args[j+1], msg)
		}
		r.Args = strs(args[j+3 : j+3+int(m)])
		j += 3 + int(m)
		if j < len(args) && strings.EqualFold(string(args[j]), "AS") {
			if j+1 >= len(args) {
				return 0, fmt.Errorf("Bad arguments for AS: %s", acNoArg)
			}
			r.As = string(args[j+1])
			j += 2
		}
		if err := checkReducer(&r); err != nil {
			return 0, err
		}
		if r.As == "" {
			r.As = generatedAlias(r.Name, r.Args)
		}
		g.Reducers = append(g.Reducers, r)
	}
	a.Steps = append(a.Steps, Step{Kind: StepGroup, Group: g})
	return j, nil
}

// generatedAlias names a reducer's result without AS as RediSearch does.
func generatedAlias(name string, args []string) string {
	var b strings.Builder
	b.WriteString("__generated_alias")
	b.WriteString(strings.ToLower(name))
	for i, x := range args {
		b.WriteString(strings.TrimLeft(x, "@"))
		if i < len(args)-1 {
			b.WriteByte(',')
		}
	}
	return b.String()
}

func (a *Aggregate) parseExprStep(args [][]byte, i int, apply bool) (int, error) {
	if i+1 >= len(args) {
		return 0, fmt.Errorf("Bad arguments for APPLY/FILTER: %s", acNoArg)
	}
	s := Step{Kind: StepFilter, Expr: string(args[i+1])}
	next := i + 2
	if apply {
		s.Kind, s.As = StepApply, s.Expr
		if next < len(args) && strings.EqualFold(string(args[next]), "AS") {
			if next+1 >= len(args) {
				return 0, errors.New("AS needs argument")
			}
			s.As = string(args[next+1])
			next += 2
		}
	}
	e, err := ParseExpr(s.Expr)
	if err != nil {
		return 0, err
	}
	s.Parsed = e
	a.Steps = append(a.Steps, s)
	return next, nil
}

func (a *Aggregate) parseLoad(args [][]byte, i int) (int, error) {
	if i+1 < len(args) && string(args[i+1]) == "*" {
		a.Steps = append(a.Steps, Step{Kind: StepLoad, LoadAll: true})
		return i + 2, nil
	}
	n, msg := unsigned(args, i+1, maxCount)
	if msg == "" && i+2+int(n) > len(args) {
		msg = acNoArg
	}
	if msg != "" {
		return 0, fmt.Errorf("Bad arguments for LOAD: %s", msg)
	}
	list := args[i+2 : i+2+int(n)]
	s := Step{Kind: StepLoad, Load: []LoadField{}}
	for j := 0; j < len(list); j++ {
		p := strings.TrimPrefix(string(list[j]), "@")
		f := LoadField{Path: p, Name: p}
		if j+1 < len(list) && strings.EqualFold(string(list[j+1]), "AS") {
			if j+2 >= len(list) {
				return 0, errors.New("LOAD path AS name - must be accompanied with NAME")
			}
			if strings.EqualFold(string(list[j+2]), "AS") {
				return 0, errors.New("Alias for LOAD cannot be `AS`")
			}
			f.Name = string(list[j+2])
			j += 2
		}
		s.Load = append(s.Load, f)
	}
	a.Steps = append(a.Steps, s)
	return i + 2 + int(n), nil
}
