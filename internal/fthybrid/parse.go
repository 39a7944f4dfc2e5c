package fthybrid

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/ftargs"
)

// Defaults RediSearch documents for FT.HYBRID.
const (
	DefaultK        = 10
	DefaultWindow   = 20
	DefaultConstant = 60.0
	DefaultLimit    = 10
	DefaultScorer   = "BM25STD"
	// DefaultAlpha and DefaultBeta weigh the text and the vector scores
	// of COMBINE LINEAR when ALPHA and BETA are not given (RediSearch
	// 8.4's hybrid_combine.c).
	DefaultAlpha = 0.3
	DefaultBeta  = 0.7
	// maxConstant bounds RRF's CONSTANT, as RediSearch does.
	maxConstant = 100000
)

// Reserved field names of a result.
const (
	KeyField   = "__key"
	ScoreField = "__score"
)

// distField is the name the vector search yields its distance under;
// vectorParam names an inline query vector among the PARAMS.
const (
	distField   = "__hybrid_distance"
	vectorParam = "__hybrid_vector"
)

// Method is a COMBINE method.
type Method uint8

// The fusion methods.
const (
	RRF Method = iota
	Linear
)

// LoadField is one LOAD field and the name it is shown under.
type LoadField struct {
	Name, As string
}

// Request is a parsed FT.HYBRID.
type Request struct {
	Index string
	// Query is SEARCH's query; Scorer scores it (BM25STD by default),
	// with ScorerArgs its parameters (SCORER 3 BM25STD 1.2 0.75), and
	// TextAlias (YIELD_SCORE_AS) shows the text score in each result.
	Query      string
	Scorer     string
	ScorerArgs []string
	TextAlias  string
	// Field is VSIM's vector field (without its @) and Vector the query
	// vector: a parameter's name (without its $), or VectorValue when the
	// vector is given inline.
	Field       string
	Vector      string
	VectorValue []byte
	// Range is RANGE (else KNN with K and EF, 0: the field's default).
	// EpsilonText is EPSILON as given.
	Range       bool
	K           int
	EF          int
	Radius      float64
	Epsilon     float64
	EpsilonText string
	HasEps      bool
	// VecAlias (VSIM's YIELD_SCORE_AS) shows the vector score.
	VecAlias string
	// Filter (VSIM's FILTER) restricts the vector search's documents;
	// Policy (ADHOC or BATCHES, "" when not given) and BatchSize (0: not
	// given) are its POLICY and BATCH_SIZE.
	Filter    string
	Policy    string
	BatchSize int
	// Method fuses the lists: RRF with Constant, LINEAR with Alpha and
	// Beta, both over the first Window results of each list. FusedAlias
	// names the fused score (__score by default).
	Method     Method
	Constant   float64
	Alpha      float64
	Beta       float64
	Window     int
	FusedAlias string
	// Pipeline is the post-fusion pipeline, FT.AGGREGATE's steps in the
	// order given: GROUPBY/REDUCE, APPLY, FILTER and the SORTBY/LIMIT
	// arrange steps (the last one with LIMIT's page, 0 10 by default).
	// NoSort keeps the fused order.
	Pipeline ftargs.Aggregate
	NoSort   bool
	// Load lists LOAD's fields (HasLoad), LoadAll is LOAD *.
	Load    []LoadField
	HasLoad bool
	LoadAll bool
	// needed are the document fields the pipeline reads that LOAD does
	// not show.
	needed []string
	// WithCursor is WITHCURSOR: the two lists are kept as cursors of
	// CursorCount rows a read (0: the default) idle for MaxIdle ms.
	WithCursor  bool
	CursorCount int64
	MaxIdle     int64
	// ExplainScore (EXPLAINSCORE) adds each result's score and how it was
	// fused; Format is FORMAT's STRING or EXPAND ("" when not given).
	ExplainScore bool
	Format       string
	// Params are PARAMS' name, value pairs, in order.
	Params     [][]byte
	Timeout    int64
	HasTimeout bool
}

// errf is a RediSearch-style error.
// dialectRefused is RediSearch 8.4's answer to DIALECT anywhere in
// FT.HYBRID: its queries are always read as DIALECT 2 (or the configured
// default when higher).
const dialectRefused = "DIALECT is not supported in FT.HYBRID or any of its subqueries. Please check the documentation on search-default-dialect configuration."

func errf(format string, a ...any) error { return errors.New(fmt.Sprintf(format, a...)) }

func eq(b []byte, s string) bool { return strings.EqualFold(string(b), s) }

