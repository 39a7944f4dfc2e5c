package cache

// The HyperLogLog commands on the keyspace (PFADD, PFCOUNT, PFMERGE);
// the format is in hll.go.

// PFAdd adds elems to the sketch at key (created if missing) and reports
// whether a register changed (always true for a new key). sparseMax is
// hll-sparse-max-bytes.
func (ks *Keyspace) PFAdd(key []byte, elems [][]byte, sparseMax int) (bool, error) {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	var cur []byte
	if e != nil {
		if e.kind() != kindString {
			return false, ErrWrongType
		}
		cur = e.str()
		if err := checkHLL(cur); err != nil {
			return false, err
		}
		if len(elems) == 0 {
			return false, nil
		}
	}
	var nv []byte
	changed := e == nil
	switch {
	case cur != nil && hllIsDense(cur):
		nv = append([]byte(nil), cur...)
		p := nv[hllHdrSize:]
		for _, el := range elems {
			i, n := hllPattern(el)
			if n > denseGet(p, i) {
				denseSet(p, i, n)
				changed = true
			}
		}
	default:
		var regs hllRegs
		hdr := newHLLHeader()
		if cur != nil {
			hdr = cur[:hllHdrSize]
			if err := decodeHLL(cur, &regs); err != nil {
				return false, err
			}
		}
		for _, el := range elems {
			i, n := hllPattern(el)
			if n > regs[i] {
				regs[i] = n
				changed = true
			}
		}
		if changed {
			nv = encodeHLL(hdr, &regs, false, sparseMax)
		}
	}
	if !changed {
		return false, nil
	}
	nv[15] |= 0x80 // the cached cardinality is stale
	if e == nil {
		ks.insert(sh, slot, newEntry(bstr(key), kindString, nv, nil))
		return true, nil
	}
	e = ks.setStr(sh, slot, e, nv)
	ks.touch(e)
	ks.resize(sh, slot, e)
	return true, nil
}

// PFCount estimates the cardinality of the union of the sketches at keys
// (missing keys are empty). With one key the estimate is cached in the
// sketch, as Redis does.
func (ks *Keyspace) PFCount(keys [][]byte) (int64, error) {
	if len(keys) == 1 {
		return ks.pfCountOne(keys[0])
	}
	unlock := ks.lockKeys(keys, 1)
	defer unlock()
	var regs hllRegs
	if _, err := ks.mergeHLLs(keys, &regs); err != nil {
		return 0, err
	}
	return int64(hllCount(&regs)), nil
}

func (ks *Keyspace) pfCountOne(key []byte) (int64, error) {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.read(sh, slot, key)
	if e == nil {
		return 0, nil
	}
	if e.kind() != kindString {
		return 0, ErrWrongType
	}
	cur := e.str()
	if err := checkHLL(cur); err != nil {
		return 0, err
	}
	if card, ok := hllCachedCard(cur); ok {
		return int64(card), nil
	}
	var regs hllRegs
	if err := decodeHLL(cur, &regs); err != nil {
		return 0, err
	}
	card := hllCount(&regs)
	nv := append([]byte(nil), cur...)
	for i := range 8 {
		nv[8+i] = byte(card >> (8 * i))
	}
	e = ks.setStr(sh, slot, e, nv)
	ks.resize(sh, slot, e)
	return int64(card), nil
}

// mergeHLLs takes the register-wise maximum of the sketches at keys into
// regs and reports whether one of them is dense. Their stripes must be
// locked.
func (ks *Keyspace) mergeHLLs(keys [][]byte, regs *hllRegs) (bool, error) {
	dense := false
	for _, k := range keys {
		sh, slot := ks.locate(k)
		e := ks.read(sh, slot, k)
		if e == nil {
			continue
		}
		if e.kind() != kindString {
			return false, ErrWrongType
		}
		v := e.str()
		if err := checkHLL(v); err != nil {
			return false, err
		}
		dense = dense || hllIsDense(v)
		if err := decodeHLL(v, regs); err != nil {
			return false, err
		}
	}
	return dense, nil
}

// PFMerge stores at dest the union of the sketches at dest and srcs.
// The result is dense if any of them is; otherwise sparse while it fits
// sparseMax bytes.
func (ks *Keyspace) PFMerge(dest []byte, srcs [][]byte, sparseMax int) error {
	keys := append([][]byte{dest}, srcs...)
	unlock := ks.lockKeys(keys, 1)
	defer unlock()
	var regs hllRegs
	dense, err := ks.mergeHLLs(keys, &regs)
	if err != nil {
		return err
	}
	sh, slot := ks.locate(dest)
	e := ks.find(sh, slot, dest)
	hdr := newHLLHeader()
	if e != nil {
		hdr = e.str()[:hllHdrSize]
	}
	nv := encodeHLL(hdr, &regs, dense, sparseMax)
	nv[15] |= 0x80
	if e == nil {
		ks.insert(sh, slot, newEntry(bstr(dest), kindString, nv, nil))
		return nil
	}
	e = ks.setStr(sh, slot, e, nv)
	ks.touch(e)
	ks.resize(sh, slot, e)
	return nil
}
