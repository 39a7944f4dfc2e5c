package ftargs

import (
	"math"
	"strings"
	"time"
)

// exprFunc is one function of the expression language and its arity (max
// -1: any number).
type exprFunc struct {
	min, max int
	fn       func(args []Value) (Value, error)
}

var exprFuncs map[string]exprFunc

func init() {
	exprFuncs = map[string]exprFunc{
		"lower":      {1, 1, strFunc(strings.ToLower)},
		"upper":      {1, 1, strFunc(strings.ToUpper)},
		"strlen":     {1, 1, func(a []Value) (Value, error) { return strlenOf(a[0]), nil }},
		"substr":     {3, 3, substr},
		"format":     {1, -1, format},
		"split":      {1, 3, split},
		"contains":   {2, 2, contains},
		"startswith": {2, 2, startsWith},
		"exists":     {1, 1, func(a []Value) (Value, error) { return boolNum(a[0].Kind != Null), nil }},
		"abs":        {1, 1, mathFunc(math.Abs)},
		"floor":      {1, 1, mathFunc(math.Floor)},
		"ceil":       {1, 1, mathFunc(math.Ceil)},
		"sqrt":       {1, 1, mathFunc(math.Sqrt)},
		"log":        {1, 1, mathFunc(math.Log)},
		"log2":       {1, 1, mathFunc(math.Log2)},
		"log10":      {1, 1, mathFunc(math.Log10)},
		"exp":        {1, 1, mathFunc(math.Exp)},
		"timefmt":    {1, 2, timefmt},
		"parsetime":  {2, 2, parsetime},
		"day":        {1, 1, timeFunc(func(t time.Time) float64 { return unix(trunc(t, 0, 0, true)) })},
		"hour":       {1, 1, timeFunc(func(t time.Time) float64 { return unix(t.Truncate(time.Hour)) })},
		"minute":     {1, 1, timeFunc(func(t time.Time) float64 { return unix(t.Truncate(time.Minute)) })},
		"month":      {1, 1, timeFunc(func(t time.Time) float64 { return unix(trunc(t, 0, 1, false)) })},
		"year":       {1, 1, timeFunc(func(t time.Time) float64 { return float64(t.Year()) })},
		"dayofweek":  {1, 1, timeFunc(func(t time.Time) float64 { return float64(t.Weekday()) })},
		"dayofmonth": {1, 1, timeFunc(func(t time.Time) float64 { return float64(t.Day()) })},
		"dayofyear":  {1, 1, timeFunc(func(t time.Time) float64 { return float64(t.YearDay() - 1) })},
		"monthofyear": {1, 1, timeFunc(func(t time.Time) float64 {
			return float64(t.Month() - 1)
		})},
	}
}

func strFunc(f func(string) string) func([]Value) (Value, error) {
	return func(a []Value) (Value, error) {
		if a[0].Kind == Null {
			return Value{}, nil
		}
		return Str(f(a[0].String())), nil
	}
}

func strlenOf(v Value) Value {
	if v.Kind == Null {
		return Num(0)
	}
	return Num(float64(len(v.String())))
}

func substr(a []Value) (Value, error) {
	if a[0].Kind == Null {
		return Value{}, nil
	}
	s := a[0].String()
	off, ok1 := a[1].ToNumber()
	n, ok2 := a[2].ToNumber()
	if !ok1 || !ok2 {
		return Value{}, ErrNotNumeric
	}
	o, l := int(off), int(n)
	if o < 0 {
		o += len(s)
	}
	o = max(0, min(o, len(s)))
	if l < 0 {
		l = len(s) - o + l
	}
	l = max(0, l)
	return Str(s[o:min(o+l, len(s))]), nil
}

func format(a []Value) (Value, error) {
	f := a[0].String()
	var b strings.Builder
	next := 1
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 >= len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		switch f[i] {
		case '%':
			b.WriteByte('%')
		case 's':
			if next >= len(a) {
				return Value{}, errFormat
			}
			if a[next].Kind == Null {
				b.WriteString("(null)")
			} else {
				b.WriteString(a[next].String())
			}
			next++
		default:
			return Value{}, errFormat
		}
	}
	return Str(b.String()), nil
}

