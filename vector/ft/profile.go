package ft

import (
	"math"
	"strconv"
	"time"
)

// ProfileOptions are FT.PROFILE's choices for the iterators profile.
type ProfileOptions struct {
	// Limited is FT.PROFILE's LIMITED: the unions a single query term
	// expands into (a prefix's words, a TAG clause's values) show how
	// many iterators they hold instead of listing them, as RediSearch
	// does; unions the query writes out (a|b) are listed.
	Limited bool
	// Time formats an iterator's time (FT.PROFILE's milliseconds).
	Time func(time.Duration) string
}

// ProfileIterators describes req's query as FT.PROFILE's "Iterators
// profile", in RediSearch 2.8's form: each iterator's type (with its
// term, or a union's query type), the time it took, the documents it
// matched ("Counter"), for a term the documents holding it ("Size"), and
// its children ("Child iterators", or "Child iterator" for NOT). vcache
// runs a query as one filter rather than as a tree of iterators: each
// node is evaluated over the index's documents on its own, and its time
// is that evaluation's (its children's included, as RediSearch's).
func (ix *Index) ProfileIterators(req *SearchRequest, opt ProfileOptions) []any {
	if opt.Time == nil {
		opt.Time = func(d time.Duration) string { return strconv.FormatFloat(float64(d.Microseconds())/1000, 'g', -1, 64) }
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	p := &profiler{ix: ix, req: req, opt: opt}
	tree := ix.schema.queryTree(req.Filter, req.KNN, req.NoStopWords, req.Dialect)
	if tree == nil {
		// Stop words only: RediSearch's empty iterator.
		return []any{"Type", "EMPTY", "Time", opt.Time(0), "Counter", int64(0)}
	}
	root := p.walk(tree)
	if req.KNN == nil {
		if root == nil {
			return p.empty()
		}
		return root
	}
	out := []any{"Type", "VECTOR", "Time", opt.Time(0), "Counter", int64(req.KNN.K)}
	if root != nil {
		out = append(out, "Child iterator", root)
	}
	return out
}

// empty is RediSearch's EMPTY iterator: what stands for a clause that has
// no iterator (a term the index does not hold) at the root and under NOT
// and OPTIONAL.
func (p *profiler) empty() []any {
	return []any{"Type", "EMPTY", "Time", p.opt.Time(0), "Counter", int64(0)}
}

// orEmpty is it, or the EMPTY iterator when it is nil.
func (p *profiler) orEmpty(it []any) []any {
	if it == nil {
		return p.empty()
	}
	return it
}

// profiler walks a query for ProfileIterators. The index's lock is held.
type profiler struct {
	ix  *Index
	req *SearchRequest
	opt ProfileOptions
}

// count evaluates n over every document, returning the matches and the
// time taken.
func (p *profiler) count(n *Node) (int64, time.Duration) {
	start := time.Now()
	c := int64(0)
	for _, d := range p.ix.docs {
		if p.ix.eval(n, d) && (p.req.Admit == nil || p.req.Admit(d.key)) {
			c++
		}
	}
	return c, time.Since(start)
}

// head is an iterator's type, its extra fields, its time and counter.
func (p *profiler) head(n *Node, typ string, extra ...any) []any {
	c, took := p.count(n)
	out := append([]any{"Type", typ}, extra...)
	return append(out, "Time", p.opt.Time(took), "Counter", c)
}

// walk returns n's iterator, or nil where RediSearch has none: a term no
// document holds (in the clause's fields), a union whose every clause is
// such, an expansion to no word. A union leaves out its clauses without
// one (and is its clause when one is left); an intersection lists them as
// nil, as RediSearch prints them.
func (p *profiler) walk(n *Node) []any {
	switch n.Kind {
	case qAll:
		return p.head(n, "WILDCARD")
	case qAnd:
		return p.children(p.head(n, "INTERSECT"), n.Kids)
	case qOr:
		its := p.present(n.Kids)
		switch len(its) {
		case 0:
			return nil
		case 1:
			return its[0].([]any)
		}
		return append(p.head(n, "UNION", "Query type", "UNION"), append([]any{"Child iterators"}, its...)...)
	case qNot:
		out := p.head(n, "NOT")
		if len(n.Kids) == 1 {
			out = append(out, "Child iterator", p.orEmpty(p.walk(n.Kids[0])))
		}
		return out
	case qOptional:
		return append(p.head(n, "OPTIONAL"), "Child iterator", p.orEmpty(p.walk(n.Kids[0])))
	case qTag:
		if len(n.Tags) == 1 {
			return p.reader(n, "TAG", n.Tags[0])
		}
		kids := make([]*Node, len(n.Tags))
		for i, t := range n.Tags {
			kids[i] = &Node{Kind: qTag, Field: n.Field, Tags: []string{t}}
		}
		return p.expansion(p.head(n, "UNION", "Query type", "TAG"), kids)
	case qNum:
		return p.reader(n, "NUMERIC", formatG(n.Lo)+" - "+formatG(n.Hi))
	case qKeys:
		return p.head(n, "ID-LIST")
	case qGeo:
		return p.head(n, "GEO", "Term", formatG(n.Geo.Lon)+","+formatG(n.Geo.Lat)+" - "+formatG(n.Geo.Radius)+" "+n.Geo.Unit)
	case qText:
		if len(n.Terms) != 1 {
			kids := make([]*Node, len(n.Terms))
			for i, t := range n.Terms {
				kids[i] = &Node{Kind: qText, Field: n.Field, Terms: []string{t}}
			}
			return p.children(p.head(n, "INTERSECT"), kids)
		}
		t := n.Terms[0]
		if expands(t) {
			words := p.ix.expandTerm(t, n.Field, p.req.Expansion)
			kids := make([]*Node, len(words))
			for i, w := range words {
				kids[i] = &Node{Kind: qText, Field: n.Field, Terms: []string{w}}
			}
			head := p.head(n, "UNION", "Query type", expansionType(t))
			if len(words) == p.req.Expansion.max() {
				head = append(head, "Warning", "Max prefix expansion reached")
			}
			return p.expansion(head, kids)
		}
		return p.reader(n, "TEXT", t)
	case qVecRange:
		return p.head(n, "METRIC - VECTOR DISTANCE")
	}
	return p.head(n, "EMPTY")
}

// reader is a term's iterator: its counter and "Size", the documents
// holding the term (the same here: a term is read whole). A TEXT or TAG
// term no document holds has none (nil), as in RediSearch.
func (p *profiler) reader(n *Node, typ, term string) []any {
	out := p.head(n, typ, "Term", term)
	if c := out[len(out)-1]; c == int64(0) && (typ == "TEXT" || typ == "TAG") {
		return nil
	}
	return append(out, "Size", out[len(out)-1])
}

// present returns the iterators of kids that have one.
func (p *profiler) present(kids []*Node) []any {
	var out []any
	for _, k := range kids {
		if it := p.walk(k); it != nil {
			out = append(out, it)
		}
	}
	return out
}

// children appends kids' iterators under "Child iterators".
func (p *profiler) children(out []any, kids []*Node) []any {
	out = append(out, "Child iterators")
	for _, k := range kids {
		if it := p.walk(k); it != nil {
			out = append(out, it)
		} else {
			out = append(out, nil) // RediSearch's null for a clause with no iterator
		}
	}
	return out
}

// expansion appends the iterators a term expands into, or with LIMITED
// only how many there are; nil when none has one (RediSearch has no
// union then).
func (p *profiler) expansion(out []any, kids []*Node) []any {
	its := p.present(kids)
	if len(its) == 0 {
		return nil
	}
	if p.opt.Limited {
		return append(out, "Child iterators", "The number of iterators in the union is "+strconv.Itoa(len(its)))
	}
	return append(out, append([]any{"Child iterators"}, its...)...)
}

// expansionType is the "Query type" of the union term t expands into, as
// RediSearch names it: FUZZY and the word of a fuzzy term, PREFIX and the
// word of a prefix, suffix or infix one.
func expansionType(t string) string {
	if w, _, ok := fuzzyTerm(t); ok {
		return "FUZZY - " + w
	}
	core, _ := affixCore(t)
	return "PREFIX - " + core
}

// formatG formats a number as C's %g.
func formatG(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', 6, 64)
}
