package cache

import (
	"math/rand/v2"

	"github.com/vcache/vcache/internal/keyslot"
)

// SetMaxIntsetEntries sets set-max-intset-entries: the most members a set
// of integers keeps in its compact form (it becomes a hash set past it).
func (ks *Keyspace) SetMaxIntsetEntries(n int64) { ks.setIntLimit.Store(max(n, 0)) }

// MaxIntsetEntries returns set-max-intset-entries.
func (ks *Keyspace) MaxIntsetEntries() int64 { return ks.setIntLimit.Load() }

// SetSetListpack sets set-max-listpack-entries and -value: a set of
// strings is packed (setpack.go) while it has at most entries members of
// at most value bytes each, both capped at setPackMax. A set already in
// the hash form stays so.
func (ks *Keyspace) SetSetListpack(entries, value int64) {
	ks.setPackLim.Store(&[2]int{int(min(max(entries, 0), setPackMax)), int(min(max(value, 0), setPackMax))})
}

// setLimits bound a set's compact forms.
type setLimits struct {
	ints    int // set-max-intset-entries
	entries int // set-max-listpack-entries (at most setPackMax)
	value   int // set-max-listpack-value (at most setPackMax)
}

// setLimits returns the sets' limits.
func (ks *Keyspace) setLimits() setLimits {
	lim := setLimits{int(min(ks.setIntLimit.Load(), 1<<30)), setPackEntries, setPackValue}
	if l := ks.setPackLim.Load(); l != nil {
		lim.entries, lim.value = l[0], l[1]
	}
	return lim
}

// setRead runs fn on the set at key (nil if missing) for reading.
func (ks *Keyspace) setRead(key []byte, fn func(s *setObj)) error {
	return readAs(ks, key, kindSet, (*entry).setVal, func(s *setObj) {
		fn(s)
		s.release()
	})
}

// setWrite runs fn on the set at key, creating an empty one first if
// create is set (fn gets nil for a missing key otherwise), and removes the
// key if fn leaves the set empty. fn returns whether it changed anything.
func (ks *Keyspace) setWrite(key []byte, create bool, fn func(s *setObj) bool) error {
	return ks.setWriteAt(keyslot.Of(key), key, create, fn)
}

