package fthybrid

import (
	"math"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/ftargs"
)

// The options after the VSIM block: COMBINE, the post-fusion pipeline
// (GROUPBY/REDUCE, APPLY, FILTER, SORTBY, LIMIT), LOAD, WITHCURSOR,
// EXPLAINSCORE, FORMAT, PARAMS, TIMEOUT.

// tail reads the options after the VSIM block.
func (p *parser) tail(r *Request) error {
	seen := map[string]bool{}
	for p.more() {
		opt := strings.ToUpper(string(p.args[p.i]))
		once := func() error {
			if seen[opt] {
				return errf("Duplicate %s argument", opt)
			}
			seen[opt] = true
			return nil
		}
		var err error
		switch opt {
		case "COMBINE":
			if err = once(); err == nil {
				err = p.combine(r)
			}
		case "YIELD_SCORE_AS":
			var v []byte
			if v, err = p.value(opt); err == nil {
				r.FusedAlias = string(v)
			}
		case "LIMIT":
			if err = once(); err != nil {
				break
			}
			if p.i+2 >= len(p.args) {
				return errf("Missing argument value for LIMIT")
			}
			off, e1 := strconv.ParseInt(string(p.args[p.i+1]), 10, 64)
			if e1 != nil || off < 0 || off > math.MaxInt32 {
				return errf("LIMIT offset must be a non-negative integer")
			}
			num, e2 := strconv.ParseInt(string(p.args[p.i+2]), 10, 64)
			if e2 != nil || num < 0 || num > math.MaxInt32 {
				return errf("LIMIT count must be a non-negative integer")
			}
			if num == 0 && off != 0 {
				return errf("The `offset` of the LIMIT must be 0 when `num` is 0")
			}
			s := r.Pipeline.Arrange()
			s.HasLimit, s.Offset, s.Num = true, off, num
			p.i += 3
		case "SORTBY":
			if err = once(); err == nil {
				err = p.sortBy(r)
			}
		case "GROUPBY", "APPLY", "FILTER":
			p.i, err = r.Pipeline.ParseStep(p.args, p.i)
		case "WITHCURSOR":
			if err = once(); err == nil {
				err = p.withCursor(r)
			}
		case "EXPLAINSCORE":
			r.ExplainScore = true
			p.i++
		case "FORMAT":
			var v []byte
			if v, err = p.value(opt); err == nil {
				r.Format = strings.ToUpper(string(v))
				if r.Format != "STRING" && r.Format != "EXPAND" {
					return errf("Bad value for FORMAT: %s (allowed: STRING, EXPAND)", v)
				}
			}
		case "NOSORT":
			r.NoSort = true
			p.i++
		case "LOAD":
			if err = once(); err == nil {
				err = p.load(r)
			}
		case "PARAMS":
			if err = once(); err != nil {
				break
			}
			var block [][]byte
			if block, err = p.countAny(opt); err == nil {
				if len(block)%2 != 0 || len(block) == 0 {
					return errf("Parameters must be specified in PARAM VALUE pairs")
				}
				r.Params = block
			}
		case "TIMEOUT":
			var n int64
			if n, err = p.intValue(opt, 0); err == nil {
				r.Timeout, r.HasTimeout = n, true
			}
		case "DIALECT":
			// Read as a number first, as RediSearch does, then refused.
			if _, err = p.intValue(opt, 1); err == nil {
				err = errf(dialectRefused)
			}
		case "SCORER":
			return errf("SCORER belongs to the SEARCH block of FT.HYBRID")
		default:
			return errf("Unknown argument `%s`", p.args[p.i])
		}
		if err != nil {
			return err
		}
	}
	if seen["SORTBY"] && r.NoSort {
		return errf("NOSORT is not allowed with SORTBY")
	}
	if r.VectorValue != nil {
		if r.param(vectorParam) == nil {
			r.Params = append(r.Params, []byte(vectorParam), r.VectorValue)
		}
		r.Vector = vectorParam
	}
	return nil
}

