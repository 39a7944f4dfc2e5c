package cache

// GetCustom returns the custom value at key if it is of type typeName; nil
// if the key is missing; ErrWrongType if it holds something else. The
// value's own methods must be safe for concurrent use: the stripe lock is
// not held once GetCustom returns.
func (ks *Keyspace) GetCustom(key []byte, typeName string) (Custom, error) {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.read(sh, slot, key)
	if e == nil {
		return nil, nil
	}
	if e.kind() != kindCustom || e.customVal().TypeName() != typeName {
		return nil, ErrWrongType
	}
	return e.customVal(), nil
}

// PeekCustom is GetCustom for a write that sizes what it will add before
// it writes: it counts no hit or miss and does not touch the key.
func (ks *Keyspace) PeekCustom(key []byte, typeName string) (Custom, error) {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	if e == nil {
		return nil, nil
	}
	if e.kind() != kindCustom || e.customVal().TypeName() != typeName {
		return nil, ErrWrongType
	}
	return e.customVal(), nil
}

// UpdateCustom runs fn under key's stripe lock with the custom value at key
// (nil if missing). fn returns the value to store (nil deletes the key).
// A key of another type is ErrWrongType.
func (ks *Keyspace) UpdateCustom(key []byte, typeName string, fn func(cur Custom) (Custom, error)) error {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	var cur Custom
	if e != nil {
		if e.kind() != kindCustom || e.customVal().TypeName() != typeName {
			return ErrWrongType
		}
		cur = e.customVal()
	}
	nv, err := fn(cur)
	if err != nil {
		return err
	}
	switch {
	case nv == nil && e != nil:
		ks.del(sh, slot, string(key), e, ReasonDeleted)
	case nv == nil:
	case e == nil:
		ks.insert(sh, slot, newEntry(bstr(key), kindCustom, nil, nv))
	default:
		e.setObject(nv)
		ks.touch(e)
		ks.resize(sh, slot, e)
	}
	return nil
}
