package ftargs

import (
	"math"
	"strconv"
	"strings"
)

// Argument cursor errors, worded as RediSearch's argument parser words
// them ("Bad arguments for RETURN: ...").
const (
	acParse  = "Could not convert argument to expected type"
	acNoArg  = "Expected an argument, but none provided"
	acLimit  = "Value is outside acceptable bounds"
	maxCount = math.MaxUint32
)

// parseInt reads an integer as RediSearch's argument parser does: a
// decimal integer, or a number with no fractional part ("3.0", "1e2");
// with coalesce, any number, truncated. ok is false when it is none.
func parseInt(s string, coalesce bool) (n int64, ok bool) {
	if s == "" {
		return 0, true // strtoll reads "" as 0
	}
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	if strings.ContainsRune(t, '_') {
		return 0, false
	}
	if n, err := strconv.ParseInt(t, 10, 64); err == nil && n != math.MinInt64 && n != math.MaxInt64 {
		return n, true
	}
	f, ok := parseDouble(t)
	if !ok || math.IsNaN(f) || f >= math.MaxInt64 || f < math.MinInt64 {
		return 0, false
	}
	if !coalesce && math.Trunc(f) != f {
		return 0, false
	}
	return int64(f), true
}

// parseDouble reads a finite or NaN double as strtod does (whole string).
func parseDouble(s string) (float64, bool) {
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	if t == "" || strings.ContainsRune(t, '_') {
		return 0, false
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// unsigned reads a count: a missing, unreadable or negative one is an
// argument cursor error.
func unsigned(args [][]byte, i int, max int64) (int64, string) {
	if i >= len(args) {
		return 0, acNoArg
	}
	n, ok := parseInt(string(args[i]), false)
	if !ok {
		return 0, acParse
	}
	if n < 0 || n > max {
		return 0, acLimit
	}
	return n, ""
}
