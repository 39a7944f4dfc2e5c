package ftargs

import (
	"fmt"
	"strconv"
	"strings"
)

// KNN is a query's "=>[KNN k @field $param ...]" clause.
type KNN struct {
	K, Ef, Probes int
	KParam        string // the parameter holding k ("K" for $K), or ""
	EfParam       string
	Field         string
	Param         string // the parameter holding the query vector
	As            string // the score field's name

	// Policy is HYBRID_POLICY's value (a parameter's name when
	// PolicyParam), "" without it; BatchSize is BATCH_SIZE's (BatchParam:
	// a parameter's name), 0 without it. Epsilon says EPSILON was given
	// (a range query's attribute: an error for a KNN).
	Policy      string
	PolicyParam bool
	BatchSize   int
	BatchParam  string
	HasBatch    bool
	Epsilon     bool
	// Twice says a vector search parameter was given twice.
	Twice bool
	// yieldAttr is a $YIELD_DISTANCE_AS attribute to resolve: a
	// parameter, or a second distance field name.
	yieldAttr *Attr
}

// ScoreField returns the name results carry the distance under.
func (k *KNN) ScoreField() string {
	if k.As != "" {
		return k.As
	}
	return "__" + k.Field + "_score"
}

// SyntaxError is a query syntax error with its position.
type SyntaxError struct {
	Offset int
	Near   string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("Syntax error at offset %d near %s", e.Offset, e.Near)
}

// QueryKNN returns the KNN clause of query q, nil without one. It does not
// check the filter before the clause.
func QueryKNN(q string) (*KNN, error) {
	i := TopLevelArrow(q)
	if i < 0 {
		return nil, nil
	}
	return ParseKNN(q[i+2:], i+2)
}

// TopLevelArrow finds "=>" outside parentheses, ranges and tag sets; -1
// when there is none.
func TopLevelArrow(s string) int {
	depth := 0
	for i := 0; i+1 < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '[', '{':
			// Skip to the closing bracket: "(" inside a range is an
			// exclusive bound, not a group.
			closer := byte(']')
			if s[i] == '{' {
				closer = '}'
			}
			for i+1 < len(s) && s[i+1] != closer {
				if s[i+1] == '\\' {
					i++
				}
				i++
			}
			i++
		case '(':
			depth++
		case ')':
			depth--
		case '=':
			// "=>{" is a clause's attributes; any other arrow starts the
			// KNN clause.
			if s[i+1] == '>' && depth == 0 && !strings.HasPrefix(strings.TrimLeft(s[i+2:], " \t\n"), "{") {
				return i
			}
		}
	}
	return -1
}

