package cache

// zset is a sorted set: members by name with their scores, and the same
// members ordered in a skiplist. A member's string is shared by the map
// and its node. bytes is the running estimate of the heap it takes,
// counted as members come and go so accounting stays O(1) per write.
type zset struct {
	dict  map[string]float64
	sl    zskiplist
	bytes int64
}

const (
	zsetBase  = 48 + 64 + zMaxLevel*16 // the struct, the map's header, the head node's levels
	zsetSlot  = 32                     // a member's slot in the map at average load
	zsetLevel = 16                     // one level of a node
)

func newZSet() *zset {
	return &zset{dict: make(map[string]float64), sl: newZSkiplist(), bytes: zsetBase}
}

// ZMember is a member and its score.
type ZMember struct {
	Member string
	Score  float64
}

func memberBytes(m string, levels int) int64 {
	return zsetSlot + zNodeSize + sizeClass(levels*zsetLevel) + sizeClass(len(m))
}

func (z *zset) card() int { return len(z.dict) }

// add inserts member (absent) with score; the map and the node share
// member's bytes.
func (z *zset) add(member string, score float64) {
	n := z.sl.insert(score, member)
	z.dict[member] = score
	z.bytes += memberBytes(member, len(n.lv))
}

// set adds member or moves it to score; it reports whether it was new.
func (z *zset) set(member string, score float64) bool {
	if score == 0 {
		score = 0 // no negative zero: Redis's small sets store -0 as 0
	}
	cur, ok := z.dict[member]
	if !ok {
		z.add(member, score)
		return true
	}
	if cur != score {
		n := z.sl.remove(cur, member)
		z.bytes -= sizeClass(len(n.lv) * zsetLevel)
		m := n.member
		n = z.sl.insert(score, m)
		z.bytes += sizeClass(len(n.lv) * zsetLevel)
		z.dict[m] = score
	}
	return false
}

// remove deletes member; it reports whether it was there.
func (z *zset) remove(member string) bool {
	cur, ok := z.dict[member]
	if !ok {
		return false
	}
	n := z.sl.remove(cur, member)
	delete(z.dict, member)
	z.bytes -= memberBytes(n.member, len(n.lv))
	return true
}

// rank returns member's 0-based rank (from the top when rev).
func (z *zset) rank(member string, rev bool) (int, float64, bool) {
	s, ok := z.dict[member]
	if !ok {
		return 0, 0, false
	}
	r := z.sl.rank(s, member) - 1
	if rev {
		r = z.card() - 1 - r
	}
	return r, s, true
}

// scoreSpan returns the first node in r and its rank, and how many nodes
// are in r.
func (z *zset) scoreSpan(r ScoreRange) (*znode, int, int) {
	if r.empty() || z.card() == 0 {
		return nil, 0, 0
	}
	first, fr := z.sl.first(func(n *znode) bool { return !r.aboveMin(n.score) })
	if first == nil || !r.belowMax(first.score) {
		return nil, 0, 0
	}
	_, lr := z.sl.last(func(n *znode) bool { return r.belowMax(n.score) })
	return first, fr, lr - fr + 1
}

// lexSpan is scoreSpan for a lexicographic range (meaningful when every
// score is equal, as Redis documents).
func (z *zset) lexSpan(r LexRange) (*znode, int, int) {
	if r.empty() || z.card() == 0 {
		return nil, 0, 0
	}
	first, fr := z.sl.first(func(n *znode) bool { return !r.aboveMin(n.member) })
	if first == nil || !r.belowMax(first.member) {
		return nil, 0, 0
	}
	_, lr := z.sl.last(func(n *znode) bool { return r.belowMax(n.member) })
	if lr < fr {
		return nil, 0, 0
	}
	return first, fr, lr - fr + 1
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
	out := make([]ZMember, 0, min(count, 1<<16))
	for n := z.sl.byRank(fr); n != nil && len(out) < count; {
		out = append(out, ZMember{n.member, n.score})
		if rev {
			n = n.prev
		} else {
			n = n.lv[0].next
		}
	}
	return out
}
