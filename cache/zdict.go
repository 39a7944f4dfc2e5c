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

// get returns member's node, or nil.
func (d *zdict) get(member string) *znode {
	if d.n == 0 {
		return nil
	}
	mask := len(d.s) - 1
	for i := zhome(member, mask); ; i = (i + 1) & mask {
		n := d.s[i]
		if n == nil || n.member() == member {
			return n
		}
	}
}

// put adds n, whose member must not be in d.
func (d *zdict) put(n *znode) {
	if (d.n+1)*4 > len(d.s)*3 {
		d.resize(max(8, 2*len(d.s)))
	}
	d.place(n)
	d.n++
}

func (d *zdict) place(n *znode) {
	mask := len(d.s) - 1
	i := zhome(n.member(), mask)
	for d.s[i] != nil {
		i = (i + 1) & mask
	}
	d.s[i] = n
}

// remove takes member's node out of d.
func (d *zdict) remove(member string) {
	mask := len(d.s) - 1
	i := zhome(member, mask)
	for d.s[i].member() != member {
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
