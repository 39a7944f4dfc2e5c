package cache

// jsonDoc is a kindJSON entry's value: a small document as its compact
// text (parsed again for each command: a third of the tree's bytes), a
// large one as its tree (updated in place), and its accounted bytes.
// Text and tree are never modified once stored: a command that changes
// the document stores a new jsonDoc.
type jsonDoc struct {
	text  []byte   // the compact text, when root is nil
	root  *jsonVal // the tree of a large document
	bytes int64
}

// jsonTextMax is the longest document kept as text: parsing it again
// takes tens of microseconds at most.
const jsonTextMax = 8 << 10

func newJSONDoc(root *jsonVal) *jsonDoc {
	if text := appendJSON(nil, root); len(text) <= jsonTextMax {
		text = text[:len(text):len(text)]
		return &jsonDoc{text: text, bytes: 24 + sizeClass(len(text))}
	}
	return &jsonDoc{root: root, bytes: 24 + root.bytes()}
}

// tree returns the document's tree: the stored one, or a new one parsed
// from the text (the caller may change it and store it).
func (d *jsonDoc) tree() *jsonVal {
	if d.root != nil {
		return d.root
	}
	p := jsonParser{b: d.text, internal: true}
	v, err := p.value(0)
	if err != nil {
		panic("cache: a stored JSON document does not parse: " + err.Error())
	}
	return v
}

// textOf returns the document's compact text.
func (d *jsonDoc) textOf() []byte {
	if d.root == nil {
		return d.text
	}
	return appendJSON(nil, d.root)
}

// jsonVal returns a kindJSON entry's document (nil for other kinds).
func (e *entry) jsonDoc() *jsonDoc {
	d, _ := e.object().(*jsonDoc)
	return d
}

// JSONReplyKind says what a JSONReply is.
type JSONReplyKind uint8

// Reply kinds of JSON commands.
const (
	JSONNull   JSONReplyKind = iota
	JSONInt                  // Int
	JSONBulk                 // Str, a bulk string
	JSONSimple               // Str, a simple string ("true", "[", "{")
	JSONDouble               // Float: a double (a bulk string in RESP2)
	JSONArray                // Elems
)

// JSONReply is a JSON command's answer, shaped as RedisJSON's; the node
// writes it as RESP.
type JSONReply struct {
	Kind  JSONReplyKind
	Int   int64
	Float float64
	Str   string
	Elems []JSONReply
}

func jsonNullReply() JSONReply             { return JSONReply{} }
func jsonIntReply(n int64) JSONReply       { return JSONReply{Kind: JSONInt, Int: n} }
func jsonBulkReply(s string) JSONReply     { return JSONReply{Kind: JSONBulk, Str: s} }
func jsonArrReply(e []JSONReply) JSONReply { return JSONReply{Kind: JSONArray, Elems: e} }

// jsonRead runs fn on the document at key (nil when the key is missing).
func (ks *Keyspace) jsonRead(key []byte, fn func(root *jsonVal) error) error {
	var ferr error
	err := readAs(ks, key, kindJSON, (*entry).jsonDoc, func(d *jsonDoc) {
		if d == nil {
			ferr = fn(nil)
			return
		}
		ferr = fn(d.tree())
	})
	if err != nil {
		return err
	}
	return ferr
}

// jsonWrite runs fn on the document at key (nil when missing). fn returns
// the new root when it replaces the whole document or creates one, the
// old root otherwise, nil to delete the key; and whether it changed
// anything.
func (ks *Keyspace) jsonWrite(key []byte, fn func(root *jsonVal) (*jsonVal, bool, error)) error {
	return ks.jsonWriteDoc(key, func(d *jsonDoc) (*jsonVal, bool, error) {
		var root *jsonVal
		if d != nil {
			root = d.tree()
		}
		return fn(root)
	})
}

// jsonWriteDoc is jsonWrite for commands that may not need the old
// document's tree (a replacement at the root): fn gets the stored
// document (nil when missing) and parses it only if it must.
func (ks *Keyspace) jsonWriteDoc(key []byte, fn func(d *jsonDoc) (*jsonVal, bool, error)) error {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	if e != nil && e.kind() != kindJSON {
		return ErrWrongType
	}
	var d *jsonDoc
	if e != nil {
		d = e.jsonDoc()
	}
	// A command that fails after changing some values keeps those
	// changes, as RedisJSON's (which changes values in place): the error
	// comes back with them stored.
	nr, changed, err := fn(d)
	if !changed || (err != nil && nr == nil) {
		return err
	}
	switch {
	case nr == nil && e != nil:
		ks.del(sh, slot, string(key), e, ReasonDeleted)
	case nr == nil:
	case e == nil:
		e = newEntry(bstr(key), kindJSON, nil, newJSONDoc(nr))
		ks.insert(sh, slot, e)
		ks.jsonChangedTree(string(key), slot, nr)
	default:
		e.setObject(newJSONDoc(nr))
		ks.touch(e)
		ks.resize(sh, slot, e)
		ks.jsonChangedTree(string(key), slot, nr)
	}
	return err
}

