package ft

import (
	"math/bits"
	"slices"
	"strings"
)

// A query's documents from the postings: before a filter is evaluated,
// its text terms and tag values say which documents may pass it — those
// in the postings of the words a term stands for (the word in the fields
// the clause names, its stems in the fields that stem, a prefix's or a
// pattern's words, its synonyms' words), or holding a tag value — and
// only those are evaluated (eval), as RediSearch reads its inverted
// index rather than every document. The evaluation stays the judge of
// each document, so the bound may hold more documents than pass (a
// phrase's words not in a row, a term's fields, an intersection's other
// clauses) but never fewer: an intersection is bounded by its smallest
// bounded clause, a union only when each of its clauses is, a text
// clause of several words by its rarest word. A text clause of one term,
// a tag clause and a union of such are bounded exactly: their documents
// are not evaluated again.

// postRef is the postings of one word, read in the fields of mask.
type postRef struct {
	p    *postings
	mask uint64
}

// bounds are the documents that may pass a clause: the union of some
// words' postings, tag values' documents and other bounds. size is the
// sum of their lengths, at least the union's; exact says every one of
// them passes.
type bounds struct {
	size  int
	exact bool
	posts []postRef
	tags  []map[uint32]struct{}
	kids  []*bounds
}

// addWord adds to b the documents of p holding the word in a field of
// mask. mu must be held.
func (ix *Index) addWord(b *bounds, p *postings, mask uint64) {
	if p != nil && (ix.masked || mask&ix.textBits != 0) {
		b.posts = append(b.posts, postRef{p, mask})
		b.size += p.Len()
	}
}

// bound returns the ids of the documents that may pass n, ascending, or
// ok false when no postings bound them (every document must be
// evaluated). Every document passing n (eval, resultOf) is among them,
// and when exact no other. mu must be held.
func (ix *Index) bound(n *Node) (ids []uint32, exact, ok bool) {
	b := ix.boundsOf(n)
	if b == nil {
		return nil, false, false
	}
	return b.ids(ix.nextID), b.exact, true
}

// boundsOf returns the bounds of n's documents, nil for none. mu must be
// held.
func (ix *Index) boundsOf(n *Node) *bounds {
	switch n.Kind {
	case qAnd:
		var best *bounds
		for _, k := range n.Kids {
			if b := ix.boundsOf(k); b != nil && (best == nil || b.size < best.size) {
				best = b
			}
		}
		if best != nil {
			best.exact = best.exact && len(n.Kids) == 1 && !n.slopSet()
		}
		return best
	case qOr:
		out := &bounds{exact: true}
		for _, k := range n.Kids {
			b := ix.boundsOf(k)
			if b == nil {
				return nil
			}
			out.kids = append(out.kids, b)
			out.size += b.size
			out.exact = out.exact && b.exact
		}
		return out
	case qTag:
		out := &bounds{exact: true}
		for _, t := range ix.tagValues(n, Expansion{}) {
			if set := ix.tagPost[n.Field][t]; len(set) > 0 {
				out.tags = append(out.tags, set)
				out.size += len(set)
			}
		}
		return out
	case qText:
		return ix.textBounds(n)
	case qKeys:
		set := ix.keyIDs(n)
		return &bounds{exact: true, tags: []map[uint32]struct{}{set}, size: len(set)}
	}
	return nil
}

// textBounds returns the bounds of text clause n: those of its term with
// the fewest documents, as textMatch passes a document (nil for a clause
// of no term, which passes every document); a clause of one term is
// bounded exactly.
func (ix *Index) textBounds(n *Node) *bounds {
	var best *bounds
	for i, t := range n.Terms {
		b := &bounds{exact: len(n.Terms) == 1}
		if n.Phrase && len(n.Terms) > 1 {
			ix.queryWords(b, n.Field, t, "", true)
		} else {
			ix.nodeWords(b, n, i, n.Verbatim || n.Phrase)
			ix.synonymWords(b, n.Field, t)
		}
		if best == nil || b.size < best.size {
			best = b
		}
	}
	return best
}

