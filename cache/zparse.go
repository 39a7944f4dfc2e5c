package cache

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// Sorted-set argument parsing and score formatting, as Redis reads and
// writes them: scores are C doubles (strtod's syntax), ranges take a "("
// prefix for an exclusive bound, lexicographic ranges are "[x", "(x", "-"
// and "+".

// Sorted-set errors.
var (
	ErrScoreNaN     = errors.New("resulting score is not a number (NaN)")
	ErrMinMaxFloat  = errors.New("min or max is not a float")
	ErrMinMaxLex    = errors.New("min or max not valid string range item")
	ErrWeightFloat  = errors.New("weight value is not a float")
	ErrNotPositive  = errors.New("value is out of range, must be positive")
	ErrNumKeysZero  = errors.New("numkeys should be greater than 0")
	ErrCountZero    = errors.New("count should be greater than 0")
	ErrLimitNegativ = errors.New("LIMIT can't be negative")
)

// ScoreRange is a score interval; MinEx/MaxEx make a bound exclusive.
type ScoreRange struct {
	Min, Max     float64
	MinEx, MaxEx bool
}

func (r ScoreRange) aboveMin(s float64) bool {
	if r.MinEx {
		return s > r.Min
	}
	return s >= r.Min
}

func (r ScoreRange) belowMax(s float64) bool {
	if r.MaxEx {
		return s < r.Max
	}
	return s <= r.Max
}

func (r ScoreRange) empty() bool {
	return r.Min > r.Max || (r.Min == r.Max && (r.MinEx || r.MaxEx))
}

// LexBound is one end of a lexicographic range: Inf -1 is "-" (before
// every member), +1 is "+" (after every member), 0 is the string S,
// exclusive when Ex.
type LexBound struct {
	S   string
	Ex  bool
	Inf int
}

// LexRange is a lexicographic interval of members.
type LexRange struct{ Min, Max LexBound }

// lexCmp compares member m with bound b.
func lexCmp(m string, b LexBound) int {
	if b.Inf != 0 {
		return -b.Inf
	}
	return strings.Compare(m, b.S)
}

func (r LexRange) aboveMin(m string) bool {
	c := lexCmp(m, r.Min)
	return c > 0 || (c == 0 && !r.Min.Ex)
}

func (r LexRange) belowMax(m string) bool {
	c := lexCmp(m, r.Max)
	return c < 0 || (c == 0 && !r.Max.Ex)
}

func (r LexRange) empty() bool {
	a, b := r.Min, r.Max
	var c int
	switch {
	case a.Inf != 0 || b.Inf != 0:
		if a.Inf == b.Inf {
			return true // "- -" and "+ +" hold nothing
		}
		if a.Inf == 1 || b.Inf == -1 {
			return true
		}
		return false
	default:
		c = strings.Compare(a.S, b.S)
	}
	return c > 0 || (c == 0 && (a.Ex || b.Ex))
}

// ParseScore reads a score (ZADD, ZINCRBY): a finite or infinite double
// in strtod's syntax, the whole argument, no leading space, no NaN, no
// overflow and no underflow to zero.
func ParseScore(b []byte) (float64, error) {
	s := string(b)
	if s == "" || isCSpace(s[0]) {
		return 0, ErrNotFloat
	}
	v, ok := strtod(s, false)
	if !ok {
		return 0, ErrNotFloat
	}
	return v, nil
}

// ParseScoreRange reads a score range's bounds (ZRANGEBYSCORE min max).
func ParseScoreRange(min, max []byte) (ScoreRange, error) {
	var r ScoreRange
	var ok1, ok2 bool
	r.Min, r.MinEx, ok1 = parseScoreBound(string(min))
	r.Max, r.MaxEx, ok2 = parseScoreBound(string(max))
	if !ok1 || !ok2 {
		return ScoreRange{}, ErrMinMaxFloat
	}
	return r, nil
}

func parseScoreBound(s string) (float64, bool, bool) {
	ex := false
	if strings.HasPrefix(s, "(") {
		ex, s = true, s[1:]
	}
	// strtod as zslParseRange calls it: leading space allowed, nothing
	// (or a NUL) after the number, an empty string is 0, overflow is inf.
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	if s == "" {
		return 0, ex, true
	}
	v, ok := strtod(s, true)
	return v, ex, ok
}

// ParseLexRange reads a lexicographic range's bounds.
func ParseLexRange(min, max []byte) (LexRange, error) {
	a, ok1 := parseLexBound(min)
	b, ok2 := parseLexBound(max)
	if !ok1 || !ok2 {
		return LexRange{}, ErrMinMaxLex
	}
	return LexRange{Min: a, Max: b}, nil
}

func parseLexBound(b []byte) (LexBound, bool) {
	if len(b) == 0 {
		return LexBound{}, false
	}
	switch b[0] {
	case '+', '-':
		if len(b) != 1 {
			return LexBound{}, false
		}
		if b[0] == '+' {
			return LexBound{Inf: 1, Ex: true}, true
		}
		return LexBound{Inf: -1, Ex: true}, true
	case '(':
		return LexBound{S: string(b[1:]), Ex: true}, true
	case '[':
		return LexBound{S: string(b[1:])}, true
	}
	return LexBound{}, false
}

func isCSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

// strtod reads the whole of s as C's strtod would (decimal or hex, inf,
// infinity), refusing NaN; overflow to infinity is allowed only when
// allowRange, and underflow to zero never.
func strtod(s string, allowRange bool) (float64, bool) {
	if strings.IndexByte(s, '_') >= 0 {
		return 0, false
	}
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 {
		return 0, false
	}
	if len(body) > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X') && !strings.ContainsAny(body, "pP") {
		s += "p0"
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if allowRange && errors.As(err, &ne) && ne.Err == strconv.ErrRange && math.IsInf(v, 0) {
			return v, true
		}
		return 0, false
	}
	if math.IsNaN(v) {
		return 0, false
	}
	if v == 0 && nonZeroMantissa(body) {
		return 0, allowRange
	}
	return v, true
}

// nonZeroMantissa reports whether a number's digits before its exponent
// are not all zero (so a zero result is an underflow).
func nonZeroMantissa(s string) bool {
	hex := len(s) > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')
	if hex {
		s = s[2:]
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case !hex && (c == 'e' || c == 'E'), hex && (c == 'p' || c == 'P'):
			return false
		case c >= '1' && c <= '9', hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')):
			return true
		}
	}
	return false
}

// FormatScore formats a score as Redis 7.0 replies with it: "inf",
// "-inf", or C's %.17g.
func FormatScore(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', 17, 64)
}

// AppendScore appends FormatScore(f) to b.
func AppendScore(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	}
	return strconv.AppendFloat(b, f, 'g', 17, 64)
}