func (p *parser) combine(r *Request) error {
	p.i++
	if !p.more() {
		return errf("Missing argument value for COMBINE")
	}
	switch {
	case p.peek("RRF"):
		r.Method = RRF
	case p.peek("LINEAR"):
		r.Method = Linear
	default:
		return errf("Unknown COMBINE method `%s`", p.args[p.i])
	}
	method := strings.ToUpper(string(p.args[p.i]))
	block, err := p.methodCount(method)
	if err != nil {
		return err
	}
	hasAlpha, hasBeta := false, false
	err = pairs(block, func(name string, b []byte) error {
		v := string(b)
		switch {
		case name == "WINDOW":
			n, err := positive(name, b)
			r.Window = n
			return err
		case name == "YIELD_SCORE_AS":
			r.FusedAlias = v
		case name == "CONSTANT" && r.Method == RRF:
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(f) || f < 0 || f > maxConstant {
				return errf("Invalid CONSTANT value")
			}
			r.Constant = f
		case (name == "ALPHA" || name == "BETA") && r.Method == Linear:
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return errf("Invalid %s value", name)
			}
			if name == "ALPHA" {
				r.Alpha, hasAlpha = f, true
			} else {
				r.Beta, hasBeta = f, true
			}
		default:
			return errf("Unknown argument `%s` in %s", name, method)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if hasAlpha != hasBeta {
		missing := "ALPHA"
		if hasAlpha {
			missing = "BETA"
		}
		return errf("Missing value for %s", missing)
	}
	return nil
}

// methodCount reads COMBINE method's count of name, value arguments and
// returns them, with RediSearch's texts for COMBINE.
func (p *parser) methodCount(method string) ([][]byte, error) {
	p.i++
	if !p.more() {
		return nil, errf("Missing %s argument count", method)
	}
	n, err := strconv.ParseUint(string(p.args[p.i]), 10, 31)
	switch {
	case err != nil:
		return nil, errf("Invalid %s argument count, error: Could not convert argument to expected type", method)
	case n == 0:
		return nil, errf("Explicitly specifying %s requires at least one argument, argument count must be positive", method)
	case n%2 != 0:
		return nil, errf("%s expects pairs of key value arguments, argument count must be an even number", method)
	}
	p.i++
	if left := len(p.args) - p.i; uint64(left) < n {
		return nil, errf("Not enough arguments in %s, specified %d but provided only %d", method, n, left)
	}
	block := p.args[p.i : p.i+int(n)]
	p.i += int(n)
	return block, nil
}

func (p *parser) sortBy(r *Request) error {
	block, err := p.countAny("SORTBY")
	if err != nil {
		return err
	}
	if len(block) == 0 {
		return errf("SORTBY: no fields given")
	}
	var keys []ftargs.SortKey
	for len(block) > 0 {
		name := strings.TrimPrefix(string(block[0]), "@")
		if name == "" || eq(block[0], "ASC") || eq(block[0], "DESC") {
			return errf("SORTBY: bad field name `%s`", block[0])
		}
		k := ftargs.SortKey{Field: name}
		block = block[1:]
		if len(block) > 0 && (eq(block[0], "ASC") || eq(block[0], "DESC")) {
			k.Desc = eq(block[0], "DESC")
			block = block[1:]
		}
		keys = append(keys, k)
	}
	// SORTBY 1 field DESC: the order may follow the counted field.
	if p.peek("ASC") || p.peek("DESC") {
		keys[len(keys)-1].Desc = p.peek("DESC")
		p.i++
	}
	r.Pipeline.Arrange().Sort = keys
	return nil
}

// withCursor reads WITHCURSOR [COUNT n] [MAXIDLE ms].
func (p *parser) withCursor(r *Request) error {
	r.WithCursor = true
	p.i++
	for p.peek("COUNT") || p.peek("MAXIDLE") {
		name := strings.ToUpper(string(p.args[p.i]))
		n, err := p.intValue(name, 1)
		if err != nil {
			return errf("Bad arguments for %s: Value is outside acceptable bounds", name)
		}
		if name == "COUNT" {
			r.CursorCount = n
		} else {
			r.MaxIdle = n
		}
	}
	return nil
}

func (p *parser) load(r *Request) error {
	if p.i+1 < len(p.args) && string(p.args[p.i+1]) == "*" {
		r.LoadAll, r.HasLoad = true, true
		p.i += 2
		return nil
	}
	block, err := p.countAny("LOAD")
	if err != nil {
		return err
	}
	if len(block) == 0 {
		return errf("LOAD: no fields given")
	}
	r.HasLoad = true
	for len(block) > 0 {
		name := strings.TrimPrefix(string(block[0]), "@")
		if name == "" {
			return errf("LOAD: empty field name")
		}
		f := LoadField{Name: name, As: name}
		block = block[1:]
		if len(block) > 0 && eq(block[0], "AS") {
			if len(block) < 2 {
				return errf("LOAD: AS needs a name")
			}
			f.As = string(block[1])
			block = block[2:]
		}
		r.Load = append(r.Load, f)
	}
	return nil
}

// countAny reads a counted list (LOAD, SORTBY, PARAMS) after option name,
// of any length.
func (p *parser) countAny(name string) ([][]byte, error) {
	n, err := p.intValue(name, 0)
	if err != nil {
		return nil, errf("Bad arguments for %s: Could not convert argument to expected type", name)
	}
	if int64(len(p.args)-p.i) < n {
		return nil, errf("Bad arguments for %s: Expected an argument, but none provided", name)
	}
	block := p.args[p.i : p.i+int(n)]
	p.i += int(n)
	return block, nil
}
