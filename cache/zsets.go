package cache

import (
	"math"
	"math/rand/v2"

	"github.com/vcache/vcache/internal/keyslot"
)

// Redis's defaults for zset-max-listpack-entries and -value.
const (
	zsetListpackEntries = 128
	zsetListpackValue   = 64
)

// SetZSetListpack sets zset-max-listpack-entries and
// zset-max-listpack-value: a sorted set is packed while it has at most
// entries members of at most value bytes each. A set already in the
// skiplist form stays so until it is loaded or copied into a new key.
func (ks *Keyspace) SetZSetListpack(entries, value int64) {
	ks.zsetLim.Store(&zlimits{int(min(max(entries, 0), 1<<30)), int(min(max(value, 0), 1<<30))})
}

// zlim returns the sorted sets' zlimits.
func (ks *Keyspace) zlim() zlimits {
	if l := ks.zsetLim.Load(); l != nil {
		return *l
	}
	return zlimits{zsetListpackEntries, zsetListpackValue}
}

// zsetRead runs fn on the sorted set at key (nil if missing).
func (ks *Keyspace) zsetRead(key []byte, fn func(z *zset)) error {
	return readAs(ks, key, kindZSet, (*entry).zsetVal, func(z *zset) {
		fn(z)
		z.release()
	})
}

// zsetWrite runs fn on the sorted set at key, creating it if create is
// set (fn sees nil otherwise), and removes the key if fn leaves it empty.
// fn returns whether it changed anything.
func (ks *Keyspace) zsetWrite(key []byte, create bool, fn func(z *zset) (bool, error)) error {
	return ks.zsetWriteAt(keyslot.Of(key), key, create, fn)
}

