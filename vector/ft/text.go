package ft

import (
	"slices"
	"strconv"
	"strings"
)

// Full-text indexing, as RediSearch 2.8 does it: a TEXT field's value is
// split into lower-case tokens; every token is a term of the document, and
// in a field that stems (without NOSTEM, in a language with a stemmer:
// language.go) a token whose stem in the document's language differs from
// it also adds the term "+stem". Each occurrence adds
// the field's WEIGHT (at least 1) to the term's frequency in the document,
// a stem 0.2 of it (at least 1); the document keeps the highest frequency
// and the sum of its words' (its length), and the positions of its tokens
// (counted across its TEXT fields in schema order) for exact phrases and
// the distance between query terms.

// stemPrefix marks a stem term, as RediSearch's index does.
const stemPrefix = "+"

// stemFactor is the share of a field's weight a stem term's occurrence
// adds to its frequency.
const stemFactor = 0.2

// textTerm is what a document holds of one term.
type textTerm struct {
	freq   uint32
	fields uint64   // bit i: the schema's field i holds it (fields past 63 share bit 63)
	pos    []uint32 // token positions, ascending
}

// docText is a document's full-text terms.
type docText struct {
	terms   map[string]*textTerm
	maxFreq uint32
	length  uint32
	next    uint32 // the next token position
	score   float64
}

// languages are the names LANGUAGE accepts (RediSearch's list); vcache
// stems those stemmerOf knows, and indexes the others without stems.
var languages = map[string]bool{
	"arabic": true, "armenian": true, "basque": true, "catalan": true, "danish": true, "dutch": true,
	"english": true, "finnish": true, "french": true, "german": true, "greek": true, "hindi": true,
	"hungarian": true, "indonesian": true, "irish": true, "italian": true, "lithuanian": true,
	"nepali": true, "norwegian": true, "portuguese": true, "romanian": true, "russian": true,
	"serbian": true, "spanish": true, "swedish": true, "tamil": true, "turkish": true, "yiddish": true,
	"chinese": true,
}

// CheckLanguage returns FT.SEARCH's and FT.AGGREGATE's error for a
// LANGUAGE they do not know (RediSearch's text, which names no language).
func CheckLanguage(lang string) error {
	if lang != "" && !languages[strings.ToLower(lang)] {
		return errf("No such language")
	}
	return nil
}

// textOption reads FT.CREATE's LANGUAGE, LANGUAGE_FIELD, SCORE and
// SCORE_FIELD (args starts after the keyword).
func (s *Schema) textOption(word string, args [][]byte) error {
	if len(args) == 0 {
		return nil
	}
	v := string(args[0])
	switch word {
	case "LANGUAGE":
		if !languages[strings.ToLower(v)] {
			return errf("Invalid language")
		}
		s.Language = strings.ToLower(v)
		switch s.Language {
		case "english":
			s.Language = ""
		case "chinese":
			go chineseLexicon() // load it ahead of the first document
		}
	case "LANGUAGE_FIELD":
		s.LanguageField = v
	case "SCORE":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 {
			return errf("Invalid score")
		}
		s.Score = f
	case "SCORE_FIELD":
		s.ScoreField = v
	}
	return nil
}

// tokens splits text into lower-case tokens (letters, digits, _ and any
// non-ASCII byte).
func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 0x80)
	})
}

// tokenizerOf returns the tokenizer of a LANGUAGE name (lower case, ""
// for English): Chinese text is segmented (chinese.go), any other split
// at spaces and punctuation.
func tokenizerOf(lang string) func(string) []string {
	if lang == "chinese" {
		return chineseTokens
	}
	return tokens
}

// fieldBit is the bit of the schema's field i in a term's field mask.
func fieldBit(i int) uint64 { return 1 << min(i, 63) }

// docLanguage returns the language a document's text is in: its
// LANGUAGE_FIELD's when that names a known one, else the index's.
func (s *Schema) docLanguage(fields map[string][]byte) string {
	if s.LanguageField != "" {
		if v, ok := fields[s.LanguageField]; ok && languages[strings.ToLower(string(v))] {
			return strings.ToLower(string(v))
		}
	}
	return s.Language
}

