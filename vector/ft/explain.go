package ft

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Explain renders a parsed query as FT.EXPLAIN does: RediSearch's plan
// text, as far as vcache's query nodes map to RediSearch's: a term that
// stems is a UNION of the term and its "+stem(expanded)" forms.
//
// A nil n with no KNN is a query of stop words only: RediSearch's empty
// node. text lists the schema's TEXT fields in schema order: a field
// scope is written in that order, as RediSearch writes a field mask (bit
// by bit), each field once, and a term's stemmed forms are scoped to the
// fields without NOSTEM; nil writes scopes as the query gave them.
func Explain(n *Node, knn *KNN, text []Field) string {
	var b strings.Builder
	if n == nil && knn == nil {
		return "<empty>\n"
	}
	e := explainer{b: &b, text: text}
	if knn == nil {
		e.node(n, 0)
		return b.String()
	}
	tail := knnText(knn)
	if n == nil || n.Kind == qAll {
		b.WriteString("VECTOR {" + tail + "}\n")
		return b.String()
	}
	b.WriteString("VECTOR {\n")
	e.node(n, 1)
	b.WriteString("} => {" + tail + "}\n")
	return b.String()
}

func knnText(k *KNN) string {
	s := fmt.Sprintf("K=%d nearest vectors to `$%s` in vector index associated with field @%s", k.K, k.Param, k.Field)
	if k.Ef > 0 {
		s += fmt.Sprintf(", EF_RUNTIME = %d", k.Ef)
	}
	if k.Probes > 0 {
		s += fmt.Sprintf(", PROBES = %d", k.Probes)
	}
	return s + ", yields distance as `" + k.ScoreField() + "`"
}

// explainer writes a plan to b; text is Explain's list of TEXT fields.
type explainer struct {
	b    *strings.Builder
	text []Field
}

// mod is the field prefix written before a node of scope ("a|b", "" for
// every field, nullScope for none): "@a|b:" with the fields in schema
// order (a name that is no TEXT field of the schema left out, as it has
// no bit in RediSearch's mask), "@NULL:" when none is left.
func (e explainer) mod(scope string) string {
	return e.scoped(scope, false)
}

// nullMod is mod for a numeric or geo node: RediSearch writes no field
// scope before one, only "@NULL:" when the scopes around it share no
// TEXT field.
func (e explainer) nullMod(scope string) string {
	if m := e.mod(scope); m == scopeMod(nullScope) {
		return m
	}
	return ""
}

// stemMod is mod for a term's stemmed forms: the scope's fields without
// NOSTEM; ok is false when every field of the scope is NOSTEM (the term
// is not expanded).
func (e explainer) stemMod(scope string) (mod string, ok bool) {
	if scope == "" || scope == nullScope || e.text == nil {
		return scopeMod(scope), true
	}
	m := e.scoped(scope, true)
	return m, m != scopeMod(nullScope)
}

func (e explainer) scoped(scope string, stems bool) string {
	if scope == "" || scope == nullScope || e.text == nil {
		return scopeMod(scope)
	}
	names := strings.Split(scope, "|")
	var in []string
	for _, f := range e.text {
		if stems && f.NoStem {
			continue
		}
		for _, name := range names {
			if strings.EqualFold(name, f.Alias) {
				in = append(in, f.Alias)
				break
			}
		}
	}
	if len(in) == 0 {
		return scopeMod(nullScope)
	}
	return scopeMod(strings.Join(in, "|"))
}

