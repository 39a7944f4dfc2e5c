package ft

import "strings"

// Languages of full-text search, as RediSearch has them: FT.CREATE's
// LANGUAGE is the index's default, for the documents and for a query
// that names none (RediSearch 2.10 and later; 2.8 stemmed such a query in
// English); a document's LANGUAGE_FIELD names its own; FT.SEARCH's and
// FT.AGGREGATE's LANGUAGE stem the query's terms in that language. A
// language without a stemmer here (stemmerOf) indexes and matches words
// as they are written.

// queryLanguage returns the language a query's terms are stemmed in: its
// LANGUAGE (lang), else the index's; "" for English.
func (s *Schema) queryLanguage(lang string) string {
	if lang == "" {
		return s.Language
	}
	if lang = strings.ToLower(lang); lang == "english" {
		return ""
	}
	return lang
}

// useLanguage stems the text terms of a query tree in the query's
// language (lang: its LANGUAGE, "" for none). ParseQuery stemmed them in
// English already, so an English query needs nothing more.
func (ix *Index) useLanguage(filter *Node, lang string) {
	if filter == nil {
		return
	}
	ix.mu.RLock()
	lang = ix.schema.queryLanguage(lang)
	ix.mu.RUnlock()
	switch lang {
	case "":
	case "chinese":
		segmentQuery(filter)
	default:
		markLanguage(filter, stemmerOf(lang))
	}
}

// segmentQuery segments the words of the tree's text terms as Chinese
// text (chinese.go), as RediSearch expands a Chinese query: a term
// becomes all the words of its segmentation, none of them stemmed; a
// term of no word (punctuation, a character the lexicon lacks) matches
// nothing. Exact phrases, prefixes, patterns and VERBATIM terms are
// matched as written.
func segmentQuery(n *Node) {
	if n.Kind == qText {
		if !n.Verbatim && !n.Phrase {
			var terms []string
			for _, t := range n.Terms {
				if isPattern(t) || strings.HasSuffix(t, "*") {
					terms = append(terms, t)
					continue
				}
				words := chineseTokens(t)
				if len(words) == 0 {
					words = []string{""} // no document holds the empty word
				}
				terms = append(terms, words...)
			}
			n.Terms = terms
		}
		n.Verbatim, n.stems = true, nil
	}
	for _, k := range n.Kids {
		segmentQuery(k)
	}
}

// markLanguage works out the stems of the tree's text terms with stem;
// with none (nil), the terms match only as they are written.
func markLanguage(n *Node, stem func(string) string) {
	if n.Kind == qText {
		switch {
		case stem == nil:
			n.Verbatim, n.stems = true, nil
		case !n.Verbatim && !n.Phrase:
			n.stems = make([]string, len(n.Terms))
			for i, t := range n.Terms {
				n.stems[i] = stem(t)
			}
		}
	}
	for _, k := range n.Kids {
		markLanguage(k, stem)
	}
}

// stemFor returns the stem worked out for the node's term t, or its
// English stem when none was.
func (n *Node) stemFor(t string) string {
	for i, term := range n.Terms {
		if term == t && i < len(n.stems) {
			return n.stems[i]
		}
	}
	return stemEnglish(t)
}

// stemmerOf returns the stemmer of a LANGUAGE name (lower case, "" for
// English): stemmerFor's, else one of moreStemmers; nil for a language
// vcache does not stem.
func stemmerOf(lang string) func(string) string {
	if f := stemmerFor(lang); f != nil {
		return f
	}
	return moreStemmers(lang)
}

// moreStemmers returns the stemmer of one more language of
// stem_<language>.go (Turkish, Greek, Lithuanian, Serbian, Arabic,
// Armenian, Hindi, Nepali, Tamil, Yiddish), or nil.
func moreStemmers(lang string) func(string) string {
	switch lang {
	case "turkish":
		return stemTurkish
	case "greek":
		return stemGreek
	case "lithuanian":
		return stemLithuanian
	case "serbian":
		return stemSerbian
	case "arabic":
		return stemArabic
	case "armenian":
		return stemArmenian
	case "hindi":
		return stemHindi
	case "nepali":
		return stemNepali
	case "tamil":
		return stemTamil
	case "yiddish":
		return stemYiddish
	}
	return nil
}
