package cache

// zdict finds a sorted set's skiplist nodes by member (the map half of
// Redis's skiplist encoding): open addressing with linear probing over a
// power-of-two array of node pointers, at most 3/4 full, deleting by
// backward shift. A slot is 8 bytes, against 24 and a control byte for a
// map[string]float64 of the same members, and the score is read from the
// node. Guarded by the key's stripe mutex like the rest of the value.
type zdict struct {
	s []*znode
	n int
}

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
		if n == nil || n.tag == tag && n.member() == member {
			return n
		}
	}
}

// put adds n, whose member must not be in d and whose hash is h.
func (d *zdict) put(n *znode, h uint64) {
	if (d.n+1)*4 > len(d.s)*3 {
		d.resize(max(8, 2*len(d.s)))
	}
	d.placeAt(n, int(h)&(len(d.s)-1))
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

// remove takes n, a node in d, out of d.
func (d *zdict) remove(n *znode) {
	mask := len(d.s) - 1
	i := zhome(n.member(), mask)
	for d.s[i] != n {
		i = (i + 1) & mask
	}
	// Shift back the run's later nodes that may not sit after the hole.
	for j := (i + 1) & mask; d.s[j] != nil; j = (j + 1) & mask {
		home := zhome(d.s[j].member(), mask)
		if (j-home)&mask >= (j-i)&mask {
			d.s[i] = d.s[j]
			i = j
		}
	}
	d.s[i] = nil
	d.n--
	if len(d.s) > 8 && d.n*8 < len(d.s) {
		d.resize(len(d.s) / 2)
	}
}

func (d *zdict) resize(size int) {
	old := d.s
	d.s = make([]*znode, size)
	for _, n := range old {
		if n != nil {
			d.place(n)
		}
	}
}

// bytes returns the heap bytes of d's array.
func (d *zdict) bytes() int64 { return sizeClass(len(d.s) * zdictSlot) }
