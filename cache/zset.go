package cache

// zset is a sorted set. A small one is packed (lp, sl nil: Redis's
// listpack encoding, zpack.go), and its entry keeps only the pack's bytes
// (zsmall.go), which commands see through a zset view; past the keyspace's
// zlimits it becomes the members ordered in a skiplist (sl) and found by
// name through the list's dict (zdict.go), which points to their nodes
// (Redis's skiplist encoding), and the entry keeps the zset. Its heap
// bytes (mem) follow from the pack's length, or are the skiplist's
// running estimate, counted as members come and go so accounting stays
// O(1) per write.
type zset struct {
	lp   zpack
	sl   *zskiplist // nil while packed; holds the dict too
	view bool       // from zviews, to go back there (zsmall.go)
}

const (
	zpackBase = 80               // the struct
	zsetBase  = zpackBase + 80 + // the list's struct (its dict's inside)
		zNodeHeader + zMaxLevel*16 + 32 // the head node (544 bytes in the 576 size class)
)

// zlimits are zset-max-listpack-entries and zset-max-listpack-value: a
// set stays packed while it has at most entries members of at most value
// bytes each.
type zlimits struct{ entries, value int }

// newZSet returns an empty sorted set in its skiplist form.
func newZSet() *zset {
	sl := newZSkiplist()
	sl.bytes = zsetBase
	return &zset{sl: &sl}
}

// newZPacked returns an empty packed sorted set.
func newZPacked() *zset { return &zset{} }

// newZView returns an empty packed sorted set from the pool of views, to
// be stored (zsetStore) and released.
func newZView() *zset {
	z := zviews.Get().(*zset)
	z.view = true
	return z
}

// packed tells whether z is in its packed form.
func (z *zset) packed() bool { return z.sl == nil }

// ZMember is a member and its score.
type ZMember struct {
	Member string
	Score  float64
}

// memberBytes is a member's node and string (its dict slot is counted
// with the dict's array).
func memberBytes(m string, levels int) int64 {
	return zNodeBytes(levels) + sizeClass(len(m))
}

func (z *zset) card() int {
	if z.packed() {
		return z.lp.len()
	}
	return z.sl.dict.len()
}

// mem returns the set's heap bytes (without the entry).
func (z *zset) mem() int64 {
	if z.packed() {
		return sizeClass(uvarintLen(uint64(len(z.lp.b))) + len(z.lp.b)) // as stored (zsmall)
	}
	return z.sl.bytes
}

// score returns member's score.
func (z *zset) score(member string) (float64, bool) {
	if z.packed() {
		_, _, s, ok := z.lp.find(member)
		return s, ok
	}
	if n := z.sl.dict.get(member); n != nil {
		return n.score, true
	}
	return 0, false
}

// add inserts member (absent) with score, keeping z's form; in the
// skiplist form the map and the node share member's bytes.
func (z *zset) add(member string, score float64) {
	if z.packed() {
		z.lp.insert(member, score)
		return
	}
	z.addHash(member, hashOf(member), score)
}

// addHash is add in the skiplist form for a member whose hash is h.
func (z *zset) addHash(member string, h uint64, score float64) {
	n := z.sl.insert(score, member, h)
	was := z.sl.dict.bytes()
	z.sl.dict.put(n, h)
	z.sl.bytes += memberBytes(member, int(n.nlv)) + z.sl.dict.bytes() - was
}

// toSkiplist converts a packed set to its skiplist form.
func (z *zset) toSkiplist() {
	lp := z.lp
	*z = *newZSet()
	lp.each(func(m []byte, s float64) bool {
		z.add(string(m), s)
		return true
	})
}

// fit packs a set in the skiplist form that lim allows packed (Redis
// does so for the results of ZUNIONSTORE and the like, and on loading).
func (z *zset) fit(lim zlimits) {
	if z.packed() || z.card() > lim.entries {
		return
	}
	for n := z.sl.head.lv()[0].next; n != nil; n = n.lv()[0].next {
		if len(n.member()) > lim.value {
			return
		}
	}
	p := newZPacked()
	for n := z.sl.head.lv()[0].next; n != nil; n = n.lv()[0].next {
		p.lp.push(n.member(), n.score)
	}
	*z = *p
}

// each calls fn with the members in order until it returns false.
func (z *zset) each(fn func(m string, s float64) bool) {
	if z.packed() {
		z.lp.each(func(m []byte, s float64) bool { return fn(string(m), s) })
		return
	}
	for n := z.sl.head.lv()[0].next; n != nil; n = n.lv()[0].next {
		if !fn(n.member(), n.score) {
			return
		}
	}
}

// set adds member or moves it to score; it reports whether it was new.
// A packed set that would outgrow lim becomes a skiplist first.
func (z *zset) set(member string, score float64, lim zlimits) bool {
	// A packed set stores -0 as the integer 0, as Redis's listpack does; a
	// skiplist keeps -0 (ZRANGE ... WITHSCORES answers "-0"), as Redis's.
	if z.packed() {
		off, next, cur, ok := z.lp.find(member)
		if ok {
			if cur != score {
				z.lp.cut(off, next)
				z.lp.insert(member, score)
			}
			return false
		}
		if z.lp.len()+1 <= lim.entries && len(member) <= lim.value {
			z.add(member, score)
			return true
		}
		z.toSkiplist()
	}
	h := hashOf(member)
	old := z.sl.dict.getHash(member, h)
	if old == nil {
		z.addHash(member, h, score)
		return true
	}
	if old.score != score {
		z.sl.move(old, score)
	}
	return false
}

