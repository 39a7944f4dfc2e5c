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
			if s[i+1] == '>' && depth == 0 {
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
	if !strings.HasPrefix(t, "[") || !strings.HasSuffix(t, "]") {
		return nil, &SyntaxError{Offset: base, Near: firstWord(t)}
	}
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
		case "EPSILON":
		default:
			return nil, bad(i)
		}
	}
	return k, nil
}

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
	if _, ok := params[k.Param]; !ok {
		return fmt.Errorf("No such parameter `%s`", k.Param)
	}
	return nil
}
