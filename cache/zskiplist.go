package cache

import (
	"math/rand/v2"
	"unsafe"

	"github.com/vcache/vcache/internal/prefetch"
)

// The ordered half of a sorted set: a skiplist whose links count the
// nodes they jump over (span), so a member's rank and the member at a
// rank are found in O(log n). Nodes are ordered by score, then by member
// bytes. Guarded by the key's stripe mutex like the rest of the value.

const zMaxLevel = 32

type zlevel struct {
	next *znode
	span int // nodes from this one to next (to the end when next is nil)
}

// znode is a member and its score. Its levels follow it in the same
// allocation (allocNode), so a node of one level is 48 bytes: the member's
// string is kept as its data pointer and length, beside the level count
// and 16 bits of the member's hash (tag), which let the set's dict pass
// over another member's node without reading that member's bytes.
type znode struct {
	mp    *byte // the member's bytes (shared with the set's map key)
	mlen  uint32
	nlv   uint16 // levels
	tag   uint16 // ztag of the member's hash
	score float64
	prev  *znode
	l0    zlevel // the first of nlv levels
}

// zNodeHeader is a node's bytes before its levels.
const zNodeHeader = 32

// zNodeBytes is the heap bytes of a node of levels levels (allocNode
// rounds 9 to 16 levels up to 16, more to zMaxLevel).
func zNodeBytes(levels int) int64 {
	switch {
	case levels > 16:
		levels = zMaxLevel
	case levels > 8:
		levels = 16
	}
	return sizeClass(zNodeHeader + levels*16)
}

// member returns the node's member (sharing its bytes).
func (n *znode) member() string { return unsafe.String(n.mp, int(n.mlen)) }

// lv returns the node's levels.
func (n *znode) lv() []zlevel { return unsafe.Slice(&n.l0, n.nlv) }

// nodeWith allocates a node followed by the levels of R (an array of
// zlevel): one allocation, typed so that the collector sees every link.
func nodeWith[R any]() *znode {
	x := new(struct {
		n znode
		r R
	})
	return &x.n
}

// allocNode returns a node of lvl levels (1 to zMaxLevel) for member and
// score, whose hash is h; the node keeps member's bytes.
func allocNode(lvl int, member string, h uint64, score float64) *znode {
	var n *znode
	switch lvl {
	case 1:
		n = new(znode) // not nodeWith[[0]zlevel]: a trailing empty field is padded
	case 2:
		n = nodeWith[[1]zlevel]()
	case 3:
		n = nodeWith[[2]zlevel]()
	case 4:
		n = nodeWith[[3]zlevel]()
	case 5:
		n = nodeWith[[4]zlevel]()
	case 6:
		n = nodeWith[[5]zlevel]()
	case 7:
		n = nodeWith[[6]zlevel]()
	case 8:
		n = nodeWith[[7]zlevel]()
	default: // 9 levels and more: one node in 65,536; rounded up to 16 or 32
		if lvl <= 16 {
			n = nodeWith[[15]zlevel]()
		} else {
			n = nodeWith[[zMaxLevel - 1]zlevel]()
		}
	}
	n.mp, n.mlen, n.nlv, n.tag, n.score = unsafe.StringData(member), uint32(len(member)), uint16(lvl), ztag(h), score
	return n
}

type zskiplist struct {
	head   *znode
	tail   *znode
	length int
	level  int
	dict   zdict // the same nodes by member
	bytes  int64 // the set's heap bytes, counted as members come and go (zset.mem)
}

func newZSkiplist() zskiplist {
	return zskiplist{head: allocNode(zMaxLevel, "", 0, 0), level: 1}
}

// zless reports whether (s1, m1) sorts before (s2, m2).
func zless(s1 float64, m1 string, s2 float64, m2 string) bool {
	return s1 < s2 || (s1 == s2 && m1 < m2)
}

func zRandomLevel() int {
	l := 1
	for l < zMaxLevel && rand.Uint32()&3 == 0 {
		l++
	}
	return l
}