// zfound is what find learnt of a member in the skiplist form (sl): its
// hash and its node (nil when absent), so that setFound does not search
// the dict again.
type zfound struct {
	sl   bool
	h    uint64
	node *znode
}

// find is score that also returns what setFound needs.
func (z *zset) find(member string) (float64, bool, zfound) {
	if z.packed() {
		s, ok := z.score(member)
		return s, ok, zfound{}
	}
	h := hashOf(member)
	if n := z.sl.dict.getHash(member, h); n != nil {
		return n.score, true, zfound{true, h, n}
	}
	return 0, false, zfound{sl: true, h: h}
}

// setFound is set for a member that find returned f for, z unchanged
// since then.
func (z *zset) setFound(member string, score float64, lim zlimits, f zfound) {
	switch {
	case !f.sl || z.packed():
		z.set(member, score, lim)
	case f.node == nil:
		z.addHash(member, f.h, score)
	case f.node.score != score:
		z.sl.move(f.node, score)
	}
}

// remove deletes member; it reports whether it was there.
func (z *zset) remove(member string) bool {
	if z.packed() {
		off, next, _, ok := z.lp.find(member)
		if ok {
			z.lp.cut(off, next)
		}
		return ok
	}
	old := z.sl.dict.get(member)
	if old == nil {
		return false
	}
	was := z.sl.dict.bytes()
	z.sl.dict.remove(old)
	n := z.sl.remove(old.score, member)
	z.sl.bytes -= memberBytes(n.member(), int(n.nlv)) + was - z.sl.dict.bytes()
	return true
}

// removeNode deletes x, a node of z in its skiplist form.
func (z *zset) removeNode(x *znode) {
	was := z.sl.dict.bytes()
	z.sl.dict.remove(x)
	var update [zMaxLevel]*znode
	if x == z.sl.head.l0.next {
		for i := range z.sl.level {
			update[i] = z.sl.head
		}
	} else {
		z.sl.path(x.score, x.member(), &update, nil)
	}
	z.sl.unlink(x, &update)
	z.sl.bytes -= memberBytes(x.member(), int(x.nlv)) + was - z.sl.dict.bytes()
}

// rank returns member's 0-based rank (from the top when rev).
func (z *zset) rank(member string, rev bool) (int, float64, bool) {
	var r int
	s, ok := z.score(member)
	switch {
	case !ok:
		return 0, 0, false
	case z.packed():
		r, _, _ = z.lp.rank(member)
	default:
		r = z.sl.rank(s, member) - 1
	}
	if rev {
		r = z.card() - 1 - r
	}
	return r, s, true
}

// scoreSpan returns the 1-based rank of the first member in r and how
// many members are in r.
func (z *zset) scoreSpan(r ScoreRange) (int, int) {
	if r.empty() || z.card() == 0 {
		return 0, 0
	}
	if z.packed() {
		first, n := z.lp.span(func(_ []byte, s float64) bool { return !r.aboveMin(s) },
			func(_ []byte, s float64) bool { return r.belowMax(s) })
		return first + 1, n
	}
	first, fr := z.sl.first(func(n *znode) bool { return !r.aboveMin(n.score) })
	if first == nil || !r.belowMax(first.score) {
		return 0, 0
	}
	_, lr := z.sl.last(func(n *znode) bool { return r.belowMax(n.score) })
	return fr, lr - fr + 1
}

// lexSpan is scoreSpan for a lexicographic range (meaningful when every
// score is equal, as Redis documents).
func (z *zset) lexSpan(r LexRange) (int, int) {
	if r.empty() || z.card() == 0 {
		return 0, 0
	}
	if z.packed() {
		first, n := z.lp.span(func(m []byte, _ float64) bool { return !r.aboveMin(string(m)) },
			func(m []byte, _ float64) bool { return r.belowMax(string(m)) })
		return first + 1, n
	}
	first, fr := z.sl.first(func(n *znode) bool { return !r.aboveMin(n.member()) })
	if first == nil || !r.belowMax(first.member()) {
		return 0, 0
	}
	_, lr := z.sl.last(func(n *znode) bool { return r.belowMax(n.member()) })
	if lr < fr {
		return 0, 0
	}
	return fr, lr - fr + 1
}

// rankSpan turns ZRANGE's start and stop (negative from the end) into a
// 1-based first rank and a count.
func (z *zset) rankSpan(start, stop int64) (int, int) {
	n := int64(z.card())
	if start < 0 {
		start += n
	}
	if stop < 0 {
		stop += n
	}
	if start < 0 {
		start = 0
	}
	if start > stop || start >= n {
		return 0, 0
	}
	if stop >= n {
		stop = n - 1
	}
	return int(start) + 1, int(stop - start + 1)
}

// collect returns count members from 1-based rank fr on (downwards from
// fr when rev).
func (z *zset) collect(fr, count int, rev bool) []ZMember {
	if count <= 0 {
		return nil
	}
	if z.packed() {
		return z.lp.collect(fr-1, count, rev)
	}
	out := make([]ZMember, 0, min(count, 1<<16))
	for n := z.sl.byRank(fr); n != nil && len(out) < count; {
		out = append(out, ZMember{n.member(), n.score})
		if rev {
			n = n.prev
		} else {
			n = n.lv()[0].next
		}
	}
	return out
}
