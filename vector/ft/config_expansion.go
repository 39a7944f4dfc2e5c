package ft

import "strconv"

// Expansion bounds how a query's prefix (word*), suffix (*word), infix
// (*word*) and fuzzy (%word%) terms expand against the index's words:
// FT.CONFIG's MAXEXPANSIONS and MINPREFIX, as RediSearch 2.8 has them.
type Expansion struct {
	// Max is the most words a term expands to (MAXEXPANSIONS, also
	// named MAXPREFIXEXPANSIONS); 0 means RediSearch's default, 200.
	Max int
	// MinPrefix is the fewest bytes a prefix, suffix or infix term's word
	// has (MINPREFIX); a shorter one expands to nothing, so it matches
	// nothing (RediSearch answers no error either). Fuzzy terms have no
	// minimum. 0 means RediSearch's default, 2.
	MinPrefix int
}

// Default MAXEXPANSIONS and MINPREFIX.
const (
	defaultMaxExpansions = 200
	defaultMinPrefix     = 2
)

func (e Expansion) max() int {
	if e.Max <= 0 {
		return defaultMaxExpansions
	}
	return e.Max
}

func (e Expansion) minPrefix() int {
	if e.MinPrefix <= 0 {
		return defaultMinPrefix
	}
	return e.MinPrefix
}

// Expansion returns MAXEXPANSIONS and MINPREFIX.
func (c *Config) Expansion() Expansion {
	c.mu.Lock()
	defer c.mu.Unlock()
	max, _ := strconv.Atoi(c.vals["MAXEXPANSIONS"])
	min, _ := strconv.Atoi(c.vals["MINPREFIX"])
	return Expansion{Max: max, MinPrefix: min}
}