// docScore returns a document's score: its SCORE_FIELD's value when that
// is a number in [0, 1], else the index's SCORE.
func (s *Schema) docScore(fields map[string][]byte) float64 {
	if s.ScoreField != "" {
		if v, ok := fields[s.ScoreField]; ok {
			if f, err := strconv.ParseFloat(strings.TrimSpace(string(v)), 64); err == nil && f >= 0 && f <= 1 {
				return f
			}
		}
	}
	return s.Score
}

// addText indexes the value of the schema's TEXT field i into d.
// stem is the document's language's stemmer (nil: none), split its
// tokenizer.
func (t *docText) add(f *Field, i int, value string, stem func(string) string, split func(string) []string, stop func(string) bool) {
	w := uint32(max(1, f.Weight))
	ws := uint32(max(1, f.Weight*stemFactor))
	bit := fieldBit(i)
	put := func(term string, inc, pos uint32, raw bool) {
		tt := t.terms[term]
		if tt == nil {
			tt = &textTerm{}
			t.terms[term] = tt
		}
		tt.freq += inc
		tt.fields |= bit
		tt.pos = append(tt.pos, pos)
		t.maxFreq = max(t.maxFreq, tt.freq)
		if raw { // a document's length counts its words, not their stems
			t.length += inc
		}
	}
	for _, tok := range split(value) {
		if stop(tok) {
			continue
		}
		t.next++
		put(tok, w, t.next, true)
		if stem != nil && !f.NoStem {
			if s := stem(tok); s != tok {
				put(stemPrefix+s, ws, t.next, false)
			}
		}
	}
}

// countText adds (sign 1) or removes (sign -1) d's length to the index's
// total. mu must be held for writing.
func (ix *Index) countText(d *doc, sign int) {
	if d.text == nil {
		return
	}
	ix.textLen += int64(sign) * int64(d.text.length)
	ix.textDocs += sign
}

// postText replaces the text postings of document id's version old (nil
// for none) with those of d (nil for none): a term of both keeps its
// posting, untouched unless its fields changed, so that a write that
// leaves a document's text alone reads no postings. A term no document
// holds any more leaves the suffix trie, and so does one that only this
// document holds, as if removed and added again: d's words are then
// numbered in its order (addSuffixWords). mu must be held for writing.
func (ix *Index) postText(id uint32, old, d *doc) {
	var now map[string]*textTerm
	if d != nil && d.text != nil {
		now = d.text.terms
	}
	var was map[string]*textTerm
	if old != nil && old.text != nil {
		was = old.text.terms
	}
	for term := range was {
		if now[term] == nil {
			ix.removePosting(term, id)
		} else if len(ix.suffix) > 0 && ix.docFreq(term) == 1 {
			delete(ix.suffix, term)
		}
	}
	if now == nil {
		return
	}
	for term, tt := range now {
		if w := was[term]; w == nil || ix.masked && w.fields != tt.fields {
			ix.addPosting(term, id, tt.fields)
		}
	}
	ix.addSuffixWords(d.text)
}

// termHit is one term of a document that a query term matched.
type termHit struct {
	term string
	t    *textTerm
}

// queryTerms returns the terms of d that query term q matches in field
// ("" for any TEXT field): q itself, and unless verbatim its English stem
// forms ("+stem" and the stem: stem, or "" to work it out), or for a prefix (q ends with *) every
// word starting with it. mu must be held.
func (ix *Index) queryTerms(d *doc, field, q, stem string, verbatim bool) []termHit {
	if d.text == nil {
		return nil
	}
	mask, stems := ix.fieldMask(field)
	verbatim = verbatim || stems == 0
	var out []termHit
	add := func(term string) {
		for _, h := range out {
			if h.term == term {
				return
			}
		}
		if ix.post[term] == nil {
			return // no document holds it: spare a look into d's terms
		}
		if tt := d.text.terms[term]; tt != nil && tt.fields&mask != 0 {
			out = append(out, termHit{term, tt})
		}
	}
	if p, ok := strings.CutSuffix(q, "*"); ok {
		for term := range d.text.terms {
			if strings.HasPrefix(term, p) && !strings.HasPrefix(term, stemPrefix) {
				add(term)
			}
		}
		slices.SortFunc(out, func(a, b termHit) int { return strings.Compare(a.term, b.term) })
		return out
	}
	add(q)
	if !verbatim {
		if stem == "" {
			stem = stemEnglish(q)
		}
		mask = stems
		add(stemPrefix + stem)
		if stem != q { // q was looked for in mask's fields, which hold stems' fields
			add(stem)
		}
	}
	return out
}

