package ft

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/vector"
)

// doc is what an index keeps of one document to filter it.
type doc struct {
	key  string
	id   uint32
	tags map[string][]string // by field alias
	nums map[string]float64
	text *docText                // the terms of its TEXT fields (text.go)
	geo  map[string][][2]float64 // by field alias: each point's longitude, latitude
	mem  int64                   // docBytes, once counted in Index.docBytes
	// tagRecs and valRecs are its tags and its numbers and points, once
	// counted in Index.tagRecs and Index.valRecs.
	tagRecs, valRecs int32
}

// Index is one FT index: its schema, its documents' filterable values and
// a vector engine per VECTOR field.
//
// Locking: mu guards everything but the engines, which are safe for
// concurrent use. Upsert and Delete take mu for writing (the node calls them
// while holding the keyspace lock of that key); Search takes it for reading
// and never calls back into the keyspace while holding it.
type Index struct {
	schema *Schema
	engine map[string]vector.Index // by field alias
	// names are the hash fields Upsert reads: the schema's, LANGUAGE_FIELD
	// and SCORE_FIELD (set with the schema, read without mu).
	names atomic.Pointer[[]string]

	mu       sync.RWMutex
	ids      map[string]uint32 // key -> doc id
	slotDocs []int32           // documents per hash slot, nil until the first (slots.go)
	docs     map[uint32]*doc
	tagPost  map[string]map[string]map[uint32]struct{} // field -> tag -> ids
	nextID   uint32
	failures int64
	created  time.Time
	docBytes int64 // docBytes of every document (memory.go)
	// tagRecs, valRecs and keyBytes are FT.INFO's counts kept as documents
	// come and go (info.go): every document's tags, its numbers and
	// points, and the key table's bytes.
	tagRecs, valRecs, keyBytes int64
	// memMu serialises the refreshes of mem, growth and total (memory.go),
	// which the HNSW workers make without mu; docMem and engs are what
	// they read of the rest.
	memMu  sync.Mutex
	mem    atomic.Int64                   // docBytes plus the engines' bytes
	growth atomic.Int64                   // the engines' next growth, GrowthBytes
	total  *atomic.Int64                  // the catalog's total, following mem; nil when not in one (memMu)
	docMem atomic.Int64                   // docBytes+postBytes as of the last refreshMem
	engs   atomic.Pointer[[]vector.Index] // the engines
	// direct is the catalog's SetDirect flag (tier.go); nil until the
	// index is in a catalog.
	direct atomic.Pointer[atomic.Bool]
	// scan is the progress of a scan indexing existing documents, in
	// millionths (0: none runs; tier.go).
	scan atomic.Int64
	// fulls is the catalog's count of full HNSW buffers (tier.go); nil
	// until the index is in a catalog.
	fulls atomic.Pointer[atomic.Int32]

	// post holds the postings of each full-text term, whose length is the
	// term's document frequency, and terms the same terms in byte order;
	// postBytes is what both take; textBits are the TEXT fields' bits, and
	// masked says whether the postings keep field bits (postings.go).
	// textLen and textDocs sum the lengths of the documents with text,
	// and count them (text.go, score.go).
	post      map[string]*postings
	terms     blockList[string, struct{}]
	postBytes int64
	textBits  uint64
	masked    bool
	textLen   int64
	textDocs  int

	// suffix numbers the words of WITHSUFFIXTRIE fields in the order the
	// index first took them in (text_suffix_trie.go); nextSuffix is the
	// next number.
	suffix     map[string]uint64
	nextSuffix uint64

	// syn maps a term to its synonym groups' ids (FT.SYNUPDATE, compat.go).
	syn map[string][]string

	// restored maps keys to the document ids a snapshot gave them, and
	// seen marks those the keyspace brought back, until FinishLoad.
	restored map[string]uint32
	seen     map[uint32]bool

	// watching is what searches reading documents outside mu are told
	// of the changes meanwhile (watch.go).
	watching
	// size is len(ids), read without mu (Size).
	size atomic.Int64
}

