package cache

// JSONObserver is an Observer that also hears about JSON documents (the
// FT indexes ON JSON). The keyspace calls JSONChanged under the key's
// stripe lock after a document was created or changed, with the same
// rules as Observer's methods; doc is valid only during the call.
// Removals arrive as Observer.KeyRemoved.
type JSONObserver interface {
	JSONChanged(key string, slot int, doc JSONView)
}

// JSONView reads a JSON document for an index: the values paths select.
type JSONView struct{ root *jsonVal }

// jsonChanged tells a JSONObserver that e (if a document) changed.
func (ks *Keyspace) jsonChanged(key string, slot int, e *entry) {
	if e.kind() != kindJSON {
		return
	}
	if o, ok := ks.observer.(JSONObserver); ok {
		o.JSONChanged(key, slot, JSONView{e.jsonDoc().tree()})
	}
}

// jsonChangedTree tells a JSONObserver that the document at key is now
// root.
func (ks *Keyspace) jsonChangedTree(key string, slot int, root *jsonVal) {
	if o, ok := ks.observer.(JSONObserver); ok {
		o.JSONChanged(key, slot, JSONView{root})
	}
}

// Text returns the document's compact JSON text.
func (v JSONView) Text() []byte { return appendJSON(nil, v.root) }

// Strings returns the values path selects as an index reads text and
// tags: strings as they are, numbers and booleans as their JSON text,
// and the elements of selected arrays (one level) likewise; objects and
// nulls are skipped. ok is false for a path that does not parse.
func (v JSONView) Strings(path string) (out []string, ok bool) {
	p, err := ParseJSONPath(path)
	if err != nil {
		return nil, false
	}
	vs, err := p.values(v.root)
	if err != nil {
		return nil, false
	}
	var add func(x *jsonVal, nested bool)
	add = func(x *jsonVal, nested bool) {
		switch x.k {
		case jString:
			out = append(out, x.s)
		case jInt, jFloat, jTrue, jFalse:
			out = append(out, string(appendJSON(nil, x)))
		case jArray:
			if !nested {
				for _, e := range x.arr {
					add(e, true)
				}
			}
		}
	}
	for _, x := range vs {
		add(x, false)
	}
	return out, true
}

// First returns the first value path selects, as the document holds it:
// a string's text (isString true) or a number's JSON text; ok is false
// when path selects nothing, does not parse, or selects another kind.
func (v JSONView) First(path string) (text string, isString, ok bool) {
	p, err := ParseJSONPath(path)
	if err != nil {
		return "", false, false
	}
	vs, err := p.values(v.root)
	if err != nil || len(vs) == 0 {
		return "", false, false
	}
	switch x := vs[0]; {
	case x.k == jString:
		return x.s, true, true
	case x.isNum():
		return string(appendJSON(nil, x)), false, true
	}
	return "", false, false
}

// Floats returns the numbers of the first array path selects (a vector
// stored as a JSON array), or the selected numbers themselves; false when
// an element is not a number.
func (v JSONView) Floats(path string) ([]float64, bool) {
	p, err := ParseJSONPath(path)
	if err != nil {
		return nil, false
	}
	vs, err := p.values(v.root)
	if err != nil || len(vs) == 0 {
		return nil, false
	}
	if vs[0].k == jArray {
		vs = vs[0].arr
	}
	out := make([]float64, len(vs))
	for i, x := range vs {
		if !x.isNum() {
			return nil, false
		}
		out[i] = x.num()
	}
	return out, true
}

// ForEachJSON calls fn with every live JSON document whose key starts with
// one of prefixes (all documents when there are none), under the key's
// stripe lock, as ForEachHash does for hashes. fn must not call back into
// the Keyspace nor keep doc.
func (ks *Keyspace) ForEachJSON(prefixes []string, fn func(key string, doc JSONView), pause func() bool) {
	ks.forEachSlot(pause, func(sh *stripe, slot int, now int64) {
		for k, e := range sh.slots[slot].all() {
			if e.kind() != kindJSON || (e.hasTTL() && sh.volatile[e] <= now) || !hasAnyPrefix(k, prefixes) {
				continue
			}
			fn(k, JSONView{e.jsonDoc().tree()})
		}
	})
}

// JSONText returns the compact text of the document at key, false when
// there is none (search results load documents with it).
func (ks *Keyspace) JSONText(key []byte) ([]byte, bool) {
	var out []byte
	err := ks.jsonRead(key, func(root *jsonVal) error {
		if root != nil {
			out = appendJSON(nil, root)
		}
		return nil
	})
	return out, err == nil && out != nil
}

// JSONFields returns, for search results, the document at key: its text
// under "$" and the values of paths (by their names) as text.
func (ks *Keyspace) JSONFields(key []byte, paths map[string]string) (map[string][]byte, bool) {
	return keyReads{ks: ks}.jsonFields(key, paths)
}