// fieldMask returns the field bits of field ("" for every TEXT field,
// "a|b" for either), and of those the fields that stem (not NOSTEM): a
// term's stemmed forms are looked for in these only, as RediSearch scopes
// its expansions.
func (ix *Index) fieldMask(field string) (mask, stems uint64) {
	if field == "" {
		return ^uint64(0), ^uint64(0)
	}
	for _, name := range strings.Split(field, "|") { // "@a|b:": either field
		for i := range ix.schema.Fields {
			if strings.EqualFold(ix.schema.Fields[i].Alias, name) {
				mask |= fieldBit(i)
				if !ix.schema.Fields[i].NoStem {
					stems |= fieldBit(i)
				}
			}
		}
	}
	return mask, stems
}

// nodeTerms returns the terms of d that text node n's i-th query term
// matches: a pattern's expansions, or queryTerms'. mu must be held.
func (ix *Index) nodeTerms(n *Node, d *doc, i int, verbatim bool) []termHit {
	t := n.Terms[i]
	if _, expanded := n.expand[t]; d.text != nil && (expanded || isPattern(t)) {
		mask, _ := ix.fieldMask(n.Field)
		return ix.patternTerms(n, d, t, mask)
	}
	return ix.queryTerms(d, n.Field, t, n.stemOf(i), verbatim)
}

// phraseAt reports whether the terms' positions hold a run: a position p
// of the first with p+i a position of the i-th.
func phraseAt(pos [][]uint32) bool {
	if len(pos) == 0 {
		return false
	}
	for _, p := range pos[0] {
		ok := true
		for i := 1; i < len(pos) && ok; i++ {
			ok = hasPos(pos[i], p+uint32(i))
		}
		if ok {
			return true
		}
	}
	return false
}

func hasPos(list []uint32, p uint32) bool {
	lo, hi := 0, len(list)
	for lo < hi {
		m := (lo + hi) / 2
		if list[m] < p {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(list) && list[lo] == p
}

// mergedPos returns the positions of hits, ascending.
func mergedPos(hits []termHit) []uint32 {
	if len(hits) == 1 {
		return hits[0].t.pos
	}
	var out []uint32
	for _, h := range hits {
		out = append(out, h.t.pos...)
	}
	slices.Sort(out)
	return out
}

// textMatch reports whether d passes text node n. mu must be held.
func (ix *Index) textMatch(n *Node, d *doc) bool {
	if n.Phrase && len(n.Terms) > 1 {
		pos := make([][]uint32, len(n.Terms))
		for i, t := range n.Terms {
			hits := ix.queryTerms(d, n.Field, t, "", true)
			if len(hits) == 0 {
				return false
			}
			pos[i] = mergedPos(hits)
		}
		return phraseAt(pos)
	}
	for i, t := range n.Terms {
		if len(ix.nodeTerms(n, d, i, n.Verbatim || n.Phrase)) == 0 && !ix.hasSynonym(d, n.Field, t) {
			return false
		}
	}
	if n.slopSet() && len(n.Terms) > 1 {
		return withinSlop(ix.textResult(n, d, 1).kids, n.maxSlop(), n.InOrder)
	}
	return true
}

// stemOf returns the English stem of the node's i-th term when the query
// worked it out (markStems), else "".
func (n *Node) stemOf(i int) string {
	if i < len(n.stems) {
		return n.stems[i]
	}
	return ""
}

// markStems works out the stems of the tree's text terms once, before a
// search matches them against every document.
func markStems(n *Node) {
	if n.Kind == qText && !n.Verbatim && !n.Phrase {
		n.stems = make([]string, len(n.Terms))
		for i, t := range n.Terms {
			n.stems[i] = stemEnglish(t)
		}
	}
	for _, k := range n.Kids {
		markStems(k)
	}
}