// path finds, at each level, the last node that sorts before (score,
// member), into update, and that node's 1-based rank (0 for the head)
// into rank when rank is not nil. While it compares the next node at a
// level it prefetches the one it would compare after dropping a level,
// so that the two cache misses overlap instead of following each other.
func (sl *zskiplist) path(score float64, member string, update *[zMaxLevel]*znode, rank *[zMaxLevel]int) {
	x, r := sl.head, 0
	for i := sl.level - 1; i >= 0; i-- {
		for {
			l := x.lv()
			n := l[i].next
			if i > 0 {
				if d := l[i-1].next; d != n && d != nil {
					prefetch.Lines(unsafe.Pointer(d), 1)
				}
			}
			if n == nil || !zless(n.score, n.member(), score, member) {
				break
			}
			r += l[i].span
			x = n
		}
		update[i] = x
		if rank != nil {
			rank[i] = r
		}
	}
}

// insert adds member (which must not be in the list), whose hash is h,
// and returns its node.
func (sl *zskiplist) insert(score float64, member string, h uint64) *znode {
	n := allocNode(zRandomLevel(), member, h, score)
	sl.link(n)
	return n
}

// link puts n, a node not in the list, at its place by its score and
// member, with its levels.
func (sl *zskiplist) link(n *znode) {
	var update [zMaxLevel]*znode
	var rank [zMaxLevel]int
	sl.path(n.score, n.member(), &update, &rank)
	sl.linkAt(n, &update, &rank)
}

// linkAt puts n after update[i] at each level i, whose rank is rank[i]
// (path's results for n's score and member).
func (sl *zskiplist) linkAt(n *znode, update *[zMaxLevel]*znode, rank *[zMaxLevel]int) {
	lvl := int(n.nlv)
	if lvl > sl.level {
		for i := sl.level; i < lvl; i++ {
			rank[i] = 0
			update[i] = sl.head
			update[i].lv()[i].span = sl.length
		}
		sl.level = lvl
	}
	nl := n.lv()
	for i := 0; i < lvl; i++ {
		ul := update[i].lv()
		nl[i].next = ul[i].next
		ul[i].next = n
		nl[i].span = ul[i].span - (rank[0] - rank[i])
		ul[i].span = rank[0] - rank[i] + 1
	}
	for i := lvl; i < sl.level; i++ {
		update[i].lv()[i].span++
	}
	n.prev = nil
	if update[0] != sl.head {
		n.prev = update[0]
	}
	if nl[0].next != nil {
		nl[0].next.prev = n
	} else {
		sl.tail = n
	}
	sl.length++
}

// remove unlinks the node of (score, member) and returns it, or nil.
func (sl *zskiplist) remove(score float64, member string) *znode {
	var update [zMaxLevel]*znode
	sl.path(score, member, &update, nil)
	x := update[0].lv()[0].next
	if x == nil || x.score != score || x.member() != member {
		return nil
	}
	sl.unlink(x, &update)
	return x
}

// unlink takes x out of the list; update holds the last node before x at
// each level.
func (sl *zskiplist) unlink(x *znode, update *[zMaxLevel]*znode) {
	xl := x.lv()
	for i := 0; i < sl.level; i++ {
		ul := update[i].lv()
		if ul[i].next == x {
			ul[i].span += xl[i].span - 1
			ul[i].next = xl[i].next
		} else {
			ul[i].span--
		}
	}
	if xl[0].next != nil {
		xl[0].next.prev = x.prev
	} else {
		sl.tail = x.prev
	}
	for sl.level > 1 && sl.head.lv()[sl.level-1].next == nil {
		sl.level--
	}
	sl.length--
}

