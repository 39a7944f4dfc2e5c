package cache

import "unsafe"

// Freeze runs fn holding every stripe's lock: no key changes until fn
// returns, but for those fn's own reads find expired (which go as they
// are read, telling the observers, as any read's do). fn reads through
// f, whose methods take no lock; it must not call the Keyspace's own
// methods, which would wait for the locks it holds. A search that keeps
// meeting writes to the documents it reads finishes inside one.
func (ks *Keyspace) Freeze(fn func(f Frozen)) {
	for i := range ks.stripes {
		ks.stripes[i].mu.Lock()
	}
	defer func() {
		for i := range ks.stripes {
			ks.stripes[i].mu.Unlock()
		}
	}()
	fn(Frozen{ks: ks})
}

// Frozen reads the keyspace inside Freeze: its methods are the
// Keyspace's of the same names.
type Frozen struct{ ks *Keyspace }

// HashFields is Keyspace.HashFields.
func (f Frozen) HashFields(key []byte) (map[string][]byte, bool) {
	return keyReads{ks: f.ks, held: true}.hashFields(key)
}

// HashPick is Keyspace.HashPick.
func (f Frozen) HashPick(key string, names []string, fn func(i int, v []byte)) bool {
	return keyReads{ks: f.ks, held: true}.hashPick(key, names, fn)
}

// JSONFields is Keyspace.JSONFields.
func (f Frozen) JSONFields(key []byte, paths map[string]string) (map[string][]byte, bool) {
	return keyReads{ks: f.ks, held: true}.jsonFields(key, paths)
}

// JSONSearchValues is Keyspace.JSONSearchValues.
func (f Frozen) JSONSearchValues(key []byte, paths *JSONSearchPaths, multi bool) (map[string]JSONSearchValue, bool) {
	return keyReads{ks: f.ks, held: true}.jsonSearchValues(key, paths, multi)
}

// keyReads are the reads a search makes, taking the key's lock or, when
// held (Freeze), not.
type keyReads struct {
	ks   *Keyspace
	held bool
}

func (r keyReads) hashFields(key []byte) (map[string][]byte, bool) {
	var out map[string][]byte
	err := readAsIn(r.ks, r.held, key, kindHash, (*entry).view, func(h hashView) {
		if h.p != nil {
			out = pairsMap(h.p.pairs())
		} else if h.m != nil {
			out = h.m.asMap()
		}
	})
	return out, err == nil && out != nil
}

func (r keyReads) hashPick(key string, names []string, fn func(i int, v []byte)) bool {
	found := false
	err := readAsIn(r.ks, r.held, unsafe.Slice(unsafe.StringData(key), len(key)), kindHash, (*entry).view, func(h hashView) {
		if h.p == nil && h.m == nil {
			return
		}
		found = true
		for i, f := range names {
			if v, ok := h.get(unsafe.Slice(unsafe.StringData(f), len(f))); ok {
				fn(i, v)
			}
		}
	})
	return err == nil && found
}

func (r keyReads) jsonRead(key []byte, fn func(root *jsonVal)) {
	_ = readAsIn(r.ks, r.held, key, kindJSON, (*entry).jsonDoc, func(d *jsonDoc) {
		if d != nil {
			fn(d.tree())
		}
	})
}

func (r keyReads) jsonFields(key []byte, paths map[string]string) (map[string][]byte, bool) {
	var out map[string][]byte
	r.jsonRead(key, func(root *jsonVal) {
		out = map[string][]byte{"$": appendJSON(nil, root)}
		v := JSONView{root}
		for name, path := range paths {
			if s, ok := v.Strings(path); ok && len(s) > 0 {
				out[name] = []byte(s[0])
			}
		}
	})
	return out, out != nil
}

func (r keyReads) jsonSearchValues(key []byte, paths *JSONSearchPaths, multi bool) (map[string]JSONSearchValue, bool) {
	var out map[string]JSONSearchValue
	r.jsonRead(key, func(root *jsonVal) {
		out = make(map[string]JSONSearchValue, len(paths.names))
		for i, name := range paths.names {
			if v, ok := searchValue(root, paths.paths[i], multi); ok {
				out[name] = v
			}
		}
	})
	return out, out != nil
}
