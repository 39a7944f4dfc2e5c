package ftargs

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Internal reducers: what a shard computes so that the proxy can merge
// the groups of every shard exactly (see proxy/aggregate.go). Their
// results are arrays.
const (
	ReduceAvgPart   = "__AVG_PART"    // [sum, count] of the numeric values
	ReduceStdPart   = "__STDDEV_PART" // [sum, sum of squares, count]
	ReduceFirstPart = "__FIRST_PART"  // [value, sort key] of FIRST_VALUE
	ReduceValues    = "__VALUES"      // every numeric value (for QUANTILE)
)

// checkReducer checks a REDUCE clause's function and arguments.
func checkReducer(r *Reducer) error {
	n := len(r.Args)
	extra := func(at int) error {
		return fmt.Errorf("Unknown argument `%s` at position %d for %s", r.Args[at], at, r.Name)
	}
	switch r.Name {
	case "COUNT":
		if n > 0 {
			return extra(0)
		}
	case "SUM", "MIN", "MAX", "AVG", "TOLIST", "COUNT_DISTINCT", "COUNT_DISTINCTISH", "STDDEV",
		ReduceAvgPart, ReduceStdPart, ReduceValues:
		if n == 0 {
			return fmt.Errorf("Missing arguments for %s", r.Name)
		}
		if n > 1 {
			return extra(1)
		}
	case "QUANTILE":
		if n == 0 {
			return fmt.Errorf("Missing arguments for %s", r.Name)
		}
		if n < 2 {
			return fmt.Errorf("Bad arguments for <quantile>: %s", acNoArg)
		}
		q, ok := parseDouble(r.Args[1])
		if !ok {
			return fmt.Errorf("Bad arguments for <quantile>: %s", acParse)
		}
		if !(q >= 0 && q <= 1) {
			return fmt.Errorf("Quantile must be between 0.0 and 1.0")
		}
		if n > 2 {
			return extra(2)
		}
	case "FIRST_VALUE", ReduceFirstPart:
		if n == 0 {
			return fmt.Errorf("Missing arguments for %s", r.Name)
		}
		if n == 1 {
			return nil
		}
		if !strings.EqualFold(r.Args[1], "BY") {
			return extra(1)
		}
		if n < 3 {
			return fmt.Errorf("BY needs an argument")
		}
		if n > 3 && !strings.EqualFold(r.Args[3], "ASC") && !strings.EqualFold(r.Args[3], "DESC") {
			return extra(3)
		}
		if n > 4 {
			return extra(4)
		}
	default:
		return fmt.Errorf("No such reducer: %s", r.Name)
	}
	return nil
}

// Field returns the property the reducer reads ("" for COUNT).
func (r *Reducer) Field() string {
	if len(r.Args) == 0 {
		return ""
	}
	return strings.TrimPrefix(r.Args[0], "@")
}

// By returns FIRST_VALUE's BY property ("" without BY) and direction.
func (r *Reducer) By() (string, bool) {
	if len(r.Args) < 3 {
		return "", false
	}
	return strings.TrimPrefix(r.Args[2], "@"), len(r.Args) > 3 && strings.EqualFold(r.Args[3], "DESC")
}

// Quantile returns QUANTILE's fraction.
func (r *Reducer) Quantile() float64 {
	q, _ := strconv.ParseFloat(strings.TrimSpace(r.Args[1]), 64)
	return q
}

// reducer folds a group's rows into one value.
type reducer interface {
	add(row *Row)
	result() Value
}

func newReducer(r *Reducer) reducer {
	f := r.Field()
	switch r.Name {
	case "COUNT":
		return &countR{}
	case "SUM", "AVG", ReduceAvgPart:
		return &sumR{field: f, avg: r.Name == "AVG", part: r.Name == ReduceAvgPart}
	case "MIN", "MAX":
		return &minMaxR{field: f, max: r.Name == "MAX", v: math.Inf(map[bool]int{true: -1, false: 1}[r.Name == "MAX"])}
	case "TOLIST", "COUNT_DISTINCT", "COUNT_DISTINCTISH":
		return &distinctR{field: f, count: r.Name != "TOLIST", seen: map[string]bool{}}
	case "STDDEV", ReduceStdPart:
		return &stddevR{field: f, part: r.Name == ReduceStdPart}
	case "QUANTILE", ReduceValues:
		q := 0.0
		if r.Name == "QUANTILE" {
			q = r.Quantile()
		}
		return &valuesR{field: f, q: q, all: r.Name == ReduceValues}
	case "FIRST_VALUE", ReduceFirstPart:
		by, desc := r.By()
		return &firstR{field: f, by: by, desc: desc, part: r.Name == ReduceFirstPart}
	}
	return &countR{}
}