var errFormat = errorString("Invalid format for format()")

type errorString string

func (e errorString) Error() string { return string(e) }

func split(a []Value) (Value, error) {
	if a[0].Kind == Null {
		return Value{}, nil
	}
	sep, strip := ",", " "
	if len(a) > 1 {
		sep = a[1].String()
	}
	if len(a) > 2 {
		strip = a[2].String()
	}
	parts := strings.FieldsFunc(a[0].String(), func(r rune) bool { return strings.ContainsRune(sep, r) })
	out := make([]Value, 0, len(parts))
	for _, p := range parts {
		if p = strings.Trim(p, strip); p != "" {
			out = append(out, Str(p))
		}
	}
	return Value{Kind: Array, Arr: out}, nil
}

func contains(a []Value) (Value, error) {
	if a[0].Kind == Null || a[1].Kind == Null {
		return Num(0), nil
	}
	s, sub := a[0].String(), a[1].String()
	if sub == "" {
		return Num(float64(len(s) + 1)), nil
	}
	return Num(float64(strings.Count(s, sub))), nil
}

func startsWith(a []Value) (Value, error) {
	if a[0].Kind == Null || a[1].Kind == Null {
		return Num(0), nil
	}
	return boolNum(strings.HasPrefix(a[0].String(), a[1].String())), nil
}

func mathFunc(f func(float64) float64) func([]Value) (Value, error) {
	return func(a []Value) (Value, error) {
		x, ok := a[0].ToNumber()
		if !ok {
			return Value{}, nil
		}
		return Num(f(x)), nil
	}
}

func timeFunc(f func(time.Time) float64) func([]Value) (Value, error) {
	return func(a []Value) (Value, error) {
		x, ok := a[0].ToNumber()
		if !ok || math.IsNaN(x) || math.IsInf(x, 0) {
			return Value{}, nil
		}
		return Num(f(time.Unix(int64(x), 0).UTC())), nil
	}
}

func unix(t time.Time) float64 { return float64(t.Unix()) }

// trunc truncates t to its day (day) or to its month's first day.
func trunc(t time.Time, _ int, _ int, day bool) time.Time {
	if day {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// strftimeLayout turns a strftime format into a Go time layout, for the
// directives it knows; ok is false for any other.
func strftimeLayout(f string) (string, bool) {
	repl := map[byte]string{
		'Y': "2006", 'm': "01", 'd': "02", 'H': "15", 'M': "04", 'S': "05",
		'F': "2006-01-02", 'T': "15:04:05", 'y': "06", 'b': "Jan", 'B': "January",
		'a': "Mon", 'A': "Monday", 'j': "002", 'Z': "MST", 'e': "_2", 'p': "PM", 'I': "03",
		'D': "01/02/06", 'R': "15:04", '%': "%",
	}
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			b.WriteByte(f[i])
			continue
		}
		if i+1 >= len(f) {
			return "", false
		}
		i++
		r, ok := repl[f[i]]
		if !ok {
			return "", false
		}
		b.WriteString(r)
	}
	return b.String(), true
}

func timefmt(a []Value) (Value, error) {
	x, ok := a[0].ToNumber()
	if !ok || math.IsNaN(x) || math.IsInf(x, 0) {
		return Value{}, nil
	}
	f := "%FT%TZ"
	if len(a) > 1 {
		f = a[1].String()
	}
	layout, ok := strftimeLayout(f)
	if !ok {
		return Value{}, nil
	}
	return Str(time.Unix(int64(x), 0).UTC().Format(layout)), nil
}

func parsetime(a []Value) (Value, error) {
	if a[0].Kind == Null {
		return Value{}, nil
	}
	layout, ok := strftimeLayout(a[1].String())
	if !ok {
		return Value{}, nil
	}
	t, err := time.ParseInLocation(layout, a[0].String(), time.UTC)
	if err != nil {
		return Value{}, nil
	}
	return Num(float64(t.Unix())), nil
}
