package ft

import "strconv"

// DefaultDialect returns DEFAULT_DIALECT, the dialect of a query that
// names none.
func (c *Config) DefaultDialect() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, err := strconv.Atoi(c.vals["DEFAULT_DIALECT"])
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// ApplyDialect sets req's dialect to DEFAULT_DIALECT when it names none,
// and what the dialect changes in its reply (see json_return.go); and
// the expansion bounds its terms run with (config_expansion.go).
func (c *Config) ApplyDialect(req *SearchRequest) {
	if req.Dialect == 0 {
		req.Dialect = c.DefaultDialect()
	}
	req.Multi = req.Dialect >= 3 || req.Expand || req.AllMatches
	req.Expansion = c.Expansion()
}

// ApplyAggregateDialect is ApplyDialect for FT.AGGREGATE.
func (c *Config) ApplyAggregateDialect(req *AggregateRequest) {
	if req.Dialect == 0 {
		req.Dialect = c.DefaultDialect()
	}
	req.Multi = req.Dialect >= 3 || req.Expand || req.AllMatches
	req.Expansion = c.Expansion()
}
