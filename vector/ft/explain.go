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
// node.
func Explain(n *Node, knn *KNN) string {
	var b strings.Builder
	if n == nil && knn == nil {
		return "<empty>\n"
	}
	if knn == nil {
		explainNode(&b, n, 0, "")
		return b.String()
	}
	tail := knnText(knn)
	if n == nil || n.Kind == qAll {
		b.WriteString("VECTOR {" + tail + "}\n")
		return b.String()
	}
	b.WriteString("VECTOR {\n")
	explainNode(&b, n, 1, "")
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

// explainNode writes n at depth (two spaces each), with field (as
// "@f:") before text nodes restricted to a field.
func explainNode(b *strings.Builder, n *Node, depth int, field string) {
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
		b.WriteString(pad + scopeMod(n.scope) + head + " {\n")
		for _, k := range n.Kids {
			explainNode(b, k, depth+1, field)
		}
		b.WriteString(pad + "}" + slopAttrText(n) + "\n")
	case qNot:
		b.WriteString(pad + scopeMod(n.scope) + "NOT{\n")
		explainNode(b, n.Kids[0], depth+1, field)
		b.WriteString(pad + "}\n")
	case qOptional:
		b.WriteString(pad + scopeMod(n.scope) + "OPTIONAL{\n")
		explainNode(b, n.Kids[0], depth+1, field)
		b.WriteString(pad + "}\n")
	case qTag:
		block("TAG:@"+n.Field, func() {
			for _, t := range n.Tags {
				b.WriteString(pad + "  " + strings.ReplaceAll(t, " ", `\ `) + "\n")
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
		fmt.Fprintf(b, "%sNUMERIC {%s %s @%s %s %s}\n", pad, cFloat(n.Lo), lo, n.Field, hi, cFloat(n.Hi))
	case qGeo:
		g := n.Geo
		fmt.Fprintf(b, "%sGEO %s:{%s,%s --> %s %s}\n", pad, n.Field, cFloat(g.Lon), cFloat(g.Lat), cFloat(g.Radius), g.Unit)
	case qVecRange:
		r := n.Range
		fmt.Fprintf(b, "%sVECTOR {Vectors that are within %s distance radius from `$%s` in vector index associated with field @%s",
			pad, strconv.FormatFloat(r.Radius, 'g', 6, 64), r.Param, n.Field)
		if a := r.EpsAttr; a != nil {
			fmt.Fprintf(b, ", %s = %s", a.Name, a.Value)
		}
		if r.Yield != "" {
			fmt.Fprintf(b, ", yields distance as `%s`", r.Yield)
		}
		b.WriteString("}\n")
	case qText:
		mod := ""
		switch n.Field {
		case "":
		case nullScope:
			mod = "@NULL:"
		default:
			mod = "@" + n.Field + ":"
		}
		term := func(t string, pad string) {
			if w, _, ok := fuzzyTerm(t); ok {
				b.WriteString(pad + mod + "FUZZY{" + w + "}\n")
				return
			}
			if strings.HasPrefix(t, "*") {
				b.WriteString(pad + mod + "PREFIX{" + t + "}\n")
				return
			}
			if p, ok := strings.CutSuffix(t, "*"); ok {
				b.WriteString(pad + mod + "PREFIX{" + p + "*}\n")
				return
			}
			if n.Verbatim || n.Phrase {
				b.WriteString(pad + mod + t + "\n")
				return
			}
			b.WriteString(pad + mod + "UNION {\n")
			b.WriteString(pad + "  " + mod + t + "\n")
			st := n.stemFor(t)
			b.WriteString(pad + "  " + mod + stemPrefix + st + "(expanded)\n")
			if st != t {
				b.WriteString(pad + "  " + mod + st + "(expanded)\n")
			}
			b.WriteString(pad + "}\n")
		}
		if len(n.Terms) == 1 {
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