// JSONSetMode is JSON.SET's NX / XX.
type JSONSetMode uint8

// JSON.SET conditions.
const (
	JSONSetAlways JSONSetMode = iota
	JSONSetNX
	JSONSetXX
)

// JSONSet is JSON.SET: it sets the value at path (or adds a member to the
// objects the path's parent selects) and reports whether it set anything.
func (ks *Keyspace) JSONSet(key []byte, path *JSONPath, text []byte, mode JSONSetMode) (bool, error) {
	set := false
	err := ks.jsonWriteDoc(key, func(d *jsonDoc) (*jsonVal, bool, error) {
		val, err := parseJSON(text)
		if err != nil {
			return nil, false, err
		}
		if d == nil {
			if mode == JSONSetXX {
				return nil, false, nil
			}
			if !path.IsRoot() {
				return nil, false, ErrJSONNewAtRoot
			}
			set = true
			return val, true, nil
		}
		if path.IsRoot() {
			if mode == JSONSetNX {
				return nil, false, nil
			}
			set = true
			return val, true, nil
		}
		root := d.tree()
		nr, ok, err := setAt(root, path, val, mode, false)
		set = ok
		return nr, ok, err
	})
	return set, err
}

// setAt replaces the values path selects with val (merged into them with
// merge), or adds val as a member of the objects its parent selects.
func setAt(root *jsonVal, path *JSONPath, val *jsonVal, mode JSONSetMode, merge bool) (*jsonVal, bool, error) {
	if mode != JSONSetNX {
		ms, err := path.selectJSON(root)
		if err != nil {
			return root, false, err
		}
		if !merge {
			ms = forUpdate(ms)
		}
		if len(ms) > 0 {
			for i, m := range ms {
				v := val
				if i > 0 {
					v = val.clone()
				}
				if merge {
					v = mergePatch(m.v, v)
				}
				if len(m.pos) == 0 {
					root = v
					continue
				}
				if parent := jsonAt(root, m.pos[:len(m.pos)-1]); parent != nil {
					parent.arr[m.pos[len(m.pos)-1]] = v
				}
			}
			return root, true, nil
		}
	}
	if mode == JSONSetXX {
		return root, false, nil
	}
	// Nothing there: add a member, when the path names one at its end
	// and every step is a single name or index.
	steps := path.steps
	for _, st := range steps {
		static := (st.kind == stepKeys && len(st.names) == 1) || (st.kind == stepIndexes && len(st.indexes) == 1)
		if !static {
			return root, false, errWrongStatic
		}
	}
	last := steps[len(steps)-1]
	if last.kind == stepIndexes {
		if ms, err := path.selectJSON(root); err != nil || len(ms) == 0 {
			return root, false, ErrJSONArrayIdx
		}
		return root, false, nil
	}
	parent := &JSONPath{steps: steps[:len(steps)-1]}
	added := false
	ms, err := parent.selectJSON(root)
	if err != nil {
		return root, false, err
	}
	for _, m := range ms {
		if m.v.k != jObject || m.v.member(last.names[0]) >= 0 {
			continue
		}
		v := val
		if added {
			v = val.clone()
		}
		m.v.setMember(last.names[0], v)
		added = true
	}
	return root, added, nil
}

// errWrongStatic is RedisJSON's error for adding at a path with wildcards.
var errWrongStatic = &jsonError{ErrJSONPath, "wrong static path"}

// mergePatch applies patch to doc as RFC 7396 says (null deletes a
// member, objects merge, anything else replaces) and returns the result.
func mergePatch(doc, patch *jsonVal) *jsonVal {
	if patch.k != jObject {
		return patch.clone()
	}
	if doc.k != jObject {
		doc = newObject()
	}
	for i, name := range patch.obj.keys {
		pv := patch.arr[i]
		j := doc.member(name)
		if pv.k == jNull {
			if j >= 0 {
				doc.delMember(j)
			}
			continue
		}
		if j >= 0 {
			doc.arr[j] = mergePatch(doc.arr[j], pv)
		} else {
			doc.setMember(name, mergePatch(&jsonVal{k: jNull}, pv))
		}
	}
	return doc
}

// JSONMerge is JSON.MERGE.
func (ks *Keyspace) JSONMerge(key []byte, path *JSONPath, text []byte) (bool, error) {
	set := false
	err := ks.jsonWrite(key, func(root *jsonVal) (*jsonVal, bool, error) {
		val, err := parseJSON(text)
		if err != nil {
			return nil, false, err
		}
		if root == nil {
			if !path.IsRoot() {
				return nil, false, ErrJSONNewAtRoot
			}
			set = true
			return val, true, nil
		}
		if path.IsRoot() {
			set = true
			return mergePatch(root, val), true, nil
		}
		nr, ok, err := setAt(root, path, val, JSONSetAlways, true)
		set = ok
		return nr, ok, err
	})
	return set, err
}

