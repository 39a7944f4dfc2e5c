// Package zargs is the grammar of the options that ZUNION, ZINTER, ZDIFF
// and their STORE forms take after their keys, shared by the data node,
// which runs them, and the proxy, which gathers them over several nodes.
// Its errors are Redis 7.0's texts. It uses only the standard library.
package zargs

import "strings"

// Agg is how ZUNION and ZINTER combine the scores a member has in several
// sources (AGGREGATE).
type Agg uint8

// Aggregates.
const (
	Sum Agg = iota
	Min
	Max
)

// Combine is what follows a ZUNION-like command's keys.
type Combine struct {
	Weights    []float64 // WEIGHTS, one per key; nil when not given
	Agg        Agg       // AGGREGATE, Sum when not given
	WithScores bool      // WITHSCORES
}

// Error texts.
const (
	msgSyntax      = "ERR syntax error"
	msgWeightFloat = "ERR weight value is not a float"
)

// ParseCombine reads [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
// from rest, the words after nkeys keys: WEIGHTS and AGGREGATE not for
// ZDIFF (diff), WITHSCORES only when withScoresOK (not for the STORE
// forms). weight reads one weight, false when it is not a float. It
// returns Redis's error text for a bad option.
func ParseCombine(rest [][]byte, nkeys int, diff, withScoresOK bool, weight func([]byte) (float64, bool)) (Combine, string) {
	var c Combine
	for j := 0; j < len(rest); {
		remaining := len(rest) - j
		switch opt := strings.ToUpper(string(rest[j])); {
		case !diff && remaining >= nkeys+1 && opt == "WEIGHTS":
			c.Weights = make([]float64, nkeys)
			for i := range nkeys {
				w, ok := weight(rest[j+1+i])
				if !ok {
					return Combine{}, msgWeightFloat
				}
				c.Weights[i] = w
			}
			j += nkeys + 1
		case !diff && remaining >= 2 && opt == "AGGREGATE":
			switch strings.ToUpper(string(rest[j+1])) {
			case "SUM":
				c.Agg = Sum
			case "MIN":
				c.Agg = Min
			case "MAX":
				c.Agg = Max
			default:
				return Combine{}, msgSyntax
			}
			j += 2
		case withScoresOK && opt == "WITHSCORES":
			c.WithScores = true
			j++
		default:
			return Combine{}, msgSyntax
		}
	}
	return c, ""
}
