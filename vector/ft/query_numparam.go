package ft

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// isParamName reports whether s can follow '$' as a query parameter's
// name: letters, digits and underscores.
func isParamName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// resolveNumRange sets a numeric range's parameter bounds from params,
// as RediSearch 2.8 does: a missing parameter is "No such parameter",
// a value that is not a number "Bad lower|upper range: value". A lower
// bound may be -inf and an upper one +inf (or inf); an infinity on the
// other side, or an overflow, is refused. A '(' before the value is
// read and ignored (exclusiveness is written in the query).
func resolveNumRange(n *Node, params map[string][]byte) error {
	var err error
	if n.LoParam != "" {
		if n.Lo, err = numRangeParam(n.LoParam, params, true); err != nil {
			return err
		}
		n.LoParam = ""
	}
	if n.HiParam != "" {
		if n.Hi, err = numRangeParam(n.HiParam, params, false); err != nil {
			return err
		}
		n.HiParam = ""
	}
	return nil
}

func numRangeParam(ref string, params map[string][]byte, isMin bool) (float64, error) {
	neg := strings.HasPrefix(ref, "-")
	name := strings.TrimPrefix(strings.TrimPrefix(ref, "-"), "$")
	raw, ok := params[name]
	if !ok {
		return 0, fmt.Errorf("No such parameter `%s`", name)
	}
	s := strings.TrimPrefix(string(raw), "(")
	unsigned := strings.TrimPrefix(s, "+")
	switch {
	case isMin && (!neg && strings.EqualFold(s, "-inf") || neg && strings.EqualFold(unsigned, "inf")):
		return math.Inf(-1), nil
	case !isMin && (!neg && strings.EqualFold(unsigned, "inf") || neg && strings.EqualFold(s, "-inf")):
		return math.Inf(1), nil
	}
	v := 0.0
	if s != "" {
		var err error
		v, err = strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(v, 0) || strings.Contains(s, "_") {
			side := "upper"
			if isMin {
				side = "lower"
			}
			return 0, fmt.Errorf("Bad %s range: %s", side, s)
		}
	}
	if neg {
		v = -v
	}
	return v, nil
}