// JSONSetArgs is one key, path and value of JSON.MSET.
type JSONSetArgs struct {
	Key  []byte
	Path *JSONPath
	Text []byte
}

// JSONMSet is JSON.MSET: it checks every triple first (values, wrong
// types, paths into missing keys), then sets them in order.
func (ks *Keyspace) JSONMSet(sets []JSONSetArgs) error {
	for _, s := range sets {
		if err := ParseJSON(s.Text); err != nil {
			return err
		}
		err := ks.jsonRead(s.Key, func(root *jsonVal) error {
			if root == nil && !s.Path.IsRoot() {
				return ErrJSONNewAtRoot
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, s := range sets {
		if _, err := ks.JSONSet(s.Key, s.Path, s.Text, JSONSetAlways); err != nil {
			return err
		}
	}
	return nil
}

// JSONGet is JSON.GET: the reply text for paths (the root when none),
// false when the key is missing.
func (ks *Keyspace) JSONGet(key []byte, paths []*JSONPath, f *JSONFormat) ([]byte, bool, error) {
	if len(paths) == 1 && paths[0].IsRoot() && f == nil {
		// The whole document: its text as stored, without a parse.
		var out []byte
		err := readAs(ks, key, kindJSON, (*entry).jsonDoc, func(d *jsonDoc) {
			if d == nil {
				return
			}
			text := d.textOf()
			if paths[0].Legacy {
				out = append([]byte(nil), text...)
			} else {
				out = append(append(append(make([]byte, 0, len(text)+2), '['), text...), ']')
			}
		})
		return out, out != nil, err
	}
	var out []byte
	found := false
	err := ks.jsonRead(key, func(root *jsonVal) error {
		if root == nil {
			return nil
		}
		found = true
		var err error
		out, err = jsonGetText(root, paths, f)
		return err
	})
	return out, found, err
}

// jsonGetText renders JSON.GET's reply for a document.
func jsonGetText(root *jsonVal, paths []*JSONPath, f *JSONFormat) ([]byte, error) {
	legacy := true
	for _, p := range paths {
		legacy = legacy && p.Legacy
	}
	if len(paths) == 1 {
		vs, err := paths[0].values(root)
		if err != nil {
			return nil, err
		}
		if legacy {
			if len(vs) == 0 {
				return nil, ErrJSONNoPath
			}
			return appendJSONFmt(nil, vs[0], f, 0), nil
		}
		return appendJSONFmt(nil, &jsonVal{k: jArray, arr: vs}, f, 0), nil
	}
	obj := newObject()
	for _, p := range paths {
		vs, err := p.values(root)
		if err != nil {
			return nil, err
		}
		if legacy {
			if len(vs) == 0 {
				return nil, ErrJSONNoPath
			}
			obj.setMember(p.Text, vs[0])
		} else {
			obj.setMember(p.Text, &jsonVal{k: jArray, arr: vs})
		}
	}
	return appendJSONFmt(nil, obj, f, 0), nil
}

// JSONDel is JSON.DEL: it deletes the values path selects and returns how
// many; deleting the root deletes the key.
func (ks *Keyspace) JSONDel(key []byte, path *JSONPath) (int64, error) {
	var n int64
	err := ks.jsonWrite(key, func(root *jsonVal) (*jsonVal, bool, error) {
		if root == nil {
			return nil, false, nil
		}
		if path.IsRoot() {
			n = 1
			return nil, true, nil
		}
		ms, err := path.selectJSON(root)
		if err != nil {
			return root, false, err
		}
		for _, m := range forUpdate(ms) {
			if len(m.pos) == 0 {
				n++
				return nil, true, nil
			}
			parent := jsonAt(root, m.pos[:len(m.pos)-1])
			i := m.pos[len(m.pos)-1]
			if parent.k == jObject {
				parent.delMember(i)
			} else {
				parent.arr = append(parent.arr[:i], parent.arr[i+1:]...)
			}
			n++
		}
		return root, n > 0, nil
	})
	return n, err
}

// JSONType is JSON.TYPE.
func (ks *Keyspace) JSONType(key []byte, path *JSONPath) (JSONReply, error) {
	var r JSONReply
	err := ks.jsonRead(key, func(root *jsonVal) error {
		if root == nil {
			return nil
		}
		vs, err := path.values(root)
		if err != nil {
			return err
		}
		if path.Legacy {
			if len(vs) > 0 {
				r = jsonBulkReply(vs[0].typeName())
			}
			return nil
		}
		es := make([]JSONReply, len(vs))
		for i, v := range vs {
			es[i] = jsonBulkReply(v.typeName())
		}
		r = jsonArrReply(es)
		return nil
	})
	return r, err
}