// Parse reads FT.HYBRID's arguments after the command name: the index,
// the number of subqueries (2, optional), the SEARCH block, the VSIM
// block, then the options in any order.
func Parse(args [][]byte) (*Request, error) {
	if len(args) < 1 {
		return nil, errf("wrong number of arguments for 'FT.HYBRID' command")
	}
	r := &Request{Index: string(args[0]), K: DefaultK, Constant: DefaultConstant, Window: DefaultWindow,
		Alpha: DefaultAlpha, Beta: DefaultBeta}
	p := &parser{args: args, i: 1}
	if p.more() {
		if n, err := strconv.ParseUint(string(args[1]), 10, 32); err == nil {
			if n != 2 {
				return nil, errf("FT.HYBRID currently supports only two subqueries")
			}
			if p.i++; !p.peek("SEARCH") {
				return nil, errf("SEARCH keyword is required")
			}
		}
	}
	if err := p.search(r); err != nil {
		return nil, err
	}
	if err := p.vsim(r); err != nil {
		return nil, err
	}
	if err := p.tail(r); err != nil {
		return nil, err
	}
	if r.Vector != "" && r.param(r.Vector) == nil {
		return nil, errf("No such parameter `%s`", r.Vector)
	}
	if err := r.checkPipeline(); err != nil {
		return nil, err
	}
	return r, nil
}

// param returns the value of the parameter name, or nil.
func (r *Request) param(name string) []byte {
	for i := 0; i+1 < len(r.Params); i += 2 {
		if string(r.Params[i]) == name {
			return r.Params[i+1]
		}
	}
	return nil
}

type parser struct {
	args [][]byte
	i    int
}

func (p *parser) more() bool { return p.i < len(p.args) }

func (p *parser) peek(s string) bool { return p.more() && eq(p.args[p.i], s) }

// value returns the argument after option name, or an error.
func (p *parser) value(name string) ([]byte, error) {
	if p.i+1 >= len(p.args) {
		return nil, errf("Missing argument value for %s", name)
	}
	p.i += 2
	return p.args[p.i-1], nil
}

func (p *parser) intValue(name string, min int64) (int64, error) {
	v, err := p.value(name)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || n < min || n > math.MaxInt32 {
		return 0, errf("Invalid %s value", name)
	}
	return n, nil
}

func (p *parser) floatValue(name string) (float64, error) {
	v, err := p.value(name)
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, errf("Invalid %s value", name)
	}
	return f, nil
}

// count reads a block's argument count after its keyword (a positive
// even number: the block is key, value pairs) and returns the block's
// arguments.
func (p *parser) count() ([][]byte, error) {
	p.i++
	if !p.more() {
		return nil, errf("Missing argument count")
	}
	n, err := strconv.ParseUint(string(p.args[p.i]), 10, 31)
	if err != nil {
		return nil, errf("Invalid argument count: expected an unsigned integer")
	}
	if n == 0 || n%2 != 0 {
		return nil, errf("Invalid argument count: %d (must be a positive even number for key/value pairs)", n)
	}
	p.i++
	if left := len(p.args) - p.i; uint64(left) < n {
		verb := "were"
		if left == 1 {
			verb = "was"
		}
		return nil, errf("Expected arguments %d, but %d %s provided", n, left, verb)
	}
	block := p.args[p.i : p.i+int(n)]
	p.i += int(n)
	return block, nil
}

func (p *parser) search(r *Request) error {
	if !p.peek("SEARCH") {
		return errf("SEARCH argument is required")
	}
	if p.i+1 >= len(p.args) {
		return errf("No query string provided for SEARCH")
	}
	q := p.args[p.i+1]
	p.i += 2
	r.Query = string(q)
	for p.more() {
		switch {
		case p.peek("SCORER"):
			if err := p.scorer(r); err != nil {
				return err
			}
		case p.peek("YIELD_SCORE_AS"):
			v, err := p.value("YIELD_SCORE_AS")
			if err != nil {
				return err
			}
			r.TextAlias = string(v)
		case p.peek("VSIM"):
			return nil
		case p.peek("DIALECT"):
			return errf(dialectRefused)
		default:
			return errf("Unknown argument `%s` in SEARCH", p.args[p.i])
		}
	}
	return nil
}

func (p *parser) vsim(r *Request) error {
	if !p.peek("VSIM") {
		return errf("VSIM argument is required")
	}
	if p.i+1 >= len(p.args) {
		return errf("Missing vector field name")
	}
	field := string(p.args[p.i+1])
	if !strings.HasPrefix(field, "@") || len(field) == 1 {
		return errf("Missing @ prefix for vector field name")
	}
	if p.i+2 >= len(p.args) {
		return errf("Missing vector argument")
	}
	vec := p.args[p.i+2]
	p.i += 3
	r.Field = field[1:]
	if len(vec) > 1 && vec[0] == '$' {
		r.Vector = string(vec[1:])
	} else {
		r.VectorValue = vec
	}
	seenMode := false
	for p.more() {
		switch {
		case p.peek("KNN") || p.peek("RANGE"):
			if seenMode {
				return errf("Duplicate KNN or RANGE argument")
			}
			seenMode = true
			var err error
			if p.peek("KNN") {
				err = p.knn(r)
			} else {
				err = p.rangeBlock(r)
			}
			if err != nil {
				return err
			}
		case p.peek("FILTER"):
			if err := p.vsimFilter(r); err != nil {
				return err
			}
		case p.peek("YIELD_SCORE_AS"):
			v, err := p.value("YIELD_SCORE_AS")
			if err != nil {
				return err
			}
			r.VecAlias = string(v)
		default:
			return nil
		}
	}
	return nil
}

