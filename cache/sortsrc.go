package cache

// SortElements returns the elements SORT sorts at key: a set's members
// (in no particular order) or a sorted set's members by ascending score
// (ordered reports such a native order, which SORT BY nosort keeps). A
// missing key has none; any other type is ErrWrongType. A new
// collection kind adds its case here.
func (ks *Keyspace) SortElements(key []byte) (elems []string, ordered bool, err error) {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.read(sh, slot, key)
	if e == nil {
		return nil, false, nil
	}
	switch e.kind() {
	case kindSet:
		s := e.setVal()
		elems = make([]string, 0, s.len())
		s.each(func(m string) bool {
			elems = append(elems, m)
			return true
		})
		return elems, false, nil
	case kindZSet:
		z := e.zsetVal()
		elems = make([]string, 0, z.card())
		z.each(func(m string, _ float64) bool {
			elems = append(elems, m)
			return true
		})
		return elems, true, nil
	case kindList:
		l := e.listVal()
		elems = make([]string, 0, l.n)
		l.each(0, func(_ int, v []byte) bool {
			elems = append(elems, string(v))
			return true
		})
		l.release()
		return elems, true, nil
	}
	return nil, false, ErrWrongType
}
