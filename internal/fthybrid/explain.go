package fthybrid

import (
	"fmt"
	"strconv"

	"github.com/vcache/vcache/internal/ftargs"
)

// EXPLAINSCORE: each result's first field, score, is its fused score and
// a tree saying how it was fused, in RediSearch's words:
//
//	final score: <the formula> = S
//	  Hybrid score (RRF: window=W, constant=K) | (LINEAR: alpha=A, beta=B, window=W)
//	    text rank = N | text contribution = A * X = AX
//	      Text scorer: NAME
//	        [normalized text score = X]  (LINEAR)
//	        the scorer's own explanation
//	    vector branch (KNN) | (RANGE: radius=R[, epsilon=E])
//	      [matched within radius = true|false]  (RANGE)
//	      vector rank = M | vector contribution = B * Y = BY, normalized vector score = Y
//
// A tree is a line alone, or [line, [children...]].

// explain is x's score field: [score, tree].
func (r *Request) explain(x *Row) ftargs.Value {
	tree := node(r.finalLine(x), node(r.methodLine(), r.textBranch(x), r.vectorBranch(x)))
	return ftargs.Value{Kind: ftargs.Array, Arr: []ftargs.Value{ftargs.Str(g17(x.Score)), tree}}
}

func g17(f float64) string { return strconv.FormatFloat(f, 'g', 17, 64) }

// node is a tree of a line and its children.
func node(line string, kids ...ftargs.Value) ftargs.Value {
	if len(kids) == 0 {
		return ftargs.Str(line)
	}
	return ftargs.Value{Kind: ftargs.Array, Arr: []ftargs.Value{ftargs.Str(line), {Kind: ftargs.Array, Arr: kids}}}
}

func (r *Request) finalLine(x *Row) string {
	term := func(in bool, list string, rank int, weight, score float64) string {
		switch {
		case !in:
			return "0 [" + list + ": no match]"
		case r.Method == RRF:
			return fmt.Sprintf("1 / (constant %.2f + rank %d)", r.Constant, rank)
		}
		return fmt.Sprintf("%.4f * %.4f", weight, score)
	}
	return "final score: " + term(x.InText, "text", x.TextRank, r.Alpha, x.Text) + " + " +
		term(x.InVector, "vector", x.VecRank, r.Beta, x.VecScore) + " = " + g17(x.Score)
}

func (r *Request) methodLine() string {
	if r.Method == RRF {
		return fmt.Sprintf("Hybrid score (RRF: window=%d, constant=%.2f)", r.Window, r.Constant)
	}
	return fmt.Sprintf("Hybrid score (LINEAR: alpha=%.4f, beta=%.4f, window=%d)", r.Alpha, r.Beta, r.Window)
}

func (r *Request) textBranch(x *Row) ftargs.Value {
	rrf := r.Method == RRF
	if !x.InText {
		if rrf {
			return node("text rank = <no match>")
		}
		return node("text contribution = <no match>")
	}
	scorer := r.Scorer
	if scorer == "" {
		scorer = DefaultScorer
	}
	var kids []ftargs.Value
	if !rrf {
		kids = append(kids, node(fmt.Sprintf("normalized text score = %.4f", x.Text)))
	}
	if x.TextExplain != nil {
		kids = append(kids, explainValue(x.TextExplain))
	}
	scorerNode := node("Text scorer: "+scorer, kids...)
	if rrf {
		return node(fmt.Sprintf("text rank = %d", x.TextRank), scorerNode)
	}
	return node(fmt.Sprintf("text contribution = %.4f * %.4f = %.4f", r.Alpha, x.Text, r.Alpha*x.Text), scorerNode)
}

func (r *Request) vectorBranch(x *Row) ftargs.Value {
	line := "vector branch (KNN)"
	var kids []ftargs.Value
	if r.Range {
		line = fmt.Sprintf("vector branch (RANGE: radius=%.4f)", r.Radius)
		if r.HasEps {
			line = fmt.Sprintf("vector branch (RANGE: radius=%.4f, epsilon=%s)", r.Radius, r.EpsilonText)
		}
		kids = append(kids, node(fmt.Sprintf("matched within radius = %t", x.InVector)))
	}
	switch {
	case r.Method == RRF && x.InVector:
		kids = append(kids, node(fmt.Sprintf("vector rank = %d", x.VecRank)))
	case r.Method == RRF:
		kids = append(kids, node("vector rank = <no match>"))
	case x.InVector:
		kids = append(kids, node(fmt.Sprintf("vector contribution = %.4f * %.4f = %.4f", r.Beta, x.VecScore, r.Beta*x.VecScore)),
			node(fmt.Sprintf("normalized vector score = %.4f", x.VecScore)))
	default:
		kids = append(kids, node("vector contribution = <no match>"))
	}
	return node(line, kids...)
}

// explainValue converts a scorer's explanation (strings and []any) into
// a pipeline value.
func explainValue(e any) ftargs.Value {
	switch v := e.(type) {
	case string:
		return ftargs.Str(v)
	case []any:
		out := ftargs.Value{Kind: ftargs.Array, Arr: make([]ftargs.Value, len(v))}
		for i, k := range v {
			out.Arr[i] = explainValue(k)
		}
		return out
	}
	return ftargs.Str(fmt.Sprint(e))
}
