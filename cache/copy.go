package cache

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
)

// ErrSameObject is COPY's error when source and destination are one key.
var ErrSameObject = errors.New("source and destination objects are the same")

// ErrNoClone is returned for a value that cannot be duplicated (a custom
// type without a decoder).
var ErrNoClone = errors.New("value cannot be copied")

// Copy duplicates the value at src, and its expiry, to dst, as COPY does.
// It reports false when src is missing or when dst exists and replace is
// not set.
func (ks *Keyspace) Copy(src, dst []byte, replace bool) (bool, error) {
	if string(src) == string(dst) {
		return false, ErrSameObject
	}
	unlock := ks.lockKeys([][]byte{src, dst}, 1)
	defer unlock()
	ssh, sslot := ks.locate(src)
	e := ks.read(ssh, sslot, src)
	if e == nil {
		return false, nil
	}
	dsh, dslot := ks.locate(dst)
	old := ks.find(dsh, dslot, dst)
	if old != nil && !replace {
		return false, nil
	}
	obj, err := ks.cloneObj(e)
	if err != nil {
		return false, err
	}
	var val []byte
	if e.kind() == kindString {
		val = e.str()
	}
	if old != nil {
		ks.del(dsh, dslot, string(dst), old, ReasonDeleted)
	}
	ne := newEntry(bstr(dst), e.kind(), val, obj)
	ks.insertAt(dsh, dslot, ne, ssh.expOf(e))
	if ne.kind() == kindHash {
		hashChanged(ks, dst, dslot, ne)
	}
	ks.jsonChanged(string(dst), dslot, ne)
	return true, nil
}

// cloneObj returns an independent copy of e's value object (nil for a
// string, whose bytes newEntry copies). A new kind adds its case here.
// The shard's mutex must be held.
func (ks *Keyspace) cloneObj(e *entry) (any, error) {
	switch e.kind() {
	case kindString:
		return nil, nil
	case kindHash:
		if e.isPacked() {
			ph, out := newPacked(len(e.packed()))
			copy(out, e.packed())
			return ph, nil
		}
		if hx := hashExOf(e); hx != nil {
			return cloneHashEx(hx), nil
		}
		return e.hashTab().clone(), nil
	case kindSet:
		return e.setVal().clone(), nil
	case kindZSet:
		return e.zsetVal().clone(), nil
	case kindList:
		l, nl := e.listVal(), &list{fill: ks.listFill(), depth: int16(ks.listDepth.Load())}
		l.each(0, func(_ int, v []byte) bool {
			nl.push(v, false)
			return true
		})
		l.release()
		return nl, nil
	case kindJSON:
		if d := e.jsonDoc(); d.root != nil {
			return newJSONDoc(d.root.clone()), nil
		}
		return e.jsonDoc(), nil // text is never modified: shared
	case kindStream:
		// Through its snapshot form: groups, consumers and pending
		// entries come along.
		var b bytes.Buffer
		appendStream(&b, e.streamVal())
		sr := &snapReader{r: bufio.NewReader(&b), crc: crc32.NewIEEE()}
		return sr.stream()
	case kindCustom:
		c := e.customVal()
		dec := ks.decoders[c.TypeName()]
		if dec == nil {
			return nil, fmt.Errorf("%w: type %s", ErrNoClone, c.TypeName())
		}
		data, err := c.MarshalBinary()
		if err != nil {
			return nil, err
		}
		return dec(data)
	}
	return nil, fmt.Errorf("%w: kind %d", ErrNoClone, e.kind())
}

// clone returns a copy of the set in the same representation.
func (s *setObj) clone() *setObj {
	if s.h == nil {
		return &setObj{small: slices.Clone(s.small)}
	}
	h := newHashSet(len(s.h.members))
	for _, m := range s.h.members {
		h.add(m)
	}
	return &setObj{h: h}
}

// clone returns a copy of the sorted set in the same form.
func (z *zset) clone() *zset {
	if z.packed() {
		c := newZPacked()
		c.lp = zpack{b: slices.Clone(z.lp.b)}
		return c
	}
	c := newZSet()
	for n := z.sl.head.lv()[0].next; n != nil; n = n.lv()[0].next {
		c.add(n.member(), n.score)
	}
	return c
}