// nodeWords adds to b the postings of the words text node n's i-th term
// stands for, as nodeTerms finds them in a document.
func (ix *Index) nodeWords(b *bounds, n *Node, i int, verbatim bool) {
	t := n.Terms[i]
	words, expanded := n.expand[t]
	if !expanded && !isPattern(t) {
		ix.queryWords(b, n.Field, t, n.stemOf(i), verbatim)
		return
	}
	mask, _ := ix.fieldMask(n.Field)
	if expanded {
		for _, w := range words {
			ix.addWord(b, ix.post[w], mask)
		}
		return
	}
	ix.wordsMatching(t, func(_ string, p *postings) { ix.addWord(b, p, mask) })
}

// queryWords adds to b the postings of the words query term q stands for
// in field, as queryTerms finds them in a document: a prefix's words, or
// q and unless verbatim its stem forms in the fields that stem.
func (ix *Index) queryWords(b *bounds, field, q, stem string, verbatim bool) {
	mask, stems := ix.fieldMask(field)
	verbatim = verbatim || stems == 0
	if p, ok := strings.CutSuffix(q, "*"); ok {
		ix.terms.ascend(p, func(w string, _ struct{}) bool {
			if !strings.HasPrefix(w, p) {
				return false
			}
			if !strings.HasPrefix(w, stemPrefix) {
				ix.addWord(b, ix.post[w], mask)
			}
			return true
		})
		return
	}
	ix.addWord(b, ix.post[q], mask)
	if !verbatim {
		if stem == "" {
			stem = stemEnglish(q)
		}
		ix.addWord(b, ix.post[stemPrefix+stem], stems)
		if stem != q {
			ix.addWord(b, ix.post[stem], stems)
		}
	}
}

// synonymWords adds to b the postings of the words sharing a synonym
// group with term, as hasSynonym finds them in a document.
func (ix *Index) synonymWords(b *bounds, field, term string) {
	groups := ix.syn[term]
	if len(groups) == 0 {
		return
	}
	for other, og := range ix.syn {
		if other == term || !slices.ContainsFunc(og, func(g string) bool { return contains(groups, g) }) {
			continue
		}
		ix.queryWords(b, field, other, "", true)
	}
}

// ids returns the bounds' documents, ascending, each once; maxID bounds
// the ids.
func (b *bounds) ids(maxID uint32) []uint32 {
	if len(b.posts) == 1 && len(b.tags) == 0 && len(b.kids) == 0 {
		return appendIDs(nil, b.posts[0].p, b.posts[0].mask) // sorted already
	}
	if b.size >= int(maxID/8) {
		// A large union: a bitmap of the ids, read in order.
		set := make([]uint64, (maxID+63)/64)
		b.mark(&set)
		out := make([]uint32, 0, min(b.size, int(maxID)))
		for i, w := range set {
			for ; w != 0; w &= w - 1 {
				out = append(out, uint32(i*64+bits.TrailingZeros64(w)))
			}
		}
		return out
	}
	out := b.collect(make([]uint32, 0, b.size))
	slices.Sort(out)
	return slices.Compact(out)
}

// collect appends the bounds' ids to dst, in no order, some maybe twice.
func (b *bounds) collect(dst []uint32) []uint32 {
	for _, r := range b.posts {
		dst = appendIDs(dst, r.p, r.mask)
	}
	for _, set := range b.tags {
		for id := range set {
			dst = append(dst, id)
		}
	}
	for _, k := range b.kids {
		dst = k.collect(dst)
	}
	return dst
}

// mark sets the bounds' ids in set (grown if an id is past its end).
func (b *bounds) mark(set *[]uint64) {
	put := func(id uint32) {
		w := int(id / 64)
		if w >= len(*set) {
			*set = append(*set, make([]uint64, w+1-len(*set))...)
		}
		(*set)[w] |= 1 << (id % 64)
	}
	var buf []uint32
	for _, r := range b.posts {
		buf = appendIDs(buf[:0], r.p, r.mask)
		for _, id := range buf {
			put(id)
		}
	}
	for _, s := range b.tags {
		for id := range s {
			put(id)
		}
	}
	for _, k := range b.kids {
		k.mark(set)
	}
}
