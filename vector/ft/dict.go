package ft

import (
	"errors"
	"sort"
	"strings"
	"sync"
)

// ErrNoDict is the error for a dictionary that does not exist.
var ErrNoDict = errors.New("could not open dict")

// Dicts are the custom dictionaries of FT.DICTADD, FT.DICTDEL and
// FT.DICTDUMP, which FT.SPELLCHECK's TERMS INCLUDE and EXCLUDE read. As in
// RediSearch they belong to no index. Safe for concurrent use.
type Dicts struct {
	mu    sync.RWMutex // guards dicts
	dicts map[string]map[string]bool
}

// NewDicts makes an empty set of dictionaries.
func NewDicts() *Dicts { return &Dicts{dicts: map[string]map[string]bool{}} }

// Add adds terms to dictionary name, made if new; it returns how many
// were new.
func (d *Dicts) Add(name string, terms []string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	dict := d.dicts[name]
	if dict == nil {
		dict = map[string]bool{}
		d.dicts[name] = dict
	}
	n := 0
	for _, t := range terms {
		if !dict[t] {
			dict[t] = true
			n++
		}
	}
	return n
}

// Del removes terms from dictionary name and returns how many it held.
// An emptied dictionary is removed.
func (d *Dicts) Del(name string, terms []string) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	dict := d.dicts[name]
	if dict == nil {
		return 0, ErrNoDict
	}
	n := 0
	for _, t := range terms {
		if dict[t] {
			delete(dict, t)
			n++
		}
	}
	if len(dict) == 0 {
		delete(d.dicts, name)
	}
	return n, nil
}

// Dump returns dictionary name's terms, sorted.
func (d *Dicts) Dump(name string) ([]string, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	dict := d.dicts[name]
	if dict == nil {
		return nil, ErrNoDict
	}
	out := make([]string, 0, len(dict))
	for t := range dict {
		out = append(out, t)
	}
	sort.Strings(out)
	return out, nil
}

// has reports whether dictionary name holds term (in any case).
func (d *Dicts) has(name, term string) bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	for t := range d.dicts[name] {
		if strings.EqualFold(t, term) {
			return true
		}
	}
	return false
}
