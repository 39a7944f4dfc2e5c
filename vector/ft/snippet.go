package ft

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vcache/vcache/internal/ftargs"
)

// HIGHLIGHT and SUMMARIZE, as RediSearch 2.8 applies them to FT.SEARCH's
// returned fields (its highlight_processor.c and summarize_spec.c). The
// clauses make a list of fields: those they name with FIELDS, then
// RETURN's; with RETURN only RETURN's stay. A clause without FIELDS sets
// the settings of every field the list has no own settings for, and when
// the list is empty it applies to every returned field. A field the
// query matched words of (a TEXT field, by its returned name) is then
// fragmented (fragment.go); a value that is no string (a distance, a
// NUMERIC field's, a JSON value in DIALECT 3) is left alone, and so is a
// field without a match, unless only SUMMARIZE applies to it, which then
// cuts it to its start (trimSummary). The words matched are those of the
// query's terms whose offsets RediSearch's match of the document has:
// every occurrence of a word, stem or pattern word the query matched in
// the document (in any field), a pattern's first word only (its union
// stops there), no negated word.

// snipMode says which of HIGHLIGHT and SUMMARIZE apply.
type snipMode uint8

const (
	snipHighlight snipMode = 1 << iota
	snipSummarize
)

// snipSettings are one field's settings.
type snipSettings struct {
	mode        snipMode
	open, close string
	frags       uint16 // RediSearch keeps FRAGS in 16 bits
	length      uint32
	sep         string
}

// snipField is a field of the list.
type snipField struct {
	name     string
	path     string // RETURN's path for name ("" when not returned)
	returned bool
	own      snipSettings
}

// snippets are a search's HIGHLIGHT and SUMMARIZE clauses.
type snippets struct {
	def       snipSettings
	fields    []*snipField
	hasReturn bool
}

// newSnippets makes the field list of clauses and RETURN's fields ret
// (nil without RETURN); nil without clauses.
func newSnippets(clauses []ftargs.Snippet, ret []ftargs.ReturnField) *snippets {
	if len(clauses) == 0 {
		return nil
	}
	s := &snippets{hasReturn: ret != nil}
	for _, c := range clauses {
		set := func(t *snipSettings) {
			if c.Highlight {
				t.mode |= snipHighlight
				t.open, t.close = c.Open, c.Close
			} else {
				t.mode |= snipSummarize
				t.frags, t.length, t.sep = uint16(c.Frags), uint32(c.Len), c.Separator
			}
		}
		if c.Fields == nil {
			set(&s.def)
		}
		for _, name := range c.Fields {
			set(&s.field(name).own)
		}
	}
	if ret != nil {
		for _, f := range ret {
			sf := s.field(f.Name)
			sf.returned = true
			if sf.path == "" {
				sf.path = f.Path
			}
		}
		s.fields = slices.DeleteFunc(s.fields, func(f *snipField) bool { return !f.returned })
	}
	return s
}

// field returns the list's field name, added at its end when new.
func (s *snippets) field(name string) *snipField {
	for _, f := range s.fields {
		if f.name == name {
			return f
		}
	}
	f := &snipField{name: name}
	s.fields = append(s.fields, f)
	return f
}

// active says whether a clause applies to f.
func (s *snippets) active(f *snipField) bool { return f.own.mode != 0 || s.def.mode != 0 }

// settings are f's: its own for a kind of clause that names it, the
// clause without FIELDS' for the other.
func (s *snippets) settings(f *snipField) snipSettings {
	out := f.own
	if s.def.mode&snipHighlight != 0 && f.own.mode&snipHighlight == 0 {
		out.open, out.close = s.def.open, s.def.close
	}
	if s.def.mode&snipSummarize != 0 && f.own.mode&snipSummarize == 0 {
		out.frags, out.length, out.sep = s.def.frags, s.def.length, s.def.sep
	}
	out.mode |= s.def.mode
	return out
}

// HasSnippets reports whether the search has HIGHLIGHT or SUMMARIZE.
func (r *SearchRequest) HasSnippets() bool { return r.snippets != nil }