// NewIndex makes an empty index for schema.
func NewIndex(s *Schema) (*Index, error) {
	ix := &Index{schema: s, engine: map[string]vector.Index{}, ids: map[string]uint32{}, docs: map[uint32]*doc{},
		tagPost: map[string]map[string]map[uint32]struct{}{}, created: time.Now()}
	for _, f := range s.Fields {
		if f.Type == Vector {
			e, err := vector.New(f.Vec)
			if err != nil {
				return nil, err
			}
			ix.engine[f.Alias] = ix.tier(e)
		}
	}
	ix.setEngines()
	ix.refreshMem() // the engines' initial capacity
	ix.setNames()
	ix.setTextBits()
	return ix, nil
}

// setNames records the hash fields the schema names.
func (ix *Index) setNames() {
	s := ix.schema
	names := make([]string, 0, len(s.Fields)+2)
	for _, f := range s.Fields {
		names = append(names, f.Name)
	}
	for _, f := range []string{s.LanguageField, s.ScoreField} {
		if f != "" {
			names = append(names, f)
		}
	}
	ix.names.Store(&names)
}

// FieldNames returns the hash fields Upsert reads (the caller must not
// modify them).
func (ix *Index) FieldNames() []string { return *ix.names.Load() }

// Schema returns the index's schema.
func (ix *Index) Schema() *Schema { return ix.schema }

// Matches reports whether key falls under the index's prefixes.
func (ix *Index) Matches(key string) bool {
	if len(ix.schema.Prefixes) == 0 {
		return true
	}
	for _, p := range ix.schema.Prefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// Upsert indexes (or re-indexes) the hash at key. A document with a vector
// blob of the wrong size or with a NaN or infinite value, or with a
// NUMERIC field that is not a number, fails: it leaves the index (its
// earlier version too) and counts in the failures.
func (ix *Index) Upsert(key string, fields map[string][]byte) {
	ix.waitRoom()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	defer ix.refreshMem()
	id, ok := ix.ids[key]
	restoring := false
	var old *doc // the version d replaces, whose text postings d's replace
	if ok {
		old = ix.docs[id]
		ix.unindex(id, true)
	} else if rid, was := ix.restored[key]; was {
		id, restoring = rid, true
		ix.ids[key] = id
		ix.keyBytes += keyBytes(key)
		ix.countSlot(key, 1)
		ix.seen[id] = true
	} else {
		id = ix.nextID
		ix.nextID++
		ix.ids[key] = id
		ix.keyBytes += keyBytes(key)
		ix.countSlot(key, 1)
	}
	ix.noteChange(id)
	d := &doc{key: key, id: id}
	defer ix.countDoc(id, d)
	failed := false
	lang := ix.schema.docLanguage(fields)
	stem, split := stemmerOf(lang), tokenizerOf(lang)
	for i := range ix.schema.Fields {
		f := &ix.schema.Fields[i]
		raw, has := lookupField(fields, f.Name)
		if !has {
			if f.Type == Vector {
				ix.engine[f.Alias].Remove(id)
			}
			continue
		}
		switch f.Type {
		case Tag:
			if d.tags == nil {
				d.tags = map[string][]string{}
			}
			for _, t := range strings.Split(string(raw), string(f.Separator)) {
				t = strings.TrimSpace(t)
				if t == "" {
					continue
				}
				if !f.CaseSensitive {
					t = strings.ToLower(t)
				}
				d.tags[f.Alias] = append(d.tags[f.Alias], t)
				post := ix.tagPost[f.Alias]
				if post == nil {
					post = map[string]map[uint32]struct{}{}
					ix.tagPost[f.Alias] = post
				}
				if post[t] == nil {
					post[t] = map[uint32]struct{}{}
				}
				post[t][id] = struct{}{}
			}
		case Numeric:
			v, err := strconv.ParseFloat(strings.TrimSpace(string(raw)), 64)
			if err != nil {
				failed = true
				continue
			}
			if d.nums == nil {
				d.nums = map[string]float64{}
			}
			d.nums[f.Alias] = v
		case Geo:
			pts, ok := ix.geoPoints(raw)
			if !ok {
				failed = true
				continue
			}
			if d.geo == nil {
				d.geo = map[string][][2]float64{}
			}
			d.geo[f.Alias] = pts
		case Text:
			if d.text == nil {
				d.text = &docText{terms: map[string]*textTerm{}, score: ix.schema.docScore(fields)}
			}
			d.text.add(f, i, string(raw), stem, split, ix.schema.isStopWord)
		case Vector:
			v, err := vector.DecodeFloat32(raw, f.Vec.Dim)
			if err == nil && !(restoring && sameVector(ix.engine[f.Alias], id, v)) {
				err = ix.engine[f.Alias].Add(id, v)
			}
			if err != nil {
				ix.engine[f.Alias].Remove(id)
				failed = true
			}
		}
	}
	ix.docs[id] = d
	ix.countText(d, 1)
	ix.postText(id, old, d)
	if failed {
		// As in RediSearch, a document that fails to index is not in the
		// index at all: not counted, not matched, not returned.
		ix.failures++
		ix.drop(key, id)
	}
}

// drop removes document id of key from the postings, the engines and the
// key table. mu must be held for writing.
func (ix *Index) drop(key string, id uint32) {
	ix.unindex(id, false)
	if _, ok := ix.ids[key]; ok {
		ix.countSlot(key, -1)
		ix.keyBytes -= keyBytes(key)
	}
	delete(ix.ids, key)
	for _, e := range ix.engine {
		e.Remove(id)
	}
}

func lookupField(fields map[string][]byte, name string) ([]byte, bool) {
	v, ok := fields[name]
	return v, ok
}

// unindex removes doc id's tag postings and, unless the caller replaces
// them (keepText: postText), its text postings (its vectors are replaced
// or removed by the caller). mu must be held for writing.
func (ix *Index) unindex(id uint32, keepText bool) {
	d := ix.docs[id]
	if d == nil {
		return
	}
	for field, tags := range d.tags {
		for _, t := range tags {
			if post := ix.tagPost[field][t]; post != nil {
				delete(post, id)
				if len(post) == 0 {
					delete(ix.tagPost[field], t)
				}
			}
		}
	}
	ix.countText(d, -1)
	if !keepText {
		ix.postText(id, d, nil)
	}
	delete(ix.docs, id)
	ix.docBytes -= d.mem
	ix.tagRecs -= int64(d.tagRecs)
	ix.valRecs -= int64(d.valRecs)
}

// Delete removes key's document.
func (ix *Index) Delete(key string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	defer ix.refreshMem()
	id, ok := ix.ids[key]
	if !ok {
		return
	}
	ix.noteChange(id)
	ix.drop(key, id)
}

// Size returns the number of documents without waiting for a change
// under way.
func (ix *Index) Size() int { return int(ix.size.Load()) }

// Len returns the number of documents.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.ids)
}

