package ft

import (
	"sort"
	"strings"
)

// The catalog's snapshot ends, after the aliases, with the custom
// dictionaries (FT.DICTADD: count, then per dictionary its name, term
// count and terms) and the synonym groups (count of indexes that have
// some, then per index its name, group count and per group its id, term
// count and terms). A snapshot written before either existed ends
// earlier, and loads with none.

// saveExtra writes the dictionaries and the synonym groups.
func (c *Catalog) saveExtra(e *enc) {
	dicts := c.Dicts.All()
	e.uvarint(uint64(len(dicts)))
	for _, d := range dicts {
		e.str(d.Name)
		e.uvarint(uint64(len(d.Terms)))
		for _, t := range d.Terms {
			e.str(t)
		}
	}
	var withSyn []*Index
	for _, ix := range c.all() {
		if len(ix.SynGroups()) > 0 {
			withSyn = append(withSyn, ix)
		}
	}
	e.uvarint(uint64(len(withSyn)))
	for _, ix := range withSyn {
		groups := ix.SynGroups()
		e.str(ix.Schema().Name)
		e.uvarint(uint64(len(groups)))
		for _, g := range groups {
			e.str(g.ID)
			e.uvarint(uint64(len(g.Terms)))
			for _, t := range g.Terms {
				e.str(t)
			}
		}
	}
}

// loadExtra reads what saveExtra wrote, if the snapshot has it.
func (c *Catalog) loadExtra(d *dec) {
	if _, err := d.r.Peek(1); err != nil {
		return
	}
	nd := d.count(1 << 32)
	for i := 0; i < nd && d.err == nil; i++ {
		name := d.str()
		nt := d.count(1 << 32)
		terms := make([]string, 0, min(nt, 1<<16))
		for j := 0; j < nt && d.err == nil; j++ {
			terms = append(terms, d.str())
		}
		if d.err == nil {
			c.Dicts.Add(name, terms)
		}
	}
	if d.err != nil {
		return
	}
	if _, err := d.r.Peek(1); err != nil {
		return
	}
	ni := d.count(1 << 32)
	for i := 0; i < ni && d.err == nil; i++ {
		name := d.str()
		ng := d.count(1 << 32)
		ix, _ := c.Get(name) // a missing index's groups are dropped
		for j := 0; j < ng && d.err == nil; j++ {
			id := d.str()
			nt := d.count(1 << 32)
			terms := make([]string, 0, min(nt, 1<<16))
			for k := 0; k < nt && d.err == nil; k++ {
				terms = append(terms, d.str())
			}
			if d.err == nil && ix != nil {
				ix.SynUpdate(id, terms)
			}
		}
	}
}

// DictTerms is one custom dictionary and its terms, sorted.
type DictTerms struct {
	Name  string
	Terms []string
}

// All returns every dictionary with its terms, by name.
func (d *Dicts) All() []DictTerms {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]DictTerms, 0, len(d.dicts))
	for name, dict := range d.dicts {
		terms := make([]string, 0, len(dict))
		for t := range dict {
			terms = append(terms, t)
		}
		sort.Strings(terms)
		out = append(out, DictTerms{Name: name, Terms: terms})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// SynGroup is one synonym group of an index: its id and its terms
// (lower case, sorted).
type SynGroup struct {
	ID    string
	Terms []string
}

// SynGroups returns the index's synonym groups, by id.
func (ix *Index) SynGroups() []SynGroup {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	byID := map[string][]string{}
	for t, ids := range ix.syn {
		for _, id := range ids {
			byID[id] = append(byID[id], t)
		}
	}
	out := make([]SynGroup, 0, len(byID))
	for id, terms := range byID {
		sort.Strings(terms)
		out = append(out, SynGroup{ID: id, Terms: terms})
	}
	sort.Slice(out, func(i, j int) bool { return strings.Compare(out[i].ID, out[j].ID) < 0 })
	return out
}
