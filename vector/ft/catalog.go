package ft

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Catalog holds a node's FT indexes by name and routes document changes to
// the indexes whose prefixes match. Safe for concurrent use.
type Catalog struct {
	mu      sync.RWMutex // guards indexes and aliases
	indexes map[string]*Index
	aliases map[string]string // lower-case alias -> lower-case index name (alias.go)
	total   atomic.Int64      // every index's MemoryBytes (kept by the indexes)
	n       atomic.Int32      // len(indexes), read without the lock
	direct  atomic.Bool       // SetDirect (tier.go)
	full    atomic.Int32      // HNSW buffers that are full (tier.go)

	// Dicts and Config are the node's other search state (FT.DICT*,
	// FT.CONFIG); each guards itself. FT.SUG* dictionaries are keys
	// (SugDict).
	Dicts  *Dicts
	Config *Config
}

// NewCatalog makes an empty catalog.
func NewCatalog() *Catalog {
	return &Catalog{indexes: map[string]*Index{}, aliases: map[string]string{},
		Dicts: NewDicts(), Config: NewConfig()}
}

// Create adds an index; it is empty until the caller feeds it the
// existing matching documents.
func (c *Catalog) Create(s *Schema) (*Index, error) {
	ix, err := NewIndex(s)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.indexes[strings.ToLower(s.Name)]; ok {
		return nil, ErrIndexExists
	}
	ix.attach(&c.total)
	ix.direct.Store(&c.direct)
	ix.fulls.Store(&c.full)
	c.indexes[strings.ToLower(s.Name)] = ix
	c.n.Store(int32(len(c.indexes)))
	return ix, nil
}

// Get finds an index by name.
func (c *Catalog) Get(name string) (*Index, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	ix, ok := c.indexes[c.resolve(name)]
	if !ok {
		return nil, ErrUnknownIndex
	}
	return ix, nil
}

// Drop removes an index and returns it.
func (c *Catalog) Drop(name string) (*Index, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	lower := c.resolve(name)
	ix, ok := c.indexes[lower]
	if !ok {
		return nil, ErrUnknownIndex
	}
	ix.leave()
	delete(c.indexes, lower)
	c.n.Store(int32(len(c.indexes)))
	c.dropAliasesOf(lower)
	ix.attach(nil)
	ix.stopTiers()
	return ix, nil
}

// Len returns how many indexes there are, without waiting for a change
// under way: a writer that needs them all (Wants, HashChanged) asks it
// first, so a node without indexes takes no lock per write.
func (c *Catalog) Len() int { return int(c.n.Load()) }

// List returns the index names, sorted.
func (c *Catalog) List() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]string, 0, len(c.indexes))
	for _, ix := range c.indexes {
		out = append(out, ix.schema.Name)
	}
	sort.Strings(out)
	return out
}

func (c *Catalog) all() []*Index {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]*Index, 0, len(c.indexes))
	for _, ix := range c.indexes {
		out = append(out, ix)
	}
	return out
}

// HashChanged indexes the hash at key in every index whose prefix matches.
// It implements the keyspace's observer.
func (c *Catalog) HashChanged(key string, slot int, fields map[string][]byte) {
	for _, ix := range c.all() {
		if ix.Matches(key) && !ix.schema.OnJSON {
			ix.Upsert(key, fields)
		}
	}
}

// JSONChanged indexes the JSON document at key in every ON JSON index
// whose prefix matches; fields gives the document's values for a schema
// (by field name, as a hash would hold them).
func (c *Catalog) JSONChanged(key string, fields func(*Schema) map[string][]byte) {
	for _, ix := range c.all() {
		if ix.Matches(key) && ix.schema.OnJSON {
			ix.Upsert(key, fields(ix.schema))
		}
	}
}

// HashFieldNames returns the hash fields HashChanged reads of key: those
// the schemas of the indexes over key name (its other fields may be left
// out of HashChanged's fields). The caller must not modify them.
func (c *Catalog) HashFieldNames(key string) []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []string
	merged := false
	for _, ix := range c.indexes {
		if ix.schema.OnJSON || !ix.Matches(key) {
			continue
		}
		if out == nil {
			out = ix.FieldNames() // one index, the usual case: its own list
			continue
		}
		if !merged {
			out, merged = slices.Clone(out), true
		}
		out = append(out, ix.FieldNames()...)
	}
	return out
}

// Wants reports whether some index's prefixes match key: only then does
// HashChanged need the hash's fields.
func (c *Catalog) Wants(key string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, ix := range c.indexes {
		if ix.Matches(key) {
			return true
		}
	}
	return false
}

// KeyRemoved drops key from every index.
func (c *Catalog) KeyRemoved(key string, slot int) {
	for _, ix := range c.all() {
		ix.Delete(key)
	}
}

// Reply renders a result as FT.SEARCH's reply: the total, then each key
// (with its score when withScores) and its field/value list.
func (r *Result) Reply(noContent, withScores bool) []any {
	out := []any{int64(r.Total)}
	for _, d := range r.Docs {
		out = append(out, d.Key)
		if withScores {
			out = append(out, r.scoreReply(&d, false))
		}
		if !noContent {
			out = append(out, d.fieldValues())
		}
	}
	return out
}

// Usage returns the bytes of every index's vector engines and the number
// of indexed documents, for load reports.
func (c *Catalog) Usage() (bytes int64, docs int64) {
	for _, ix := range c.all() {
		inf := ix.Info()
		bytes += inf.VectorIndexBytes
		docs += int64(inf.NumDocs)
	}
	return bytes, docs
}
