package ft

import (
	"errors"
	"sort"
	"strings"
)

// Alias errors, worded as RediSearch's.
var (
	ErrAliasExists   = errors.New("Alias already exists")
	ErrNoAlias       = errors.New("Alias does not exist")
	ErrAliasNotIndex = errors.New("Unknown index name (or name is an alias itself)")
)

// resolve returns the lower-case index name that name (an index name or
// an alias) stands for. mu must be held.
func (c *Catalog) resolve(name string) string {
	lower := strings.ToLower(name)
	if _, ok := c.indexes[lower]; ok {
		return lower
	}
	if target, ok := c.aliases[lower]; ok {
		return target
	}
	return lower
}

// AddAlias makes alias another name of index (FT.ALIASADD). The index
// must be named by its own name, not by another alias.
func (c *Catalog) AddAlias(alias, index string) error {
	return c.setAlias(alias, index, false)
}

// UpdateAlias points alias at index, made if it did not exist
// (FT.ALIASUPDATE). It returns the index the alias named before, if any.
func (c *Catalog) UpdateAlias(alias, index string) error {
	return c.setAlias(alias, index, true)
}

// setAlias points alias at index, which must be named by its own name;
// an alias that names an index, or an alias already set unless repoint,
// is ErrAliasExists.
func (c *Catalog) setAlias(alias, index string, repoint bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	target := strings.ToLower(index)
	if _, ok := c.indexes[target]; !ok {
		return ErrAliasNotIndex
	}
	a := strings.ToLower(alias)
	if _, ok := c.aliases[a]; ok && !repoint {
		return ErrAliasExists
	}
	if _, ok := c.indexes[a]; ok {
		return ErrAliasExists
	}
	c.aliases[a] = target
	return nil
}

// AliasTarget returns the index alias names now.
func (c *Catalog) AliasTarget(alias string) (*Index, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	target, ok := c.aliases[strings.ToLower(alias)]
	if !ok {
		return nil, ErrNoAlias
	}
	return c.indexes[target], nil
}

// DelAlias removes alias (FT.ALIASDEL).
func (c *Catalog) DelAlias(alias string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := strings.ToLower(alias)
	if _, ok := c.aliases[a]; !ok {
		return ErrNoAlias
	}
	delete(c.aliases, a)
	return nil
}

// Aliases returns the aliases of the index named index, sorted.
func (c *Catalog) Aliases(index string) []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	target := c.resolve(index)
	var out []string
	for a, t := range c.aliases {
		if t == target {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

// dropAliasesOf removes every alias of the index named lower. mu must be
// held for writing.
func (c *Catalog) dropAliasesOf(lower string) {
	for a, t := range c.aliases {
		if t == lower {
			delete(c.aliases, a)
		}
	}
}

// aliasPairs returns every alias and its index, sorted by alias.
func (c *Catalog) aliasPairs() [][2]string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([][2]string, 0, len(c.aliases))
	for a, t := range c.aliases {
		out = append(out, [2]string{a, t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}
