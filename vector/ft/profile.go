package ft

// ProfileIterators describes req's query as FT.PROFILE's "Iterators
// profile": each node's type, time and the documents it matches, with
// its children under "Child iterators". The counts are taken by
// evaluating each node over the index's documents (vcache runs a query
// as one filter, not as a tree of iterators), so the times are zero.
func (ix *Index) ProfileIterators(req *SearchRequest) []any {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var walk func(n *Node) []any
	walk = func(n *Node) []any {
		count := int64(0)
		for _, d := range ix.docs {
			if ix.eval(n, d) && (req.Admit == nil || req.Admit(d.key)) {
				count++
			}
		}
		out := []any{"Type", iteratorType(n)}
		switch n.Kind {
		case qTag, qNum, qText:
			if n.Kind == qText && len(n.Terms) == 1 {
				out = append(out, "Term", n.Terms[0])
			}
		}
		out = append(out, "Time", "0", "Counter", count)
		if len(n.Kids) > 0 {
			kids := []any{"Child iterators"}
			for _, k := range n.Kids {
				kids = append(kids, walk(k))
			}
			out = append(out, kids...)
		}
		return out
	}
	if req.Filter == nil {
		return []any{}
	}
	root := walk(req.Filter)
	if req.KNN == nil {
		return root
	}
	return []any{"Type", "VECTOR", "Time", "0", "Counter", int64(req.KNN.K), "Child iterators", root}
}

func iteratorType(n *Node) string {
	switch n.Kind {
	case qAll:
		return "WILDCARD"
	case qAnd:
		return "INTERSECT"
	case qOr:
		return "UNION"
	case qNot:
		return "NOT"
	case qTag:
		return "TAG"
	case qNum:
		return "NUMERIC"
	}
	return "TEXT"
}
