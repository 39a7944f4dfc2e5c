package ftargs

import (
	"fmt"
	"strings"
)

// Attr is one query attribute of a "=>{$name: value; ...}" section: its
// name without the $ (as given) and its value, a parameter's name (Param
// set, without the $) or a literal.
type Attr struct {
	Name  string
	Value string
	Param bool
}

// ParseAttrs parses a query attribute section that starts at s[0] == '{'
// and returns the attributes and the length of the section; base is its
// offset in the query, for error positions.
func ParseAttrs(s string, base int) ([]Attr, int, error) {
	end := strings.IndexByte(s, '}')
	if len(s) == 0 || s[0] != '{' || end < 0 {
		return nil, 0, &SyntaxError{Offset: base, Near: firstWord(s)}
	}
	var out []Attr
	pos := 1
	for _, part := range strings.Split(s[1:end], ";") {
		off := base + pos
		pos += len(part) + 1
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, ok := strings.Cut(part, ":")
		name, val = strings.TrimSpace(name), strings.TrimSpace(val)
		if !ok || len(name) < 2 || name[0] != '$' || val == "" || strings.ContainsAny(val, " \t\n") {
			return nil, 0, &SyntaxError{Offset: off, Near: firstWord(part)}
		}
		a := Attr{Name: name[1:], Value: val}
		if strings.HasPrefix(val, "$") {
			if len(val) < 2 {
				return nil, 0, &SyntaxError{Offset: off, Near: firstWord(part)}
			}
			a.Param, a.Value = true, val[1:]
		}
		out = append(out, a)
	}
	return out, end + 1, nil
}

// Resolve returns the attribute's value, a parameter's value for a
// parameter.
func (a Attr) Resolve(params map[string][]byte) (string, error) {
	if !a.Param {
		return a.Value, nil
	}
	v, ok := params[a.Value]
	if !ok {
		return "", fmt.Errorf("No such parameter `%s`", a.Value)
	}
	return string(v), nil
}

// VecSimError is a vector query parameter error in RediSearch's words.
func VecSimError(msg string) error {
	return fmt.Errorf("Error parsing vector similarity parameters: %s", msg)
}

// The vector query parameter errors RediSearch 2.8 reports.
const (
	VecErrNotHybrid      = "hybrid query attributes were sent for a non-hybrid query"
	VecErrNoSuchPolicy   = "invalid hybrid policy was given"
	VecErrAdhocBatchSize = "'batch size' is irrelevant for 'ADHOC_BF' policy"
	VecErrAdhocEf        = "'EF_RUNTIME' is irrelevant for 'ADHOC_BF' policy"
	VecErrNotRange       = "range query attributes were sent for a non-range query"
	VecErrBadValue       = "Invalid value was given"
	VecErrUnknownOption  = "Invalid option"
	VecErrTwice          = "Parameter was specified twice"
)

// RangeYields returns the names the query's $YIELD_DISTANCE_AS attributes
// give (the distance fields of its vector range clauses), in order. It
// reads the attribute sections only, not the rest of the query; a
// parameter is resolved from params when it can be.
func RangeYields(q string, params map[string][]byte) []string {
	var out []string
	for i := 0; i+1 < len(q); i++ {
		if q[i] == '\\' {
			i++
			continue
		}
		if q[i] != '=' || q[i+1] != '>' {
			continue
		}
		j := i + 2
		for j < len(q) && (q[j] == ' ' || q[j] == '\t' || q[j] == '\n') {
			j++
		}
		if j >= len(q) || q[j] != '{' {
			continue
		}
		attrs, n, err := ParseAttrs(q[j:], j)
		if err != nil {
			continue
		}
		for _, a := range attrs {
			if strings.EqualFold(a.Name, "YIELD_DISTANCE_AS") {
				if v, err := a.Resolve(params); err == nil && !hasString(out, v) {
					out = append(out, v)
				}
			}
		}
		i = j + n - 1
	}
	return out
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
