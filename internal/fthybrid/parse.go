package fthybrid

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Defaults RediSearch documents for FT.HYBRID.
const (
	DefaultK        = 10
	DefaultWindow   = 20
	DefaultConstant = 60.0
	DefaultLimit    = 10
	DefaultScorer   = "BM25STD"
	// DefaultAlpha and DefaultBeta weigh the text and the vector scores
	// of COMBINE LINEAR when ALPHA and BETA are not given.
	DefaultAlpha = 0.5
	DefaultBeta  = 0.5
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

// SortKey is one SORTBY field.
type SortKey struct {
	Field string
	Desc  bool
}

// Request is a parsed FT.HYBRID.
type Request struct {
	Index string
	// Query is SEARCH's query; Scorer scores it (BM25STD by default) and
	// TextAlias (YIELD_SCORE_AS) shows the text score in each result.
	Query     string
	Scorer    string
	TextAlias string
	// Field is VSIM's vector field (without its @) and Vector the query
	// vector: a parameter's name (without its $), or VectorValue when the
	// vector is given inline.
	Field       string
	Vector      string
	VectorValue []byte
	// Range is RANGE (else KNN with K and EF, 0: the field's default).
	Range   bool
	K       int
	EF      int
	Radius  float64
	Epsilon float64
	HasEps  bool
	// VecAlias (VSIM's YIELD_SCORE_AS) shows the vector distance.
	VecAlias string
	// Filter (VSIM's FILTER) restricts the vector search's documents.
	Filter string
	// Method fuses the lists: RRF with Constant, LINEAR with Alpha and
	// Beta, both over the first Window results of each list. FusedAlias
	// names the fused score (__score by default).
	Method     Method
	Constant   float64
	Alpha      float64
	Beta       float64
	Window     int
	FusedAlias string
	// Offset and Num are LIMIT's; SortBy (SORTBY) orders the fused
	// results by fields instead of by score; NoSort keeps the fused
	// order.
	Offset, Num int
	SortBy      []SortKey
	NoSort      bool
	// Load lists LOAD's fields (HasLoad), LoadAll is LOAD *.
	Load    []LoadField
	HasLoad bool
	LoadAll bool
	// Params are PARAMS' name, value pairs, in order.
	Params     [][]byte
	Timeout    int64
	HasTimeout bool
}

// errf is a RediSearch-style error.
func errf(format string, a ...any) error { return errors.New(fmt.Sprintf(format, a...)) }

func eq(b []byte, s string) bool { return strings.EqualFold(string(b), s) }

// Parse reads FT.HYBRID's arguments after the command name: the index,
// the SEARCH block, the VSIM block, then the options in any order.
func Parse(args [][]byte) (*Request, error) {
	if len(args) < 1 {
		return nil, errf("wrong number of arguments for 'FT.HYBRID' command")
	}
	r := &Request{Index: string(args[0]), K: DefaultK, Constant: DefaultConstant, Window: DefaultWindow,
		Alpha: DefaultAlpha, Beta: DefaultBeta, Num: DefaultLimit}
	p := &parser{args: args, i: 1}
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
			v, err := p.value("SCORER")
			if err != nil {
				return err
			}
			r.Scorer = strings.ToUpper(string(v))
		case p.peek("YIELD_SCORE_AS"):
			v, err := p.value("YIELD_SCORE_AS")
			if err != nil {
				return err
			}
			r.TextAlias = string(v)
		case p.peek("VSIM"):
			return nil
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
			v, err := p.value("FILTER")
			if err != nil {
				return err
			}
			r.Filter = string(v)
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

func (p *parser) knn(r *Request) error {
	block, err := p.count()
	if err != nil {
		return err
	}
	hasK := false
	seen := map[string]bool{}
	for len(block) > 0 {
		if len(block) < 2 {
			return errf("Missing argument value for %s", block[0])
		}
		name, v := strings.ToUpper(string(block[0])), block[1]
		block = block[2:]
		if seen[name] {
			return errf("Duplicate %s argument", name)
		}
		seen[name] = true
		switch name {
		case "K":
			n, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil || n < 1 || n > math.MaxInt32 {
				return errf("Invalid K value")
			}
			r.K, hasK = int(n), true
		case "EF_RUNTIME":
			n, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil || n < 1 || n > math.MaxInt32 {
				return errf("Invalid EF_RUNTIME value")
			}
			r.EF = int(n)
		case "YIELD_SCORE_AS":
			r.VecAlias = string(v)
		default:
			return errf("Unknown argument `%s` in KNN", name)
		}
	}
	if !hasK {
		return errf("Missing required argument K")
	}
	return nil
}

func (p *parser) rangeBlock(r *Request) error {
	block, err := p.count()
	if err != nil {
		return err
	}
	r.Range = true
	hasRadius := false
	seen := map[string]bool{}
	for len(block) > 0 {
		if len(block) < 2 {
			return errf("Missing argument value for %s", block[0])
		}
		name, v := strings.ToUpper(string(block[0])), string(block[1])
		block = block[2:]
		if seen[name] {
			return errf("Duplicate %s argument", name)
		}
		seen[name] = true
		switch name {
		case "RADIUS", "EPSILON":
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
				return errf("Invalid %s value", name)
			}
			if name == "RADIUS" {
				r.Radius, hasRadius = f, true
			} else {
				r.Epsilon, r.HasEps = f, true
			}
		case "YIELD_SCORE_AS":
			r.VecAlias = v
		default:
			return errf("Unknown argument `%s` in RANGE", name)
		}
	}
	if !hasRadius {
		return errf("Missing required argument RADIUS")
	}
	return nil
}