// ParseKNN parses the clause after "=>"; base is its offset in the query,
// for error positions.
func ParseKNN(s string, base int) (*KNN, error) {
	t := strings.TrimSpace(s)
	closer := strings.IndexByte(t, ']')
	if !strings.HasPrefix(t, "[") || closer < 0 {
		return nil, &SyntaxError{Offset: base, Near: firstWord(t)}
	}
	// After the clause, "=>{...}" may give its attributes.
	var attrs []Attr
	if rest := strings.TrimSpace(t[closer+1:]); rest != "" {
		at := base + strings.Index(s, rest)
		tail, ok := strings.CutPrefix(rest, "=>")
		tail = strings.TrimLeft(tail, " \t\n")
		if !ok || !strings.HasPrefix(tail, "{") {
			return nil, &SyntaxError{Offset: at, Near: firstWord(rest)}
		}
		as, n, err := ParseAttrs(tail, at+len(rest)-len(tail))
		if err != nil {
			return nil, err
		}
		if extra := strings.TrimSpace(tail[n:]); extra != "" {
			return nil, &SyntaxError{Offset: base + strings.LastIndex(s, extra), Near: firstWord(extra)}
		}
		attrs = as
	}
	t = t[:closer+1]
	w := strings.Fields(t[1 : len(t)-1])
	bad := func(i int) error {
		near := "]"
		if i < len(w) {
			near = w[i]
		}
		return &SyntaxError{Offset: base + strings.Index(s, near), Near: near}
	}
	if len(w) < 4 || !strings.EqualFold(w[0], "KNN") {
		return nil, bad(0)
	}
	k := &KNN{}
	if strings.HasPrefix(w[1], "$") {
		k.KParam = w[1][1:]
	} else if n, err := strconv.Atoi(w[1]); err == nil && n >= 0 {
		k.K = n
	} else {
		return nil, bad(1)
	}
	if !strings.HasPrefix(w[2], "@") || len(w[2]) < 2 {
		return nil, bad(2)
	}
	k.Field = w[2][1:]
	if !strings.HasPrefix(w[3], "$") || len(w[3]) < 2 {
		return nil, bad(3)
	}
	k.Param = w[3][1:]
	for i := 4; i < len(w); i += 2 {
		if i+1 >= len(w) {
			return nil, bad(i)
		}
		val := w[i+1]
		switch strings.ToUpper(w[i]) {
		case "EF_RUNTIME":
			k.Twice = k.Twice || k.Ef != 0 || k.EfParam != ""
			if strings.HasPrefix(val, "$") {
				k.EfParam = val[1:]
			} else if n, err := strconv.Atoi(val); err == nil && n > 0 {
				k.Ef = n
			} else {
				return nil, bad(i + 1)
			}
		case "PROBES":
			n, err := strconv.Atoi(val)
			if err != nil || n <= 0 {
				return nil, bad(i + 1)
			}
			k.Probes = n
		case "AS":
			k.As = val
		default:
			if !k.setVecParam(w[i], val, strings.HasPrefix(val, "$")) {
				return nil, bad(i)
			}
		}
	}
	for _, a := range attrs {
		if err := k.applyAttr(a); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// setVecParam sets one of the vector search parameters HYBRID_POLICY,
// BATCH_SIZE and EPSILON (false for another name).
func (k *KNN) setVecParam(name, val string, param bool) bool {
	if param {
		val = val[1:]
	}
	switch strings.ToUpper(name) {
	case "HYBRID_POLICY":
		k.Twice = k.Twice || k.Policy != ""
		k.Policy, k.PolicyParam = val, param
	case "BATCH_SIZE":
		k.Twice = k.Twice || k.HasBatch
		k.HasBatch = true
		if param {
			k.BatchParam = val
		} else if n, err := strconv.Atoi(val); err == nil && n > 0 {
			k.BatchSize = n
		} else {
			k.BatchSize = -1 // refused by Check, as RediSearch does after parsing
		}
	case "EPSILON":
		k.Twice = k.Twice || k.Epsilon
		k.Epsilon = true
	default:
		return false
	}
	return true
}

// applyAttr applies one "=>{$name: value}" attribute of the clause.
func (k *KNN) applyAttr(a Attr) error {
	val := a.Value
	if a.Param {
		val = "$" + val
	}
	switch strings.ToUpper(a.Name) {
	case "YIELD_DISTANCE_AS":
		if k.As != "" || a.Param {
			// Checked once parameters are known (Resolve).
			k.yieldAttr = &a
			return nil
		}
		k.As = a.Value
	case "EF_RUNTIME":
		k.Twice = k.Twice || k.Ef != 0 || k.EfParam != ""
		if a.Param {
			k.EfParam = a.Value
		} else if n, err := strconv.Atoi(a.Value); err == nil && n > 0 {
			k.Ef = n
		} else {
			return VecSimError(VecErrBadValue)
		}
	case "WEIGHT", "SLOP", "INORDER", "PHONETIC":
	default:
		if !k.setVecParam(a.Name, val, a.Param) {
			return fmt.Errorf("Invalid attribute %s", a.Name)
		}
	}
	return nil
}

// Check refuses the clause's vector search parameters as RediSearch does:
// hybrid ones for a query without a filter (hybrid false), an unknown
// policy, BATCH_SIZE or EF_RUNTIME with ADHOC_BF, EPSILON in a KNN. Call
// it after Resolve.
func (k *KNN) Check(hybrid bool) error {
	switch {
	case k.Twice:
		return VecSimError(VecErrTwice)
	case k.Epsilon:
		return VecSimError(VecErrNotRange)
	case k.HasBatch && k.BatchSize <= 0:
		return VecSimError(VecErrBadValue)
	case !hybrid && (k.Policy != "" || k.HasBatch):
		return VecSimError(VecErrNotHybrid)
	case k.Policy != "" && !strings.EqualFold(k.Policy, "ADHOC_BF") && !strings.EqualFold(k.Policy, "BATCHES"):
		return VecSimError(VecErrNoSuchPolicy)
	case strings.EqualFold(k.Policy, "ADHOC_BF") && k.HasBatch:
		return VecSimError(VecErrAdhocBatchSize)
	case strings.EqualFold(k.Policy, "ADHOC_BF") && (k.Ef > 0 || k.EfParam != ""):
		return VecSimError(VecErrAdhocEf)
	}
	return nil
}

// AdHoc says the clause asks for HYBRID_POLICY ADHOC_BF: the filtered
// documents are compared with the query vector one by one.
func (k *KNN) AdHoc() bool { return strings.EqualFold(k.Policy, "ADHOC_BF") }

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return s
}

// Resolve sets k and EF_RUNTIME from their parameters and checks that the
// query vector's parameter exists.
func (k *KNN) Resolve(params map[string][]byte) error {
	var err error
	if k.KParam != "" {
		v, ok := params[k.KParam]
		if !ok {
			return fmt.Errorf("No such parameter `%s`", k.KParam)
		}
		if k.K, err = strconv.Atoi(string(v)); err != nil || k.K < 0 {
			return fmt.Errorf("Invalid numeric value (%s) for parameter `%s`", v, k.KParam)
		}
	}
	if k.EfParam != "" {
		v, ok := params[k.EfParam]
		if !ok {
			return fmt.Errorf("No such parameter `%s`", k.EfParam)
		}
		if k.Ef, err = strconv.Atoi(string(v)); err != nil || k.Ef <= 0 {
			return fmt.Errorf("Invalid numeric value (%s) for parameter `%s`", v, k.EfParam)
		}
	}
	if strings.HasPrefix(k.As, "$") && len(k.As) > 1 {
		v, ok := params[k.As[1:]]
		if !ok {
			return fmt.Errorf("No such parameter `%s`", k.As[1:])
		}
		k.As = string(v)
	}
	if a := k.yieldAttr; a != nil {
		name, err := a.Resolve(params)
		if err != nil {
			return err
		}
		if k.As != "" {
			return fmt.Errorf("Distance field was specified twice for vector query: %s and %s", k.As, name)
		}
		k.As, k.yieldAttr = name, nil
	}
	if k.PolicyParam {
		v, ok := params[k.Policy]
		if !ok {
			return fmt.Errorf("No such parameter `%s`", k.Policy)
		}
		k.Policy, k.PolicyParam = string(v), false
	}
	if k.BatchParam != "" {
		v, ok := params[k.BatchParam]
		if !ok {
			return fmt.Errorf("No such parameter `%s`", k.BatchParam)
		}
		if k.BatchSize, err = strconv.Atoi(string(v)); err != nil || k.BatchSize <= 0 {
			k.BatchSize = -1
		}
		k.BatchParam = ""
	}
	if _, ok := params[k.Param]; !ok {
		return fmt.Errorf("No such parameter `%s`", k.Param)
	}
	return nil
}