// zsetWriteAt is zsetWrite for a caller that knows key's hash slot.
func (ks *Keyspace) zsetWriteAt(slot int, key []byte, create bool, fn func(z *zset) (bool, error)) error {
	sh := &ks.stripes[slot&(numStripes-1)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	if e != nil && e.kind() != kindZSet {
		return ErrWrongType
	}
	if e == nil {
		if !create {
			_, err := fn(nil)
			return err
		}
		z := newZView()
		defer z.release()
		changed, err := fn(z)
		if err != nil || !changed || z.card() == 0 {
			return err
		}
		ks.insert(sh, slot, newEntry(bstr(key), kindZSet, nil, z))
		return nil
	}
	z := e.zsetVal()
	defer z.release()
	changed, err := fn(z)
	zsetStore(e, z)
	if !changed {
		return err
	}
	ks.zsetChanged(sh, slot, key, e)
	return err
}

// zsetChanged re-accounts a changed sorted set, deleting it when empty.
func (ks *Keyspace) zsetChanged(sh *stripe, slot int, key []byte, e *entry) {
	ks.touch(e)
	if zsetCard(e) == 0 {
		ks.del(sh, slot, string(key), e, ReasonDeleted)
		return
	}
	ks.resize(sh, slot, e)
}

// ZAddFlags are ZADD's options.
type ZAddFlags struct{ NX, XX, GT, LT, CH, Incr bool }

// ZAdd adds or updates members. It returns the count ZADD replies with
// (added, or added and changed with CH); with Incr, the new score and
// whether the update happened. The items' members may share memory the
// caller reuses after the call (a request's arguments): the set copies
// what it keeps.
func (ks *Keyspace) ZAdd(key []byte, f ZAddFlags, items []ZMember) (int, float64, bool, error) {
	n, done := 0, false
	var out float64
	lim := ks.zlim()
	err := ks.zsetWrite(key, !f.XX, func(z *zset) (bool, error) {
		if z == nil {
			return false, nil
		}
		changed := false
		if !f.XX {
			z.reserve(items, lim)
			defer z.trim()
		}
		for _, it := range items {
			cur, exists, at := z.find(it.Member)
			score := it.Score
			if exists {
				if f.NX {
					continue
				}
				if f.Incr {
					score = cur + score
					if math.IsNaN(score) {
						return changed, ErrScoreNaN
					}
				}
				if (f.GT && score <= cur) || (f.LT && score >= cur) {
					continue
				}
				out, done = score, true
				if score != cur {
					z.setFound(it.Member, score, lim, at)
					changed = true
					if f.CH {
						n++
					}
				}
				continue
			}
			if f.XX {
				continue
			}
			z.setFound(z.own(it.Member, lim), score, lim, at)
			out, done, changed = score, true, true
			n++
		}
		return changed, nil
	})
	return n, out, done, err
}

// ZRem removes members and returns how many were there.
func (ks *Keyspace) ZRem(key []byte, members [][]byte) (int, error) {
	n := 0
	err := ks.zsetWrite(key, false, func(z *zset) (bool, error) {
		if z == nil {
			return false, nil
		}
		for _, m := range members {
			if z.remove(string(m)) {
				n++
			}
		}
		return n > 0, nil
	})
	return n, err
}

// ZScore returns a member's score and whether it exists.
func (ks *Keyspace) ZScore(key, member []byte) (float64, bool, error) {
	var s float64
	var ok bool
	err := ks.zsetRead(key, func(z *zset) {
		if z != nil {
			s, ok = z.score(string(member))
		}
	})
	return s, ok, err
}

// ZMScore returns members' scores; ok[i] tells whether members[i] exists.
func (ks *Keyspace) ZMScore(key []byte, members [][]byte) ([]float64, []bool, error) {
	scores := make([]float64, len(members))
	ok := make([]bool, len(members))
	err := ks.zsetRead(key, func(z *zset) {
		if z == nil {
			return
		}
		for i, m := range members {
			scores[i], ok[i] = z.score(string(m))
		}
	})
	return scores, ok, err
}

// ZRank returns a member's 0-based rank (from the highest score when rev),
// its score, and whether it exists.
func (ks *Keyspace) ZRank(key, member []byte, rev bool) (int, float64, bool, error) {
	var r int
	var s float64
	var ok bool
	err := ks.zsetRead(key, func(z *zset) {
		if z != nil {
			r, s, ok = z.rank(string(member), rev)
		}
	})
	return r, s, ok, err
}

// ZCard returns the number of members.
func (ks *Keyspace) ZCard(key []byte) (int, error) {
	n := 0
	err := ks.zsetRead(key, func(z *zset) {
		if z != nil {
			n = z.card()
		}
	})
	return n, err
}

// ZCount returns how many members have a score in r.
func (ks *Keyspace) ZCount(key []byte, r ScoreRange) (int, error) {
	n := 0
	err := ks.zsetRead(key, func(z *zset) {
		if z != nil {
			_, n = z.scoreSpan(r)
		}
	})
	return n, err
}

// ZLexCount returns how many members are in r.
func (ks *Keyspace) ZLexCount(key []byte, r LexRange) (int, error) {
	n := 0
	err := ks.zsetRead(key, func(z *zset) {
		if z != nil {
			_, n = z.lexSpan(r)
		}
	})
	return n, err
}

// ZRangeBy says how a ZRange selects members.
type ZRangeBy uint8

// Range kinds.
const (
	ZByRank ZRangeBy = iota
	ZByScore
	ZByLex
)

// ZRangeSpec is a parsed ZRANGE (or ZREMRANGEBY*): ranks Start..Stop, a
// score range or a lexicographic range, reversed with Rev, and for score
// and lex ranges Offset members skipped and at most Limit returned
// (Limit < 0: all).
type ZRangeSpec struct {
	By          ZRangeBy
	Start, Stop int64
	Score       ScoreRange
	Lex         LexRange
	Rev         bool
	Offset      int64
	Limit       int64
}

// selectRange returns the members sp selects, in reply order.
func (z *zset) selectRange(sp ZRangeSpec) []ZMember {
	if sp.By == ZByRank {
		fr, n := z.rankSpan(sp.Start, sp.Stop)
		if n == 0 {
			return nil
		}
		if sp.Rev {
			return z.collect(z.card()+1-fr, n, true)
		}
		return z.collect(fr, n, false)
	}
	var fr, n int
	if sp.By == ZByScore {
		fr, n = z.scoreSpan(sp.Score)
	} else {
		fr, n = z.lexSpan(sp.Lex)
	}
	if n == 0 || sp.Offset < 0 || sp.Offset >= int64(n) {
		return nil
	}
	cnt := n - int(sp.Offset)
	if sp.Limit >= 0 && sp.Limit < int64(cnt) {
		cnt = int(sp.Limit)
	}
	if sp.Rev {
		return z.collect(fr+n-1-int(sp.Offset), cnt, true)
	}
	return z.collect(fr+int(sp.Offset), cnt, false)
}

// ZRange returns the members sp selects, in reply order.
func (ks *Keyspace) ZRange(key []byte, sp ZRangeSpec) ([]ZMember, error) {
	var out []ZMember
	err := ks.zsetRead(key, func(z *zset) {
		if z != nil {
			out = z.selectRange(sp)
		}
	})
	return out, err
}

// ZRemRange removes the members sp selects and returns how many.
func (ks *Keyspace) ZRemRange(key []byte, sp ZRangeSpec) (int, error) {
	n := 0
	err := ks.zsetWrite(key, false, func(z *zset) (bool, error) {
		if z == nil {
			return false, nil
		}
		sp.Rev, sp.Offset, sp.Limit = false, 0, -1
		for _, m := range z.selectRange(sp) {
			z.remove(m.Member)
			n++
		}
		return n > 0, nil
	})
	return n, err
}

// ZPop removes and returns up to count members with the lowest scores
// (highest when max).
func (ks *Keyspace) ZPop(key []byte, count int, max bool) ([]ZMember, error) {
	return ks.ZPopAt(keyslot.Of(key), key, count, max)
}

// ZPopAt is ZPop for a caller that knows key's hash slot.
func (ks *Keyspace) ZPopAt(slot int, key []byte, count int, max bool) ([]ZMember, error) {
	var out []ZMember
	err := ks.zsetWriteAt(slot, key, false, func(z *zset) (bool, error) {
		if z == nil {
			return false, nil
		}
		out = z.pop(count, max)
		return len(out) > 0, nil
	})
	return out, err
}

// ZPopOne is ZPOPMIN or ZPOPMAX (max) without a count, for a caller that
// knows key's hash slot: the member popped and false when the key is
// missing.
func (ks *Keyspace) ZPopOne(slot int, key []byte, max bool) (ZMember, bool, error) {
	var out ZMember
	found := false
	err := ks.zsetWriteAt(slot, key, false, func(z *zset) (bool, error) {
		if z == nil {
			return false, nil
		}
		out, found = z.popOne(max)
		return found, nil
	})
	return out, found, err
}

// popOne is pop of one member, without a slice for it.
func (z *zset) popOne(max bool) (ZMember, bool) {
	if z.packed() {
		if ms := z.pop(1, max); len(ms) == 1 {
			return ms[0], true
		}
		return ZMember{}, false
	}
	x := z.sl.head.l0.next
	if max {
		x = z.sl.tail
	}
	if x == nil {
		return ZMember{}, false
	}
	m := ZMember{x.member(), x.score}
	z.removeNode(x)
	return m, true
}

func (z *zset) pop(count int, max bool) []ZMember {
	if !z.packed() && count > 0 {
		// Each end's node is at hand: no search by member, and the
		// first node's place needs no search at all.
		out := make([]ZMember, 0, min(count, z.card()))
		for len(out) < count {
			x := z.sl.head.l0.next
			if max {
				x = z.sl.tail
			}
			if x == nil {
				break
			}
			out = append(out, ZMember{x.member(), x.score})
			z.removeNode(x)
		}
		return out
	}
	var out []ZMember
	if max {
		out = z.collect(z.card(), count, true)
	} else {
		out = z.collect(1, count, false)
	}
	for _, m := range out {
		z.remove(m.Member)
	}
	return out
}

// ZMPop pops up to count members from the first non-empty sorted set of
// keys and returns its index in keys (-1 when all are empty).
func (ks *Keyspace) ZMPop(keys [][]byte, count int, max bool) (int, []ZMember, error) {
	unlock := ks.lockKeys(keys, 1)
	defer unlock()
	for i, k := range keys {
		sh, slot := ks.locate(k)
		e := ks.find(sh, slot, k)
		if e == nil {
			continue
		}
		if e.kind() != kindZSet {
			return -1, nil, ErrWrongType
		}
		z := e.zsetVal()
		out := z.pop(count, max)
		zsetStore(e, z)
		z.release()
		ks.zsetChanged(sh, slot, k, e)
		return i, out, nil
	}
	return -1, nil, nil
}

// ZRandMember returns random members: count > 0 distinct ones (at most
// all), count < 0 exactly -count with repeats.
func (ks *Keyspace) ZRandMember(key []byte, count int64) ([]ZMember, error) {
	var out []ZMember
	err := ks.zsetRead(key, func(z *zset) {
		if z == nil || count == 0 {
			return
		}
		n := z.card()
		if count >= int64(n) {
			out = z.collect(1, n, false)
			rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
			return
		}
		// pick returns the member at 1-based rank r: a packed set is
		// unpacked once rather than walked for each pick.
		pick := func(r int) ZMember {
			nd := z.sl.byRank(r)
			return ZMember{nd.member(), nd.score}
		}
		if z.packed() {
			all := z.collect(1, n, false)
			pick = func(r int) ZMember { return all[r-1] }
		}
		if count < 0 {
			out = make([]ZMember, 0, min(-count, 1<<16))
			for i := int64(0); i < -count; i++ {
				out = append(out, pick(1+rand.IntN(n)))
			}
			return
		}
		picked := make(map[int]struct{}, count)
		for len(out) < int(count) {
			r := 1 + rand.IntN(n)
			if _, dup := picked[r]; dup {
				continue
			}
			picked[r] = struct{}{}
			out = append(out, pick(r))
		}
	})
	return out, err
}

// ZScan returns the next members of the sorted set at key from cursor
// that match pattern ("" for all), with their scores, about count of
// them, and the cursor to continue from (0 when done). A packed set comes
// whole in one call, as Redis's listpacks do; a skiplist's dict is walked
// a few home places a call (tabscan.go), so a member there for a whole
// scan is returned however the dict grows or shrinks meanwhile.
func (ks *Keyspace) ZScan(key []byte, cursor uint64, pattern string, count int) (uint64, []ZMember, error) {
	var out []ZMember
	var next uint64
	err := ks.zsetRead(key, func(z *zset) {
		if z == nil {
			return
		}
		keep := func(m string, s float64) {
			if pattern == "" || Match(pattern, m) {
				out = append(out, ZMember{m, s})
			}
		}
		if z.packed() {
			z.each(func(m string, s float64) bool { keep(m, s); return true })
			return
		}
		// As HScan: a member and its score are two elements to Redis.
		seen := 0
		next = scanCalls(cursor, count, 20*count, func() int { return seen }, func(c uint64) uint64 {
			return z.sl.dict.scan(c, func(n *znode) { seen++; keep(n.member(), n.score) })
		})
	})
	return next, out, err
}

// IsZSet tells whether key holds a sorted set (blocked ZPOPs wait for one).
func (ks *Keyspace) IsZSet(key []byte) bool {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	return e != nil && e.kind() == kindZSet
}