// move gives x, a node of the list, the score score, keeping its node and
// its levels (a level is drawn independently of the node's place, so a
// moved node may keep its own). Where x stays between its neighbours only
// its score changes.
func (sl *zskiplist) move(x *znode, score float64) {
	m := x.member()
	next := x.l0.next
	if (x.prev == nil || zless(x.prev.score, x.prev.member(), score, m)) &&
		(next == nil || zless(score, m, next.score, next.member())) {
		x.score = score
		return
	}
	// Both places are searched at once, the new one in the list that
	// still holds x at its old score; once x is out, the new place's
	// nodes and ranks are corrected for its absence.
	var u1, u2 [zMaxLevel]*znode
	var r1, r2 [zMaxLevel]int
	sl.path2(x.score, m, &u1, &r1, score, m, &u2, &r2)
	levels, xr := sl.level, r1[0]+1 // x's rank
	sl.unlink(x, &u1)
	for i := 0; i < levels; i++ {
		switch {
		case u2[i] == x:
			u2[i], r2[i] = u1[i], r1[i]
		case r2[i] > xr:
			r2[i]--
		}
	}
	x.score = score
	sl.linkAt(x, &u2, &r2)
}

// path2 is path for two places at once: (s1, m1) into u1 and r1 and (s2,
// m2) into u2 and r2. The two searches take turns a step at a time, so
// that the cache misses of one overlap with the other's.
func (sl *zskiplist) path2(s1 float64, m1 string, u1 *[zMaxLevel]*znode, r1 *[zMaxLevel]int,
	s2 float64, m2 string, u2 *[zMaxLevel]*znode, r2 *[zMaxLevel]int) {
	x1, x2 := sl.head, sl.head
	i1, i2 := sl.level-1, sl.level-1
	k1, k2 := 0, 0
	for i1 >= 0 || i2 >= 0 {
		if i1 >= 0 {
			l := x1.lv()
			if n := l[i1].next; n != nil && zless(n.score, n.member(), s1, m1) {
				k1 += l[i1].span
				x1 = n
			} else {
				u1[i1], r1[i1] = x1, k1
				i1--
			}
		}
		if i2 >= 0 {
			l := x2.lv()
			if n := l[i2].next; n != nil && zless(n.score, n.member(), s2, m2) {
				k2 += l[i2].span
				x2 = n
			} else {
				u2[i2], r2[i2] = x2, k2
				i2--
			}
		}
	}
}

// rank returns the 1-based rank of (score, member), 0 if absent.
func (sl *zskiplist) rank(score float64, member string) int {
	x, r := sl.head, 0
	for i := sl.level - 1; i >= 0; i-- {
		for n := x.lv()[i].next; n != nil && !zless(score, member, n.score, n.member()); n = x.lv()[i].next {
			r += x.lv()[i].span
			x = n
		}
		if x != sl.head && x.member() == member && x.score == score {
			return r
		}
	}
	return 0
}

// byRank returns the node at 1-based rank r, or nil.
func (sl *zskiplist) byRank(r int) *znode {
	if r < 1 || r > sl.length {
		return nil
	}
	x, t := sl.head, 0
	for i := sl.level - 1; i >= 0; i-- {
		for x.lv()[i].next != nil && t+x.lv()[i].span <= r {
			t += x.lv()[i].span
			x = x.lv()[i].next
		}
		if t == r {
			return x
		}
	}
	return nil
}

// first returns the first node for which below is false (nodes for which
// it is true must all come first), and its 1-based rank; nil if none.
func (sl *zskiplist) first(below func(n *znode) bool) (*znode, int) {
	x, r := sl.head, 0
	for i := sl.level - 1; i >= 0; i-- {
		for n := x.lv()[i].next; n != nil && below(n); n = x.lv()[i].next {
			r += x.lv()[i].span
			x = n
		}
	}
	return x.lv()[0].next, r + 1
}

// last returns the last node for which within is true (nodes for which it
// is true must all come first), and its 1-based rank; nil if none.
func (sl *zskiplist) last(within func(n *znode) bool) (*znode, int) {
	x, r := sl.head, 0
	for i := sl.level - 1; i >= 0; i-- {
		for n := x.lv()[i].next; n != nil && within(n); n = x.lv()[i].next {
			r += x.lv()[i].span
			x = n
		}
	}
	if x == sl.head {
		return nil, 0
	}
	return x, r
}
