package ft

import "strconv"

// AliasPairs returns every alias and the name of its index, sorted by
// alias (a node gives them to a replica or a migration target).
func (c *Catalog) AliasPairs() [][2]string { return c.aliasPairs() }

// Changed returns the options FT.CONFIG SET changed from their defaults,
// in RediSearch's order, each with a value FT.CONFIG SET takes back.
func (c *Config) Changed() [][2]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out [][2]string
	for _, o := range configOptions {
		v := c.vals[o.name]
		if o.kind == cfgFixed || o.kind == cfgNullable || v == o.def {
			continue
		}
		if o.kind == cfgUnlimit && v == "unlimited" {
			v = strconv.FormatInt(1<<63-1, 10)
		}
		out = append(out, [2]string{o.name, v})
	}
	return out
}
