package fthybrid

import (
	"math"
	"strconv"
	"strings"
)

// The options after the VSIM block: COMBINE, LIMIT, SORTBY, LOAD, PARAMS,
// TIMEOUT.

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
			num, e2 := strconv.ParseInt(string(p.args[p.i+2]), 10, 64)
			if e1 != nil || e2 != nil || off < 0 || num < 0 || off > math.MaxInt32 || num > math.MaxInt32 {
				return errf("LIMIT: Invalid offset or number")
			}
			r.Offset, r.Num = int(off), int(num)
			p.i += 3
		case "SORTBY":
			if err = once(); err == nil {
				err = p.sortBy(r)
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
			_, err = p.intValue(opt, 2)
		case "GROUPBY", "APPLY", "FILTER", "REDUCE", "WITHCURSOR", "EXPLAINSCORE", "FORMAT", "SCORER":
			return errf("%s after VSIM is not supported by vcache's FT.HYBRID", opt)
		default:
			return errf("Unknown argument `%s`", p.args[p.i])
		}
		if err != nil {
			return err
		}
	}
	if len(r.SortBy) > 0 && r.NoSort {
		return errf("NOSORT and SORTBY are mutually exclusive")
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
	block, err := p.count()
	if err != nil {
		return err
	}
	hasAlpha, hasBeta := false, false
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
		switch {
		case name == "WINDOW":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 || n > math.MaxInt32 {
				return errf("Invalid WINDOW value")
			}
			r.Window = int(n)
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

func (p *parser) sortBy(r *Request) error {
	block, err := p.countAny("SORTBY")
	if err != nil {
		return err
	}
	if len(block) == 0 {
		return errf("SORTBY: no fields given")
	}
	for len(block) > 0 {
		name := strings.TrimPrefix(string(block[0]), "@")
		if name == "" || eq(block[0], "ASC") || eq(block[0], "DESC") {
			return errf("SORTBY: bad field name `%s`", block[0])
		}
		k := SortKey{Field: name}
		block = block[1:]
		if len(block) > 0 && (eq(block[0], "ASC") || eq(block[0], "DESC")) {
			k.Desc = eq(block[0], "DESC")
			block = block[1:]
		}
		r.SortBy = append(r.SortBy, k)
	}
	// SORTBY 1 field DESC: the order may follow the counted field.
	if p.peek("ASC") || p.peek("DESC") {
		r.SortBy[len(r.SortBy)-1].Desc = p.peek("DESC")
		p.i++
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