// setWriteAt is setWrite for a caller that knows key's hash slot.
func (ks *Keyspace) setWriteAt(slot int, key []byte, create bool, fn func(s *setObj) bool) error {
	sh := &ks.stripes[slot&(numStripes-1)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	if e != nil && e.kind() != kindSet {
		return ErrWrongType
	}
	if e == nil {
		if !create {
			fn(nil)
			return nil
		}
		s := sviews.Get().(*setObj)
		s.view = true
		defer s.release()
		if fn(s) && s.len() > 0 {
			ks.insert(sh, slot, newEntry(bstr(key), kindSet, nil, s))
		}
		return nil
	}
	s := e.setVal()
	defer s.release()
	changed := fn(s)
	setStore(e, s)
	if !changed {
		return nil
	}
	ks.changedSet(sh, slot, key, e)
	return nil
}

// changedSet accounts e's set after a change, or deletes the key when the
// set is empty. The stripe's mutex must be held.
func (ks *Keyspace) changedSet(sh *stripe, slot int, key []byte, e *entry) {
	ks.touch(e)
	if setCard(e) == 0 {
		ks.del(sh, slot, string(key), e, ReasonDeleted)
		return
	}
	ks.resize(sh, slot, e)
}

// SAdd adds members and returns how many were new.
func (ks *Keyspace) SAdd(key []byte, members [][]byte) (int, error) {
	n := 0
	limit := ks.setLimits()
	err := ks.setWrite(key, true, func(s *setObj) bool {
		for i, m := range members {
			if s.addSized(bstr(m), limit, len(members)-i) {
				n++
			}
		}
		return n > 0
	})
	return n, err
}

// SRem removes members and returns how many were there.
func (ks *Keyspace) SRem(key []byte, members [][]byte) (int, error) {
	n := 0
	err := ks.setWrite(key, false, func(s *setObj) bool {
		if s == nil {
			return false
		}
		for _, m := range members {
			if s.remove(bstr(m)) {
				n++
			}
		}
		return n > 0
	})
	return n, err
}

// SIsMember tells whether member is in the set at key.
func (ks *Keyspace) SIsMember(key, member []byte) (bool, error) {
	var ok bool
	err := ks.setRead(key, func(s *setObj) { ok = s != nil && s.has(bstr(member)) })
	return ok, err
}

// SMIsMember tells, for each of members, whether it is in the set at key.
func (ks *Keyspace) SMIsMember(key []byte, members [][]byte) ([]bool, error) {
	out := make([]bool, len(members))
	err := ks.setRead(key, func(s *setObj) {
		if s == nil {
			return
		}
		for i, m := range members {
			out[i] = s.has(bstr(m))
		}
	})
	return out, err
}

// SCard returns the number of members.
func (ks *Keyspace) SCard(key []byte) (int, error) {
	n := 0
	err := ks.setRead(key, func(s *setObj) {
		if s != nil {
			n = s.len()
		}
	})
	return n, err
}

// SMembers returns the members (an intset's in ascending order).
func (ks *Keyspace) SMembers(key []byte) ([][]byte, error) {
	var out [][]byte
	err := ks.setRead(key, func(s *setObj) { out = appendMembers(out, s) })
	return out, err
}

func appendMembers(out [][]byte, s *setObj) [][]byte {
	if s == nil {
		return out
	}
	if out == nil {
		out = make([][]byte, 0, s.len())
	}
	s.each(func(m string) bool {
		out = append(out, []byte(m))
		return true
	})
	return out
}

// SPop removes and returns up to count random members (count >= 0); the
// key goes when it is emptied.
func (ks *Keyspace) SPop(key []byte, count int64) ([][]byte, error) {
	var out [][]byte
	err := ks.setWrite(key, false, func(s *setObj) bool {
		if s == nil || count == 0 {
			return false
		}
		if count >= int64(s.len()) {
			out = appendMembers(out, s)
			*s = setObj{}
			return true
		}
		out = make([][]byte, 0, count)
		for range count {
			out = append(out, []byte(s.removeAt(rand.IntN(s.len()))))
		}
		return true
	})
	return out, err
}

// SPopOne is SPOP without a count, for a caller that knows key's hash
// slot: it removes a random member of the set at key and calls fn with it
// under the key's stripe lock (fn must be quick, must not call back into
// the Keyspace and must not keep m, which may share the set's bytes: the
// node appends it to a reply buffer). It reports whether key held a set.
func (ks *Keyspace) SPopOne(slot int, key []byte, fn func(m string)) (bool, error) {
	found := false
	err := ks.setWriteAt(slot, key, false, func(s *setObj) bool {
		if s == nil {
			return false
		}
		found = true
		fn(s.removeAt(rand.IntN(s.len())))
		return true
	})
	return found, err
}

// SRandMember returns random members: up to count distinct ones when
// count >= 0 (the whole set, in its order, when count covers it), exactly
// -count ones, repeats allowed, when count < 0.
func (ks *Keyspace) SRandMember(key []byte, count int64) ([][]byte, error) {
	var out [][]byte
	err := ks.setRead(key, func(s *setObj) {
		if s == nil || count == 0 {
			return
		}
		size := s.len()
		switch {
		case count < 0:
			out = make([][]byte, 0, -count)
			for range -count {
				out = append(out, []byte(s.random()))
			}
		case count >= int64(size):
			out = appendMembers(out, s)
		case count*3 > int64(size):
			perm := rand.Perm(size)[:count]
			out = make([][]byte, 0, count)
			for _, i := range perm {
				out = append(out, []byte(s.member(i)))
			}
		default:
			seen := make(map[int]struct{}, count)
			out = make([][]byte, 0, count)
			for int64(len(out)) < count {
				i := rand.IntN(size)
				if _, dup := seen[i]; dup {
					continue
				}
				seen[i] = struct{}{}
				out = append(out, []byte(s.member(i)))
			}
		}
	})
	return out, err
}

// SMove moves member from the set at src to the set at dst and reports
// whether it was in src. A missing src moves nothing (whatever dst holds);
// either key holding another type is ErrWrongType.
func (ks *Keyspace) SMove(src, dst, member []byte) (bool, error) {
	unlock := ks.lockKeys([][]byte{src, dst}, 1)
	defer unlock()
	ssh, sslot := ks.locate(src)
	se := ks.find(ssh, sslot, src)
	if se == nil {
		return false, nil
	}
	dsh, dslot := ks.locate(dst)
	de := ks.find(dsh, dslot, dst)
	if se.kind() != kindSet || (de != nil && de.kind() != kindSet) {
		return false, ErrWrongType
	}
	m := bstr(member)
	if string(src) == string(dst) {
		return se.setVal().has(m), nil
	}
	sv := se.setVal()
	removed := sv.remove(m)
	setStore(se, sv)
	sv.release()
	if !removed {
		return false, nil
	}
	ks.changedSet(ssh, sslot, src, se)
	if de == nil {
		s := &setObj{}
		s.add(m, ks.setLimits())
		ks.insert(dsh, dslot, newEntry(bstr(dst), kindSet, nil, s))
		return true, nil
	}
	dv := de.setVal()
	added := dv.add(m, ks.setLimits())
	setStore(de, dv)
	dv.release()
	if added {
		ks.changedSet(dsh, dslot, dst, de)
	}
	return true, nil
}

// SetOp is a set algebra operation.
type SetOp uint8

// Set operations.
const (
	SetInter SetOp = iota
	SetUnion
	SetDiff
)

// SetCombine returns the members of op over the sets at keys (a missing
// key is an empty set): SINTER, SUNION, SDIFF.
func (ks *Keyspace) SetCombine(op SetOp, keys [][]byte) ([][]byte, error) {
	unlock := ks.lockKeys(keys, 1)
	defer unlock()
	res, err := ks.combine(op, keys)
	if err != nil {
		return nil, err
	}
	return appendMembers(nil, res), nil
}

// SInterCard returns the size of the intersection of the sets at keys,
// counting no further than limit (0: no limit).
func (ks *Keyspace) SInterCard(keys [][]byte, limit int64) (int, error) {
	unlock := ks.lockKeys(keys, 1)
	defer unlock()
	sets, missing, err := ks.setsAt(keys)
	if err != nil || missing {
		return 0, err
	}
	n := 0
	smallest(sets).each(func(m string) bool {
		if inAll(sets, m) {
			n++
		}
		return limit == 0 || int64(n) < limit
	})
	return n, nil
}

// SetCombineStore stores op over the sets at keys at dst, replacing
// whatever dst held (or deleting dst when the result is empty), and
// returns the result's size: SINTERSTORE, SUNIONSTORE, SDIFFSTORE.
func (ks *Keyspace) SetCombineStore(op SetOp, dst []byte, keys [][]byte) (int, error) {
	unlock := ks.lockKeys(append(keys[:len(keys):len(keys)], dst), 1)
	defer unlock()
	res, err := ks.combine(op, keys)
	if err != nil {
		return 0, err
	}
	sh, slot := ks.locate(dst)
	if old := ks.find(sh, slot, dst); old != nil {
		ks.del(sh, slot, string(dst), old, ReasonDeleted)
	}
	if res == nil || res.len() == 0 {
		return 0, nil
	}
	ks.insert(sh, slot, newEntry(bstr(dst), kindSet, nil, res))
	return res.len(), nil
}

// setsAt returns the sets at keys (nil for a missing key) and whether
// one is missing, after checking every key's type as Redis does. The
// keys' stripes must be locked.
func (ks *Keyspace) setsAt(keys [][]byte) (sets []*setObj, missing bool, err error) {
	sets = make([]*setObj, len(keys))
	for i, k := range keys {
		sh, slot := ks.locate(k)
		e := ks.read(sh, slot, k)
		switch {
		case e == nil:
			missing = true
		case e.kind() != kindSet:
			return nil, false, ErrWrongType
		default:
			sets[i] = e.setVal()
		}
	}
	return sets, missing, nil
}

// combine computes op over the sets at keys into a new set (nil when
// empty). The keys' stripes must be locked.
func (ks *Keyspace) combine(op SetOp, keys [][]byte) (*setObj, error) {
	sets, missing, err := ks.setsAt(keys)
	if err != nil {
		return nil, err
	}
	limit := ks.setLimits()
	res := &setObj{}
	switch op {
	case SetInter:
		if missing {
			return nil, nil
		}
		smallest(sets).each(func(m string) bool {
			if inAll(sets, m) {
				res.add(m, limit)
			}
			return true
		})
	case SetUnion:
		for _, s := range sets {
			if s != nil {
				s.each(func(m string) bool { res.add(m, limit); return true })
			}
		}
	case SetDiff:
		if sets[0] == nil {
			return nil, nil
		}
		sets[0].each(func(m string) bool {
			for _, s := range sets[1:] {
				if s != nil && (s == sets[0] || s.has(m)) {
					return true
				}
			}
			res.add(m, limit)
			return true
		})
	}
	return res, nil
}

func smallest(sets []*setObj) *setObj {
	small := sets[0]
	for _, s := range sets[1:] {
		if s.len() < small.len() {
			small = s
		}
	}
	return small
}

func inAll(sets []*setObj, m string) bool {
	for _, s := range sets {
		if !s.has(m) {
			return false
		}
	}
	return true
}

// SScan returns the next members of the set at key from cursor that match
// pattern ("" for all), about count of them, and the cursor to continue
// from (0 when done). A set in its compact form comes whole in one call,
// as Redis's intsets (and 7.2's listpacks) do.
func (ks *Keyspace) SScan(key []byte, cursor uint64, pattern string, count int) (uint64, [][]byte, error) {
	var out [][]byte
	var next uint64
	err := ks.setRead(key, func(s *setObj) {
		if s == nil {
			return
		}
		keep := func(m string) {
			if pattern == "" || Match(pattern, m) {
				out = append(out, []byte(m))
			}
		}
		if s.h == nil { // compact
			s.each(func(m string) bool { keep(m); return true })
			return
		}
		seen := 0
		next = scanCalls(cursor, count, 10*count, func() int { return seen }, func(c uint64) uint64 {
			return s.h.scan(c, func(m string) { seen++; keep(m) })
		})
	})
	return next, out, err
}