// errNoOffsets is RediSearch's error for HIGHLIGHT or SUMMARIZE over an
// index made with NOOFFSETS or NOHL (its words).
var errNoOffsets = errf("Cannot use highlight/summarize because NOOFSETS was specified at index level")

// checkSnippets checks the fields the clauses apply to, as RediSearch
// does when it builds the reply: with RETURN each must come from a
// schema field (not be the query's distance), without RETURN be a schema
// field (a SORTABLE one on JSON, whose other fields the reply does not
// load).
func (ix *Index) checkSnippets(req *SearchRequest) error {
	s := req.snippets
	if s == nil || req.NoContent {
		return nil
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	made := rangeYields(req.Filter)
	byQuery := func(name string) bool {
		_, yield := made[name]
		return yield || req.KNN != nil && name == req.KNN.ScoreField()
	}
	for _, f := range s.fields {
		if !s.active(f) {
			continue
		}
		if s.hasReturn {
			if _, ok := ix.schema.field(f.path); !ok || byQuery(f.name) {
				return errf("Property `%s` is not in schema", f.name)
			}
			continue
		}
		if byQuery(f.name) {
			return errf("Property `%s` is not in schema", f.name)
		}
		if sf, ok := ix.schema.field(f.name); !ok || ix.schema.OnJSON && !sf.Sortable {
			return errf("No such property `%s`", f.name)
		}
	}
	return nil
}

// matchTerm is a term the query matched in a document: its idf, and its
// place among the match's terms.
type matchTerm struct {
	score float32
	order int
}

// snipView is what the clauses read of the index for a page of results:
// its schema, with the fields copied under mu (FT.ALTER adds to them),
// and the terms the query matched in each document, by id.
type snipView struct {
	schema *Schema
	fields []Field
	terms  map[uint32]map[string]matchTerm
}

// viewSnippets reads the view of page's documents (those the index still
// holds). mu must not be held.
func (ix *Index) viewSnippets(req *SearchRequest, page []hit) *snipView {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	v := &snipView{schema: ix.schema, fields: slices.Clone(ix.schema.Fields)}
	if req.Filter == nil || !hasText(req.Filter) || len(page) == 0 {
		return v
	}
	c := ix.newScoreCtx(req)
	v.terms = make(map[uint32]map[string]matchTerm, len(page))
	for _, h := range page {
		d := ix.docs[h.id]
		if d == nil || d.key != h.key {
			continue
		}
		if r := ix.resultOf(req.Filter, d); r != nil {
			v.terms[h.id] = matchedTerms(r, c)
		}
	}
	return v
}

// field returns the schema field called alias.
func (v *snipView) field(alias string) (*Field, bool) {
	for i := range v.fields {
		if strings.EqualFold(v.fields[i].Alias, alias) {
			return &v.fields[i], true
		}
	}
	return nil, false
}

// matchedTerms returns the terms of a document's match that have
// offsets, in the match's order: a pattern's first word only.
func matchedTerms(r *result, c *scoreCtx) map[string]matchTerm {
	out := map[string]matchTerm{}
	var walk func(r *result)
	walk = func(r *result) {
		switch r.kind {
		case resTerm:
			if _, seen := out[r.term]; !seen && len(r.pos) > 0 {
				out[r.term] = matchTerm{score: float32(c.idf(r.df)), order: len(out)}
			}
		case resUnion, resInter:
			for _, k := range r.kids {
				walk(k)
				if r.quick {
					break
				}
			}
		}
	}
	walk(r)
	return out
}

// apply applies req's clauses to the fields of d, document id; loaded
// are its fields as read, scoreField and yields the fields the query
// made.
func (v *snipView) apply(req *SearchRequest, d *Doc, id uint32, loaded map[string][]byte, scoreField string, yields map[string]*VecRange) {
	s := req.snippets
	paths := map[string]string{}
	for i, name := range req.Return {
		if i < len(req.ReturnAs) {
			paths[req.ReturnAs[i]] = name
		}
	}
	made := func(name string) bool {
		_, yield := yields[name]
		return yield || scoreField != "" && name == scoreField
	}
	lang := v.schema.docLanguage(loaded)
	terms := v.terms[id]
	do := func(i int, set snipSettings) {
		name := d.Fields[i][0]
		if slices.Contains(d.Nulls, i) || made(name) || v.schema.OnJSON && req.Multi {
			return // no string
		}
		path, ok := paths[name]
		if !ok {
			path = name
		}
		if f, ok := v.field(path); ok && f.Type == Numeric {
			return
		}
		d.Fields[i][1] = v.snippet(d.Fields[i][1], name, lang, terms, set)
	}
	if len(s.fields) == 0 {
		for i := range d.Fields {
			do(i, s.def)
		}
		return
	}
	for _, f := range s.fields {
		if i := slices.IndexFunc(d.Fields, func(p [2]string) bool { return p[0] == f.name }); i >= 0 && s.active(f) {
			do(i, s.settings(f))
		}
	}
	s.order(d, made)
}

// order puts d's fields in the list's order, as RediSearch makes the
// reply's keys in it, after the fields the query made (made).
func (s *snippets) order(d *Doc, made func(name string) bool) {
	type entry struct {
		p    [2]string
		null bool
		rank int
	}
	all := make([]entry, len(d.Fields))
	for i, p := range d.Fields {
		rank := slices.IndexFunc(s.fields, func(f *snipField) bool { return f.name == p[0] })
		switch {
		case made(p[0]):
			rank = -1
		case rank < 0:
			rank = len(s.fields)
		}
		all[i] = entry{p, slices.Contains(d.Nulls, i), rank}
	}
	slices.SortStableFunc(all, func(a, b entry) int { return a.rank - b.rank })
	d.Nulls = nil
	for i, e := range all {
		d.Fields[i] = e.p
		if e.null {
			d.Nulls = append(d.Nulls, i)
		}
	}
}

// snippet returns the value of field name (text) as set asks.
func (v *snipView) snippet(text, name, lang string, terms map[string]matchTerm, set snipSettings) string {
	var frags []*fragment
	if f, ok := v.field(name); ok && f.Type == Text && len(terms) > 0 {
		frags = fragmentize(v.fieldWords(text, f, lang, terms))
	}
	switch {
	case len(frags) == 0 && set.mode == snipSummarize:
		return trimSummary(text, set)
	case len(frags) == 0:
		return text
	case set.mode == snipHighlight:
		return highlightWhole(text, frags, set.open, set.close)
	}
	return summarize(text, frags, set)
}

// fieldWords returns the words of TEXT field f's text as the index reads
// them (in the document's language lang; stop words left out), each
// with the term of terms it is (the word, or its "+stem"; the first of
// the match's terms when both).
func (v *snipView) fieldWords(text string, f *Field, lang string, terms map[string]matchTerm) []fieldWord {
	stem := stemmerOf(lang)
	if f.NoStem {
		stem = nil
	}
	var out []fieldWord
	wordSpans(text, lang, func(word string, start, end int) {
		if v.schema.isStopWord(word) {
			return
		}
		w := fieldWord{start: start, end: end}
		m, ok := terms[word]
		if ok {
			w.match, w.term, w.score = true, word, m.score
		}
		if stem != nil {
			if st := stem(word); st != word {
				if sm, sok := terms[stemPrefix+st]; sok && (!ok || sm.order < m.order) {
					w.match, w.term, w.score = true, stemPrefix+st, sm.score
				}
			}
		}
		out = append(out, w)
	})
	return out
}

// wordSpans calls fn with each word of text as the tokenizer of lang
// reads it (tokenizerOf): the word and its bytes in text.
func wordSpans(text, lang string, fn func(word string, start, end int)) {
	if lang == "chinese" {
		lex, _ := chineseLexicon()
		segmentChinese(lex, text, func(s cnSegment) {
			if s.kind == cnWord {
				fn(s.word, s.start, s.end)
			}
		})
		return
	}
	word := func(r rune) bool {
		return r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= utf8.RuneSelf
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !word(r) {
			i += size
			continue
		}
		start := i
		for i < len(text) {
			r, size = utf8.DecodeRuneInString(text[i:])
			if !word(r) {
				break
			}
			i += size
		}
		fn(strings.ToLower(text[start:i]), start, i)
	}
}