type countR struct{ n float64 }

func (c *countR) add(*Row)      { c.n++ }
func (c *countR) result() Value { return Num(c.n) }

type sumR struct {
	field     string
	avg, part bool
	sum, n    float64
}

func (s *sumR) add(row *Row) {
	v, _ := row.Get(s.field)
	if f, ok := v.ToNumber(); ok {
		s.sum += f
		s.n++
	}
}

func (s *sumR) result() Value {
	switch {
	case s.part:
		return Value{Kind: Array, Arr: []Value{Num(s.sum), Num(s.n)}}
	case s.avg:
		if s.n == 0 {
			return Num(math.NaN())
		}
		return Num(s.sum / s.n)
	}
	return Num(s.sum)
}

type minMaxR struct {
	field string
	max   bool
	v     float64
}

func (m *minMaxR) add(row *Row) {
	v, _ := row.Get(m.field)
	if f, ok := v.ToNumber(); ok && (m.max && f > m.v || !m.max && f < m.v) {
		m.v = f
	}
}

func (m *minMaxR) result() Value { return Num(m.v) }

type distinctR struct {
	field string
	count bool
	seen  map[string]bool
	vals  []Value
}

func (d *distinctR) add(row *Row) {
	v, ok := row.Get(d.field)
	if !ok || v.Kind == Null {
		return
	}
	d.addValue(v)
}

func (d *distinctR) addValue(v Value) {
	if k := v.key(); !d.seen[k] {
		d.seen[k] = true
		d.vals = append(d.vals, v)
	}
}

func (d *distinctR) result() Value {
	if d.count {
		return Num(float64(len(d.vals)))
	}
	return Value{Kind: Array, Arr: d.vals}
}

type stddevR struct {
	field         string
	part          bool
	sum, sumsq, n float64
}

func (s *stddevR) add(row *Row) {
	v, _ := row.Get(s.field)
	if f, ok := v.ToNumber(); ok {
		s.sum += f
		s.sumsq += f * f
		s.n++
	}
}

func (s *stddevR) result() Value {
	if s.part {
		return Value{Kind: Array, Arr: []Value{Num(s.sum), Num(s.sumsq), Num(s.n)}}
	}
	return Num(stddev(s.sum, s.sumsq, s.n))
}

// stddev is the sample standard deviation from a sum, a sum of squares
// and a count.
func stddev(sum, sumsq, n float64) float64 {
	if n < 2 {
		return 0
	}
	v := (sumsq - sum*sum/n) / (n - 1)
	if v < 0 {
		v = 0
	}
	return math.Sqrt(v)
}

type valuesR struct {
	field string
	q     float64
	all   bool
	vals  []float64
}

func (q *valuesR) add(row *Row) {
	v, _ := row.Get(q.field)
	if f, ok := v.ToNumber(); ok {
		q.vals = append(q.vals, f)
	}
}

func (q *valuesR) result() Value {
	if q.all {
		out := make([]Value, len(q.vals))
		for i, f := range q.vals {
			out[i] = Num(f)
		}
		return Value{Kind: Array, Arr: out}
	}
	return quantile(q.vals, q.q)
}

// quantile returns the q-quantile of vals (the value at rank q*(n-1) of
// the sorted values), null when there is none.
func quantile(vals []float64, q float64) Value {
	if len(vals) == 0 {
		return Value{}
	}
	sort.Float64s(vals)
	return Num(vals[int(math.Round(q*float64(len(vals)-1)))])
}

type firstR struct {
	field, by  string
	desc, part bool
	has        bool
	val, key   Value
}

func (f *firstR) add(row *Row) {
	v, _ := row.Get(f.field)
	var k Value
	if f.by != "" {
		k, _ = row.Get(f.by)
	}
	f.offer(v, k)
}

func (f *firstR) offer(v, k Value) {
	if !f.has {
		f.has, f.val, f.key = true, v, k
		return
	}
	if f.by == "" || k.Kind == Null {
		return
	}
	c := Compare(k, f.key)
	if f.key.Kind == Null || f.desc && c > 0 || !f.desc && c < 0 {
		f.val, f.key = v, k
	}
}

func (f *firstR) result() Value {
	if f.part {
		return Value{Kind: Array, Arr: []Value{f.val, f.key}}
	}
	return f.val
}
