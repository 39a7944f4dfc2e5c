package vector

// node is an internal id with its distance to the query.
type node struct {
	id   uint32
	dist float32
}

// minHeap pops the nearest first; maxHeap the farthest first. Hand-written
// to avoid container/heap's interface calls in the search loop.
type minHeap []node

func (h *minHeap) push(n node) {
	*h = append(*h, n)
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if a[p].dist <= a[i].dist {
			break
		}
		a[p], a[i] = a[i], a[p]
		i = p
	}
}

func (h *minHeap) pop() node {
	a := *h
	top := a[0]
	last := len(a) - 1
	a[0] = a[last]
	a = a[:last]
	// sift down, nearest on top
	for i, n := 0, len(a); ; {
		l := 2*i + 1
		if l >= n {
			break
		}
		c := l
		if r := l + 1; r < n && a[r].dist < a[l].dist {
			c = r
		}
		if a[c].dist >= a[i].dist {
			break
		}
		a[i], a[c] = a[c], a[i]
		i = c
	}
	*h = a
	return top
}

type maxHeap []node

func (h *maxHeap) push(n node) {
	*h = append(*h, n)
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if a[p].dist >= a[i].dist {
			break
		}
		a[p], a[i] = a[i], a[p]
		i = p
	}
}

func (h *maxHeap) pop() node {
	a := *h
	top := a[0]
	last := len(a) - 1
	a[0] = a[last]
	a = a[:last]
	*h = a
	h.down()
	return top
}

// replaceTop swaps the farthest element for n (nearer) in one sift.
func (h maxHeap) replaceTop(n node) {
	h[0] = n
	h.down()
}

// down sifts the top down, farthest on top. Written out (no comparison
// callback) because it is the search loop's hottest code.
func (h maxHeap) down() {
	a := h
	for i, n := 0, len(a); ; {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && a[r].dist > a[l].dist {
			c = r
		}
		if a[c].dist <= a[i].dist {
			return
		}
		a[i], a[c] = a[c], a[i]
		i = c
	}
}

func (h maxHeap) top() node { return h[0] }

// visited is a reusable visited set: a slot is visited when it holds the
// current generation.
type visited struct {
	gen  uint16
	mark []uint16
}

func (v *visited) reset(n int) {
	if len(v.mark) < n {
		v.mark = make([]uint16, n+n/4+64)
		v.gen = 0
	}
	v.gen++
	if v.gen == 0 {
		clear(v.mark)
		v.gen = 1
	}
}

// visit marks i and reports whether it was already marked.
func (v *visited) visit(i uint32) bool {
	if v.mark[i] == v.gen {
		return true
	}
	v.mark[i] = v.gen
	return false
}
