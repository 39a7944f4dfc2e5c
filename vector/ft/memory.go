package ft

import (
	"sync/atomic"

	"github.com/vcache/vcache/internal/heapsize"
	"github.com/vcache/vcache/vector"
)

// Memory accounting: an index keeps a running estimate of its heap bytes
// (its documents' filter values, tag postings and id maps, its full-text
// postings and terms, plus its vector engines), updated by Upsert and
// Delete, so the node can count indexes
// against maxmemory with an atomic load. TestIndexMemoryAccounting checks
// the estimate against the heap.

// Estimates of Go's allocations, in bytes.
const (
	mapHeader      = 48 // a map's header
	mapGroup       = 8  // slots per group (and control bytes per group)
	docStruct      = 64 // a doc (key, id, four map pointers, mem)
	strHeader      = 16
	postingKV      = 4  // a tag posting: map[uint32]struct{}
	idsKV          = 24 // ids: map[string]uint32, padded
	docsKV         = 16 // docs: map[uint32]*doc
	tagsKV         = 40 // doc.tags: map[string][]string
	numsKV         = 24 // doc.nums: map[string]float64
	geoKV          = 40 // doc.geo: map[string][][2]float64
	termsKV        = 24 // docText.terms: map[string]*textTerm
	docTextStruct  = 48 // a docText
	textTermStruct = 48 // a textTerm (freq, fields, pos)
	mapLoadNum     = 8  // a large map's slots per entry, as mapLoadNum/mapLoadDen:
	mapLoadDen     = 5  // 7/8 full at most, about 5/8 on average between growths
)

// mapBytes estimates a map of n entries whose key and value take kv bytes.
func mapBytes(n, kv int) int64 {
	if n <= mapGroup {
		return mapHeader + sizeClass(mapGroup+mapGroup*kv)
	}
	return mapHeader + int64(n)*int64(kv+1)*mapLoadNum/mapLoadDen
}

// entryBytes estimates one entry's share of a large map.
func entryBytes(kv int) int64 { return int64(kv+1) * mapLoadNum / mapLoadDen }

// docBytes estimates what the index holds for document d: its entries in
// ids and docs, the doc, its filter values and its tag postings.
func docBytes(d *doc) int64 {
	n := entryBytes(idsKV) + entryBytes(docsKV) + docStruct + sizeClass(len(d.key))
	if d.tags != nil {
		n += mapBytes(len(d.tags), tagsKV)
		for _, ts := range d.tags {
			n += sizeClass(strHeader * cap(ts))
			for _, t := range ts {
				n += sizeClass(len(t)) + entryBytes(postingKV)
			}
		}
	}
	if d.nums != nil {
		n += mapBytes(len(d.nums), numsKV)
	}
	if d.geo != nil {
		n += mapBytes(len(d.geo), geoKV)
		for _, pts := range d.geo {
			n += sizeClass(16 * len(pts))
		}
	}
	if d.text != nil {
		n += docTextStruct + mapBytes(len(d.text.terms), termsKV)
		for w, t := range d.text.terms {
			n += sizeClass(len(w)) + textTermStruct + sizeClass(4*cap(t.pos))
		}
	}
	return n
}

// countDoc adds document d's bytes to the index's if Upsert left it in
// the index (a document that failed may have been dropped again). mu must
// be held for writing.
func (ix *Index) countDoc(id uint32, d *doc) {
	if ix.docs[id] == d {
		d.mem = docBytes(d)
		ix.docBytes += d.mem
		for _, ts := range d.tags {
			d.tagRecs += int32(len(ts))
		}
		d.valRecs = int32(len(d.nums) + len(d.geo))
		ix.tagRecs += int64(d.tagRecs)
		ix.valRecs += int64(d.valRecs)
	}
}

// keyBytes is what key takes in the key table (FT.INFO's
// key_table_size_mb).
func keyBytes(key string) int64 { return int64(len(key)) + entryBytes(idsKV) }

// MemoryBytes returns the index's estimated heap bytes: documents, tag
// postings and vector engines. It is an atomic load, cheap enough to be
// read before every write.
func (ix *Index) MemoryBytes() int64 { return ix.mem.Load() }

// refreshMem recomputes the index's bytes from its document bytes, its
// full-text postings' and its engines' own estimates, and passes the
// change on to the catalog's total. mu must be held for writing.
func (ix *Index) refreshMem() {
	ix.docMem.Store(ix.docBytes + ix.postBytes)
	ix.refreshEngines()
}

// refreshEngines is refreshMem without mu, from the document bytes the
// last refreshMem saw: the HNSW workers call it when they grew a graph
// (a snapshot may hold mu for reading while it waits for them).
func (ix *Index) refreshEngines() {
	ix.memMu.Lock()
	defer ix.memMu.Unlock()
	n, g := ix.docMem.Load(), int64(0)
	for _, e := range *ix.engs.Load() {
		n += e.MemoryBytes()
		if e, ok := e.(grower); ok {
			g += e.GrowthBytes()
		}
	}
	ix.growth.Store(g)
	if d := n - ix.mem.Swap(n); d != 0 && ix.total != nil {
		ix.total.Add(d)
	}
}

// setEngines records the engines for refreshEngines. mu must be held for
// writing (or the index not yet shared).
func (ix *Index) setEngines() {
	engs := make([]vector.Index, 0, len(ix.engine))
	for _, e := range ix.engine {
		engs = append(engs, e)
	}
	ix.engs.Store(&engs)
}

// grower is a vector engine whose memory grows by a chunk at once (HNSW).
type grower interface {
	// GrowthBytes returns how much MemoryBytes rises at the next Add
	// if that Add grows the engine, else 0.
	GrowthBytes() int64
}

// GrowthBytes returns how much the index's MemoryBytes may rise at once
// beyond a document's own bytes at its next Upsert: its vector engines'
// next growth. An atomic load.
func (ix *Index) GrowthBytes() int64 { return ix.growth.Load() }

// attach makes total (a catalog's) follow the index's bytes from now on,
// or stop following them (nil).
func (ix *Index) attach(total *atomic.Int64) {
	ix.memMu.Lock()
	defer ix.memMu.Unlock()
	if ix.total != nil {
		ix.total.Add(-ix.mem.Load())
	}
	ix.total = total
	if total != nil {
		total.Add(ix.mem.Load())
	}
}

// MemoryBytes returns the estimated heap bytes of every index in the
// catalog (an atomic load).
func (c *Catalog) MemoryBytes() int64 { return c.total.Load() }

// GrowthFor returns the sum of GrowthBytes of the indexes whose prefixes
// match key: how much a write of key may add at once beyond the
// document's own bytes.
func (c *Catalog) GrowthFor(key string) int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var g int64
	for _, ix := range c.indexes {
		if ix.Matches(key) {
			g += ix.growth.Load()
		}
	}
	return g
}

// sizeClass returns the bytes an allocation of n bytes takes
// (heapsize.SizeClass).
func sizeClass(n int) int64 { return heapsize.SizeClass(n) }