// CountAdmitted returns the number of documents whose keys admit accepts
// (a clustered node counts only the slots it serves, as FT.SEARCH does).
func (ix *Index) CountAdmitted(admit func(key string) bool) int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := 0
	for k := range ix.ids {
		if admit(k) {
			n++
		}
	}
	return n
}

// Keys returns every indexed key (for FT.DROPINDEX DD).
func (ix *Index) Keys() []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]string, 0, len(ix.ids))
	for k := range ix.ids {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// eval reports whether doc d passes n. mu must be held.
func (ix *Index) eval(n *Node, d *doc) bool {
	switch n.Kind {
	case qAll:
		return true
	case qAnd:
		if n.slopSet() {
			return ix.resultOf(n, d) != nil
		}
		for _, k := range n.Kids {
			if !ix.eval(k, d) {
				return false
			}
		}
		return true
	case qOr:
		for _, k := range n.Kids {
			if ix.eval(k, d) {
				return true
			}
		}
		return false
	case qNot:
		return !ix.eval(n.Kids[0], d)
	case qOptional:
		return true
	case qTag:
		wants := ix.tagValues(n, Expansion{})
		for _, have := range d.tags[n.Field] {
			if slices.Contains(wants, have) {
				return true
			}
		}
		return false
	case qNum:
		v, ok := d.nums[n.Field]
		if !ok {
			return false
		}
		if v < n.Lo || (n.LoEx && v == n.Lo) || v > n.Hi || (n.HiEx && v == n.Hi) {
			return false
		}
		return true
	case qGeo:
		return n.Geo.withinAny(d.geo[n.Field])
	case qKeys:
		_, ok := n.keys[d.key]
		return ok
	case qVecRange:
		_, ok := n.Range.dist[d.id]
		return ok
	case qText:
		return ix.textMatch(n, d)
	}
	return false
}

// hasWord reports whether d holds the word term (or a word with its
// prefix, for a term ending in *) in field ("" for any). mu must be held.
func (ix *Index) hasWord(d *doc, field, term string) bool {
	return len(ix.queryTerms(d, field, term, "", true)) > 0
}

// candidates returns the doc ids passing n when a tag clause bounds them
// (nil, false when n has no such bound and every doc must be checked).
// mu must be held.
func (ix *Index) candidates(n *Node) ([]uint32, bool) {
	var seed map[uint32]struct{}
	var pick func(n *Node)
	pick = func(n *Node) {
		switch n.Kind {
		case qTag:
			set := map[uint32]struct{}{}
			for _, t := range ix.tagValues(n, Expansion{}) {
				for id := range ix.tagPost[n.Field][t] {
					set[id] = struct{}{}
				}
			}
			if seed == nil || len(set) < len(seed) {
				seed = set
			}
		case qKeys:
			if set := ix.keyIDs(n); seed == nil || len(set) < len(seed) {
				seed = set
			}
		case qAnd:
			for _, k := range n.Kids {
				pick(k)
			}
		}
	}
	pick(n)
	if seed == nil {
		return nil, false
	}
	out := make([]uint32, 0, len(seed))
	for id := range seed {
		if d := ix.docs[id]; d != nil && ix.eval(n, d) {
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, true
}

// Info is FT.INFO's data.
type Info struct {
	Name             string
	Prefixes         []string
	Fields           []Field
	NumDocs          int
	MaxDocID         uint32
	IndexingFailures int64
	// Scanned is the part of the keyspace a scan indexing existing
	// documents has gone through (FT.CREATE, FT.ALTER), 1 when none runs.
	Scanned float64
	// Backlog is how many vector changes wait to enter the HNSW graphs
	// (FT.INFO's indexing and percent_indexed; tier.go).
	Backlog          int
	VectorIndexBytes int64
	OnJSON           bool // key_type JSON
	// StopWords is the index's STOPWORDS list when FT.CREATE gave one
	// (CustomStopWords).
	StopWords       []string
	CustomStopWords bool
	// Language is FT.CREATE's LANGUAGE ("" for English) and
	// LanguageField its LANGUAGE_FIELD.
	Language, LanguageField string

	// Counts behind FT.INFO's statistics (info.go).
	Stats InfoStats
}

// Info describes the index.
func (ix *Index) Info() Info {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	inf := Info{Name: ix.schema.Name, Prefixes: ix.schema.Prefixes, Fields: ix.schema.Fields, NumDocs: len(ix.ids), OnJSON: ix.schema.OnJSON,
		Backlog: ix.backlog(), Scanned: ix.scanned(),
		MaxDocID: ix.nextID, IndexingFailures: ix.failures, StopWords: ix.schema.StopWords, CustomStopWords: ix.schema.CustomStopWords,
		Language: ix.schema.Language, LanguageField: ix.schema.LanguageField}
	ix.countRecords(&inf)
	for _, e := range ix.engine {
		inf.VectorIndexBytes += e.MemoryBytes()
	}
	return inf
}

// AddFields adds non-vector fields to the schema (FT.ALTER); spec are
// their FT.CREATE words, kept so the definition persists. Documents are
// re-indexed by the caller.
func (ix *Index) AddFields(fields []Field, spec []string) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, f := range fields {
		if _, dup := ix.schema.field(f.Alias); dup {
			return errf("Duplicate field in schema - %s", f.Alias)
		}
	}
	ix.schema.Fields = append(ix.schema.Fields, fields...)
	ix.schema.Args = append(ix.schema.Args, spec...)
	ix.setNames()
	if ix.setTextBits() {
		ix.rebuildPostings()
		ix.refreshMem()
	}
	ix.noteAll()
	return nil
}