// pairs reads a counted block of name, value pairs (KNN, RANGE and
// COMBINE's method): each name upper-cased, given once at most, passed
// with its value to set.
func pairs(block [][]byte, set func(name string, v []byte) error) error {
	seen := map[string]bool{}
	for len(block) > 0 {
		if len(block) < 2 {
			return errf("Missing argument value for %s", block[0])
		}
		name := strings.ToUpper(string(block[0]))
		if seen[name] {
			return errf("Duplicate %s argument", name)
		}
		seen[name] = true
		if err := set(name, block[1]); err != nil {
			return err
		}
		block = block[2:]
	}
	return nil
}

// positive reads a count of at least 1 (K, EF_RUNTIME, WINDOW).
func positive(name string, v []byte) (int, error) {
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || n < 1 || n > math.MaxInt32 {
		return 0, errf("Invalid %s value", name)
	}
	return int(n), nil
}

func (p *parser) knn(r *Request) error {
	block, err := p.count()
	if err != nil {
		return err
	}
	hasK := false
	err = pairs(block, func(name string, v []byte) (err error) {
		switch name {
		case "K":
			r.K, err = positive(name, v)
			hasK = true
		case "EF_RUNTIME":
			r.EF, err = positive(name, v)
		case "YIELD_SCORE_AS":
			r.VecAlias = string(v)
		default:
			return errf("Unknown argument `%s` in KNN", name)
		}
		return err
	})
	if err == nil && !hasK {
		err = errf("Missing required argument K")
	}
	return err
}

func (p *parser) rangeBlock(r *Request) error {
	block, err := p.count()
	if err != nil {
		return err
	}
	r.Range = true
	hasRadius := false
	err = pairs(block, func(name string, v []byte) error {
		switch name {
		case "RADIUS", "EPSILON":
			f, err := strconv.ParseFloat(string(v), 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || name == "EPSILON" && f == 0 {
				return errf("Invalid %s value", name)
			}
			if name == "RADIUS" {
				r.Radius, hasRadius = f, true
			} else {
				r.Epsilon, r.EpsilonText, r.HasEps = f, string(v), true
			}
		case "YIELD_SCORE_AS":
			r.VecAlias = string(v)
		default:
			return errf("Unknown argument `%s` in RANGE", name)
		}
		return nil
	})
	if err == nil && !hasRadius {
		err = errf("Missing required argument RADIUS")
	}
	return err
}

// scorer reads SEARCH's SCORER: a scorer's name, or a count of what
// follows, the name and its parameters (SCORER 3 BM25STD 1.2 0.75).
func (p *parser) scorer(r *Request) error {
	v, err := p.value("SCORER")
	if err != nil {
		return err
	}
	n, err := strconv.ParseUint(string(v), 10, 31)
	if err != nil {
		r.Scorer = strings.ToUpper(string(v))
		return nil
	}
	if n == 0 || uint64(len(p.args)-p.i) < n {
		return errf("Bad arguments for SCORER: expected %d arguments after the count", n)
	}
	block := p.args[p.i : p.i+int(n)]
	p.i += int(n)
	r.Scorer = strings.ToUpper(string(block[0]))
	for _, a := range block[1:] {
		r.ScorerArgs = append(r.ScorerArgs, string(a))
	}
	return checkScorerArgs(r.Scorer, r.ScorerArgs)
}

// vsimFilter reads VSIM's FILTER: an expression, or a count of what
// follows, the expression and its POLICY ADHOC|BATCHES and BATCH_SIZE.
func (p *parser) vsimFilter(r *Request) error {
	p.i++
	if !p.more() {
		return errf("Missing argument count for FILTER")
	}
	n, err := strconv.ParseUint(string(p.args[p.i]), 10, 31)
	if err != nil {
		r.Filter = string(p.args[p.i])
		p.i++
		return nil
	}
	p.i++
	if left := len(p.args) - p.i; uint64(left) < n {
		return errf("Not enough arguments in FILTER, specified %d but provided only %d", n, left)
	}
	block := p.args[p.i : p.i+int(n)]
	p.i += int(n)
	if len(block) == 0 {
		return errf("Missing filter-expression for FILTER")
	}
	r.Filter = string(block[0])
	seen := map[string]bool{}
	for block = block[1:]; len(block) > 0; block = block[2:] {
		name := strings.ToUpper(string(block[0]))
		if name != "POLICY" && name != "BATCH_SIZE" {
			return errf("Unknown argument `%s` in FILTER", block[0])
		}
		if len(block) < 2 {
			return errf("Missing argument value for %s", name)
		}
		if seen[name] {
			return errf("Duplicate %s argument", name)
		}
		seen[name] = true
		v := strings.ToUpper(string(block[1]))
		if name == "POLICY" {
			if v != "ADHOC" && v != "BATCHES" {
				return errf("Bad value for POLICY: %s (allowed: ADHOC, BATCHES)", block[1])
			}
			r.Policy = v
			continue
		}
		if r.BatchSize, err = positive(name, block[1]); err != nil {
			return err
		}
	}
	return nil
}
