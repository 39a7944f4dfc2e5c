package ft

import (
	"math/bits"
	"slices"
	"strings"
)

// The inverted index of the TEXT fields, as RediSearch keeps one: every
// term (a word, or a stem "+stem") has postings, the ids of the documents
// holding it, ascending, each with the fields it holds the term in (its
// field bits, fieldBit) when the schema has several TEXT fields; the
// number of postings is the term's document frequency. The terms are also
// kept in byte order (Index.terms), so that a prefix reads the range of
// words starting with it and a pattern walks the words in the order
// RediSearch's dictionary gives them. A query reads the postings of its
// terms for the documents that may match (text_bound.go) rather than
// looking at every document; the documents keep their own terms with
// frequencies and positions, which verify phrases and distances and
// score the matches.

// postings are one term's documents: ids with their field bits.
type postings = blockList[uint32, uint64]

// Estimates of what a term takes besides its postings' blocks and its
// place in Index.terms (which blockList counts), in bytes.
const (
	postMapKV  = 24 // Index.post: map[string]*postings
	postStruct = 32 // a postings (n, blocks)
)

// setTextBits records the field bits of the schema's TEXT fields, and
// whether the postings keep field bits: when those are more than one, so
// that a query scoped to some fields can skip the documents holding a
// term in others only. It reports whether that changed. mu must be held
// for writing (or the index not yet shared).
func (ix *Index) setTextBits() bool {
	var b uint64
	for i := range ix.schema.Fields {
		if ix.schema.Fields[i].Type == Text {
			b |= fieldBit(i)
		}
	}
	was := ix.masked
	ix.textBits, ix.masked = b, bits.OnesCount64(b) > 1
	return was != ix.masked
}

// termBytes estimates what term takes in the index besides its postings'
// blocks: its entry in post, its postings' header and its word.
func termBytes(term string) int64 {
	return entryBytes(postMapKV) + postStruct + sizeClass(len(term))
}

// addPosting records that document id holds term in fields. mu must be
// held for writing.
func (ix *Index) addPosting(term string, id uint32, fields uint64) {
	p := ix.post[term]
	if p == nil {
		if ix.post == nil {
			ix.post = map[string]*postings{}
		}
		term = strings.Clone(term) // the document's copy goes with it
		p = &postings{}
		ix.post[term] = p
		ix.postBytes += termBytes(term) + ix.terms.put(term, struct{}{}, false)
	}
	ix.postBytes += p.put(id, fields, ix.masked)
}

// removePosting records that document id no longer holds term; a term no
// document holds leaves the index (and its suffix trie). mu must be held
// for writing.
func (ix *Index) removePosting(term string, id uint32) {
	p := ix.post[term]
	if p == nil {
		return
	}
	ix.postBytes += p.del(id)
	if p.Len() == 0 {
		delete(ix.post, term)
		delete(ix.suffix, term)
		ix.postBytes += ix.terms.del(term) - termBytes(term)
	}
}

// docFreq returns the number of documents holding term. mu must be held.
func (ix *Index) docFreq(term string) int {
	if p := ix.post[term]; p != nil {
		return p.Len()
	}
	return 0
}

// rebuildPostings makes the postings afresh from the documents' terms
// (when FT.ALTER makes them keep field bits). mu must be held for
// writing.
func (ix *Index) rebuildPostings() {
	ix.post, ix.terms, ix.postBytes = nil, blockList[string, struct{}]{}, 0
	ids := make([]uint32, 0, len(ix.docs))
	for id, d := range ix.docs {
		if d.text != nil {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		for term, tt := range ix.docs[id].text.terms {
			ix.addPosting(term, id, tt.fields)
		}
	}
}

// appendIDs appends to dst the ids of p's documents that hold the term in
// a field of mask, ascending (all of them when p keeps no field bits:
// the caller checks mask has the TEXT field's bit).
func appendIDs(dst []uint32, p *postings, mask uint64) []uint32 {
	for bi := range p.blocks {
		b := &p.blocks[bi]
		if b.vals == nil || mask == ^uint64(0) {
			dst = append(dst, b.keys...)
			continue
		}
		for i, id := range b.keys {
			if b.vals[i]&mask != 0 {
				dst = append(dst, id)
			}
		}
	}
	return dst
}

// inFields reports whether a document of p holds the term in a field of
// mask. mu must be held.
func (ix *Index) inFields(p *postings, mask uint64) bool {
	if !ix.masked {
		return mask&ix.textBits != 0
	}
	for bi := range p.blocks {
		b := &p.blocks[bi]
		for _, f := range b.vals {
			if f&mask != 0 {
				return true
			}
		}
	}
	return false
}