// node writes n at depth (two spaces each), each node after the field
// scope a field modifier gave it (text nodes carry theirs in Field).
func (e explainer) node(n *Node, depth int) {
	b := e.b
	pad := strings.Repeat("  ", depth)
	block := func(head string, kids func()) {
		b.WriteString(pad + head + " {\n")
		kids()
		b.WriteString(pad + "}\n")
	}
	switch n.Kind {
	case qAll:
		b.WriteString(pad + "<WILDCARD>\n")
	case qAnd, qOr:
		head := "INTERSECT"
		if n.Kind == qOr {
			head = "UNION"
		}
		b.WriteString(pad + e.mod(n.scope) + head + " {\n")
		for _, k := range n.Kids {
			e.node(k, depth+1)
		}
		b.WriteString(pad + "}" + slopAttrText(n) + "\n")
	case qNot:
		b.WriteString(pad + e.mod(n.scope) + "NOT{\n")
		e.node(n.Kids[0], depth+1)
		b.WriteString(pad + "}\n")
	case qOptional:
		b.WriteString(pad + e.mod(n.scope) + "OPTIONAL{\n")
		e.node(n.Kids[0], depth+1)
		b.WriteString(pad + "}\n")
	case qTag:
		// A scope around a tag list is written before it and each tag, as
		// RediSearch ANDs the mask into the TAG node and its children.
		mod := e.mod(n.scope)
		block(mod+"TAG:@"+n.Field, func() {
			for i, t := range n.Tags {
				if i < len(n.tagWords) && n.tagWords[i] != nil {
					// Written as several words: RediSearch's term list.
					b.WriteString(pad + "  " + mod + "INTERSECT {\n")
					for _, w := range n.tagWords[i] {
						b.WriteString(pad + "    " + mod + w.text + "\n")
					}
					b.WriteString(pad + "  }\n")
					continue
				}
				if i < len(n.tagShown) && n.tagShown[i] != "" {
					t = n.tagShown[i]
				}
				var a uint8
				if i < len(n.tagAffix) {
					a = n.tagAffix[i]
				}
				switch a {
				case affixPrefix:
					t = "PREFIX{" + t + "*}"
				case affixSuffix:
					t = "SUFFIX{*" + t + "}"
				case affixPrefix | affixSuffix:
					t = "INFIX{*" + t + "*}"
				case affixWildcard:
					t = "WILDCARD{" + t + "}"
				}
				b.WriteString(pad + "  " + mod + t + "\n")
			}
		})
	case qNum:
		lo, hi := "<=", "<="
		if n.LoEx {
			lo = "<"
		}
		if n.HiEx {
			hi = "<"
		}
		fmt.Fprintf(b, "%s%sNUMERIC {%s %s @%s %s %s}\n", pad, e.nullMod(n.scope), cFloat(n.Lo), lo, n.Field, hi, cFloat(n.Hi))
	case qKeys:
		b.WriteString(pad + n.keysShown + "\n")
	case qGeo:
		g := n.Geo
		fmt.Fprintf(b, "%s%sGEO %s:{%s,%s --> %s %s}\n", pad, e.nullMod(n.scope), n.Field, cFloat(g.Lon), cFloat(g.Lat), cFloat(g.Radius), g.Unit)
	case qVecRange:
		r := n.Range
		fmt.Fprintf(b, "%s%sVECTOR {Vectors that are within %s distance radius from `$%s` in vector index associated with field @%s",
			pad, e.mod(n.scope), strconv.FormatFloat(r.Radius, 'g', 6, 64), r.Param, n.Field)
		if a := r.EpsAttr; a != nil {
			fmt.Fprintf(b, ", %s = %s", a.Name, a.Value)
		}
		if r.Yield != "" {
			fmt.Fprintf(b, ", yields distance as `%s`", r.Yield)
		}
		b.WriteString("}\n")
	case qText:
		mod := e.mod(n.Field)
		term := func(t string, pad string) {
			if pat, ok := wildcardTerm(t); ok {
				b.WriteString(pad + mod + "WILDCARD{" + pat + "}\n")
				return
			}
			if w, _, ok := fuzzyTerm(t); ok {
				b.WriteString(pad + mod + "FUZZY{" + w + "}\n")
				return
			}
			if strings.HasPrefix(t, "*") {
				// RediSearch 2.8.12 on names an affix by its kind.
				head := "SUFFIX{"
				if len(t) > 2 && strings.HasSuffix(t, "*") {
					head = "INFIX{"
				}
				b.WriteString(pad + mod + head + t + "}\n")
				return
			}
			if p, ok := strings.CutSuffix(t, "*"); ok {
				b.WriteString(pad + mod + "PREFIX{" + p + "*}\n")
				return
			}
			smod, stems := e.stemMod(n.Field)
			if n.Verbatim || n.Phrase || !stems {
				b.WriteString(pad + mod + t + "\n")
				return
			}
			b.WriteString(pad + mod + "UNION {\n")
			b.WriteString(pad + "  " + mod + t + "\n")
			st := n.stemFor(t)
			b.WriteString(pad + "  " + smod + stemPrefix + st + "(expanded)\n")
			if st != t {
				b.WriteString(pad + "  " + smod + st + "(expanded)\n")
			}
			b.WriteString(pad + "}\n")
		}
		if len(n.Terms) == 1 && !n.exactBox {
			term(n.Terms[0], pad)
			return
		}
		op := "INTERSECT"
		if n.Phrase {
			op = "EXACT"
		}
		b.WriteString(pad + mod + op + " {\n")
		for _, t := range n.Terms {
			term(t, pad+"  ")
		}
		b.WriteString(pad + "}" + slopAttrText(n) + "\n")
	}
}

// cFloat formats v as C's %f does.
func cFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'f', 6, 64)
}
