package cache

// zdict finds a sorted set's skiplist nodes by member (the map half of
// Redis's skiplist encoding): open addressing with linear probing over a
// power-of-two array of node pointers, at most 3/4 full of nodes and
// deleted places together. A slot is 8 bytes, against 24 and a control
// byte for a map[string]float64 of the same members, and the score is
// read from the node. Guarded by the key's stripe mutex like the rest of
// the value.
//
// A removed node's place is marked deleted (zGone) unless the run ends
// after it, rather than closed by shifting the run's later nodes back:
// a shift must find each later node's home, which reads its member's
// bytes, two cache misses a node in a set too large for the cache, and
// ZPOPMIN and ZREM paid for the whole run. Probes pass over deleted
// places and puts take them; when nodes and deleted places fill the
// array, it is rebuilt (at the same size, when at most 5/8 of it holds
// nodes).
type zdict struct {
	s    []*znode
	n    int // nodes
	gone int // deleted places
}

// zGone marks a deleted place. It is never a set's node.
var zGone = new(znode)

// zdictSlot is the bytes of one slot.
const zdictSlot = 8

func (d *zdict) len() int { return d.n }

// home returns m's first place in an array of mask+1 places.
func zhome(m string, mask int) int { return int(hashOf(m)) & mask }

// ztag is the part of a member's hash its node keeps: bits that home
// does not use, so members in the same run of the array differ in them.
func ztag(h uint64) uint16 { return uint16(h >> 48) }

// get returns member's node, or nil.
func (d *zdict) get(member string) *znode {
	return d.getHash(member, hashOf(member))
}

// getHash is get for a member whose hash is h. A node of another tag is
// another member's: its member's bytes are left unread.
func (d *zdict) getHash(member string, h uint64) *znode {
	if d.n == 0 {
		return nil
	}
	mask, tag := len(d.s)-1, ztag(h)
	for i := int(h) & mask; ; i = (i + 1) & mask {
		n := d.s[i]
		if n == nil || n.tag == tag && n != zGone && n.member() == member {
			return n
		}
	}
}

// put adds n, whose member must not be in d and whose hash is h: at the
// first empty or deleted place of its probe sequence.
func (d *zdict) put(n *znode, h uint64) {
	if (d.n+d.gone+1)*4 > len(d.s)*3 {
		size := max(8, len(d.s))
		if (d.n+1)*8 > size*5 {
			size *= 2
		}
		d.resize(size)
	}
	mask := len(d.s) - 1
	i := int(h) & mask
	for d.s[i] != nil && d.s[i] != zGone {
		i = (i + 1) & mask
	}
	if d.s[i] == zGone {
		d.gone--
	}
	d.s[i] = n
	d.n++
}

func (d *zdict) place(n *znode) {
	d.placeAt(n, zhome(n.member(), len(d.s)-1))
}

// placeAt puts n in the first free place from i on.
func (d *zdict) placeAt(n *znode, i int) {
	mask := len(d.s) - 1
	for d.s[i] != nil {
		i = (i + 1) & mask
	}
	d.s[i] = n
}

// remove takes n, a node in d, out of d: its place is marked deleted, or
// emptied when the run ends after it, with the deleted places before it.
func (d *zdict) remove(n *znode) {
	mask := len(d.s) - 1
	i := zhome(n.member(), mask)
	for d.s[i] != n {
		i = (i + 1) & mask
	}
	d.n--
	if d.s[(i+1)&mask] != nil {
		d.s[i] = zGone
		d.gone++
	} else {
		d.s[i] = nil
		for j := (i - 1) & mask; d.s[j] == zGone; j = (j - 1) & mask {
			d.s[j] = nil
			d.gone--
		}
	}
	if len(d.s) > 8 && d.n*8 < len(d.s) {
		d.resize(len(d.s) / 2)
	}
}

// resize moves the nodes to a new array of size places (without the
// deleted places).
func (d *zdict) resize(size int) {
	old := d.s
	d.s = make([]*znode, size)
	for _, n := range old {
		if n != nil && n != zGone {
			d.place(n)
		}
	}
	d.gone = 0
}

// bytes returns the heap bytes of d's array.
func (d *zdict) bytes() int64 { return sizeClass(len(d.s) * zdictSlot) }
