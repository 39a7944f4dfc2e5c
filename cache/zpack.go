package cache

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"
)

// A small sorted set is packed as Redis packs one (its listpack
// encoding): one byte slice of member, score, member, score... in
// (score, member) order, each packed as a list element (listpack.go)
// without the trailing copy of its header (zElem), as a hash's are: a
// pack is only walked forwards. A
// member that is an integer is packed as one; a score that is a whole
// number below 2^53 in magnitude is an integer element; any other score is
// its shortest decimal text when that is under 8 bytes ("1.5", "-0.25",
// "inf"), as Redis keeps a listpack's scores as text, and otherwise the 8
// bytes of its bits (a string element of 8 bytes is always bits, so the two
// never mix up). Every operation walks the slice, which stays
// short: a set is packed only while it has at most
// zset-max-listpack-entries members of at most zset-max-listpack-value
// bytes (zlimits).

// zpack is a packed sorted set: its pairs in b (counted by walking them).
// shared marks b as the bytes an entry keeps (zsmall.go): they are
// copied before any change. spare is a buffer a pooled view keeps for
// its next copy.
type zpack struct {
	b, spare []byte
	shared   bool
}

// len returns the number of pairs.
func (p *zpack) len() int {
	n := 0
	for off := 0; off < len(p.b); n++ {
		_, _, off = zElem(p.b, off)
		_, _, off = zElem(p.b, off)
	}
	return n
}

// zMaxIntScore bounds the scores packed as integers (exact in a float64).
const zMaxIntScore = 1 << 53

// zScoreBits is the payload length of a score packed as its bits.
const zScoreBits = 8

// scoreText is a score's packed payload: empty for an integer score, its
// shortest decimal text when under zScoreBits bytes, else its 8 bits.
type scoreText struct {
	b [zScoreBits]byte
	n int
}

// scoreEnc chooses s's packing; t gets the payload to pack.
func scoreEnc(s float64, t *scoreText) elemEnc {
	if s == math.Trunc(s) && s > -zMaxIntScore && s < zMaxIntScore {
		return intEnc(int64(s))
	}
	var buf [32]byte
	if txt := strconv.AppendFloat(buf[:0], s, 'g', -1, 64); len(txt) < zScoreBits {
		t.n = copy(t.b[:], txt)
	} else {
		binary.LittleEndian.PutUint64(t.b[:], math.Float64bits(s))
		t.n = zScoreBits
	}
	return elemEnc{hdr: uint64(t.n) << 1, hlen: 1, plen: t.n}
}

// putScore packs a score encoded as e (payload in t) at b, which has room
// for e.fwdSize() bytes.
func putScore(b []byte, t *scoreText, e elemEnc) { putElemFwd(b, t.b[:t.n], e) }

// scoreOf reads a score element.
func scoreOf(h uint64, p []byte) float64 {
	switch {
	case h&1 != 0:
		return float64(intPayload(p))
	case len(p) == zScoreBits:
		return math.Float64frombits(binary.LittleEndian.Uint64(p))
	}
	s, _ := strconv.ParseFloat(bstr(p), 64) // written by scoreEnc: always valid
	return s
}

// pairAt returns the member and score of the pair at off and the offset
// after it. An integer member's text is in sc, valid until sc is used
// again; otherwise the member aliases the pack.
func (p *zpack) pairAt(off int, sc *scratch) ([]byte, float64, int) {
	h, v, off := zElem(p.b, off)
	m := payload(h, v, sc)
	h, v, off = zElem(p.b, off)
	return m, scoreOf(h, v), off
}

// find returns member's pair (its offset, the offset after it) and score.
func (p *zpack) find(member string) (off, next int, score float64, ok bool) {
	var sc scratch
	for off < len(p.b) {
		h, v, at := zElem(p.b, off)
		sh, sv, nx := zElem(p.b, at)
		if string(payload(h, v, &sc)) == member {
			return off, nx, scoreOf(sh, sv), true
		}
		off = nx
	}
	return 0, 0, 0, false
}

// offAt returns the offset of the pair at 0-based rank r (len(p.b) for
// r == p.len()).
func (p *zpack) offAt(r int) int {
	off := 0
	for ; r > 0; r-- {
		_, _, off = zElem(p.b, off)
		_, _, off = zElem(p.b, off)
	}
	return off
}

// grow makes room for extra more bytes, reallocating to the allocator's
// size class of what is needed (Redis's listpack is exactly its size).
func (p *zpack) grow(extra int) {
	need := len(p.b) + extra
	if need <= cap(p.b) {
		return
	}
	nb := p.buffer(need)[:len(p.b)]
	copy(nb, p.b)
	p.own(nb)
}

// buffer returns a buffer of capacity need at least: the spare one if
// it is large enough, else a new one of the allocator's size class.
func (p *zpack) buffer(need int) []byte {
	if cap(p.spare) >= need {
		nb := p.spare[:0]
		p.spare = nil
		return nb
	}
	return make([]byte, 0, sizeClass(need))
}

// own makes nb, a private buffer, the pack's bytes, keeping the previous
// private buffer as the spare when there is none.
func (p *zpack) own(nb []byte) {
	if !p.shared && p.spare == nil && cap(p.b) > 0 {
		p.spare = p.b[:0]
	}
	p.b, p.shared = nb, false
}

// insert adds member (absent) with score in its place.
func (p *zpack) insert(member string, score float64) {
	var st scoreText
	me, se := encOf([]byte(member)), scoreEnc(score, &st)
	size := me.fwdSize() + se.fwdSize()
	off := 0
	var sc scratch
	for off < len(p.b) {
		m, s, nx := p.pairAt(off, &sc)
		if s > score || s == score && string(m) > member {
			break
		}
		off = nx
	}
	p.grow(size)
	b := p.b[:len(p.b)+size]
	copy(b[off+size:], b[off:len(p.b)])
	putElemFwd(b[off:], []byte(member), me)
	putScore(b[off+me.fwdSize():], &st, se)
	p.b = b
}

// push appends member with score, which sort after every pair.
func (p *zpack) push(member string, score float64) {
	var st scoreText
	me, se := encOf([]byte(member)), scoreEnc(score, &st)
	size := me.fwdSize() + se.fwdSize()
	p.grow(size)
	off := len(p.b)
	p.b = p.b[:off+size]
	putElemFwd(p.b[off:], []byte(member), me)
	putScore(p.b[off+me.fwdSize():], &st, se)
}

// cut removes the pairs in b[off:next].
func (p *zpack) cut(off, next int) {
	if p.shared {
		nb := p.buffer(len(p.b) - (next - off))
		p.own(append(append(nb, p.b[:off]...), p.b[next:]...))
		return
	}
	copy(p.b[off:], p.b[next:])
	p.b = p.b[:len(p.b)-(next-off)]
	if cap(p.b) > 64 && 2*len(p.b) < cap(p.b) {
		nb := make([]byte, len(p.b), sizeClass(len(p.b)))
		copy(nb, p.b)
		p.b = nb
	}
}

// rank returns member's 0-based rank and score.
func (p *zpack) rank(member string) (int, float64, bool) {
	var sc scratch
	for off, r := 0, 0; off < len(p.b); r++ {
		h, v, at := zElem(p.b, off)
		sh, sv, nx := zElem(p.b, at)
		if string(payload(h, v, &sc)) == member {
			return r, scoreOf(sh, sv), true
		}
		off = nx
	}
	return 0, 0, false
}

// span returns the 0-based rank of the first pair for which in is true
// (pairs for which it is false because they are too low come first) and
// how many consecutive pairs from it have in true; below tells a pair
// too low from one too high.
func (p *zpack) span(below, in func(m []byte, s float64) bool) (int, int) {
	var sc scratch
	first, n := -1, 0
	for off, r := 0, 0; off < len(p.b); r++ {
		m, s, nx := p.pairAt(off, &sc)
		off = nx
		if first < 0 {
			if below(m, s) {
				continue
			}
			if !in(m, s) {
				return 0, 0
			}
			first = r
		} else if !in(m, s) {
			break
		}
		n++
	}
	if first < 0 {
		return 0, 0
	}
	return first, n
}

// collect returns count pairs from 0-based rank r on (downwards when rev).
func (p *zpack) collect(r, count int, rev bool) []ZMember {
	if rev {
		count = min(count, r+1)
	} else {
		count = min(count, p.len()-r)
	}
	if count <= 0 || r < 0 || r >= p.len() {
		return nil
	}
	out := make([]ZMember, 0, count)
	if rev { // forwards from the lowest pair wanted, then reversed
		out = p.collectFwd(out, r-count+1, count)
		slices.Reverse(out)
		return out
	}
	return p.collectFwd(out, r, count)
}

// collectFwd appends count pairs from 0-based rank r on to out.
func (p *zpack) collectFwd(out []ZMember, r, count int) []ZMember {
	var sc scratch
	off := p.offAt(r)
	for range count {
		var m []byte
		var s float64
		m, s, off = p.pairAt(off, &sc)
		out = append(out, ZMember{string(m), s})
	}
	return out
}

// each calls fn with the pairs in order until it returns false; m is
// valid during the call only.
func (p *zpack) each(fn func(m []byte, s float64) bool) {
	var sc scratch
	for off := 0; off < len(p.b); {
		m, s, nx := p.pairAt(off, &sc)
		if !fn(m, s) {
			return
		}
		off = nx
	}
}

// reserve makes room at once for the pairs of items, so that a ZADD of
// several new members to a packed set reallocates it once rather than per
// member (the intermediate copies were most of a loading node's garbage).
// Only members not yet there count (so a ZADD that changes nothing leaves
// the set as it was); nothing is reserved when the set will convert anyway.
func (z *zset) reserve(items []ZMember, lim zlimits) {
	if !z.packed() || len(items) < 2 || z.lp.len()+len(items) > lim.entries {
		return
	}
	extra := 0
	var st scoreText
	for _, it := range items {
		if len(it.Member) > lim.value {
			return
		}
		if _, _, _, ok := z.lp.find(it.Member); ok {
			continue
		}
		extra += encOf([]byte(it.Member)).fwdSize() + scoreEnc(it.Score, &st).fwdSize()
	}
	if extra > 0 {
		z.lp.grow(extra)
	}
}

// trim gives back what reserve took and was not used (a view's bytes
// are copied to their size when stored: nothing to give back).
func (z *zset) trim() {
	if !z.packed() || z.view || sizeClass(len(z.lp.b)) >= int64(cap(z.lp.b)) {
		return
	}
	if len(z.lp.b) == 0 {
		z.lp.b = nil
	} else {
		z.lp.b = append(make([]byte, 0, sizeClass(len(z.lp.b))), z.lp.b...)
	}
}

// own returns a new member as set will keep it: itself while the set
// stays packed (the pack copies its bytes), else a copy of it, as the
// skiplist form keeps the string.
func (z *zset) own(m string, lim zlimits) string {
	if z.packed() && z.lp.len()+1 <= lim.entries && len(m) <= lim.value {
		return m
	}
	return strings.Clone(m)
}

// zElem returns the header and payload of the element packed at off in
// b (without a trailing header), and the offset after it.
func zElem(b []byte, off int) (h uint64, p []byte, next int) {
	h, k := binary.Uvarint(b[off:])
	start := off + k
	end := start + int(h>>1)
	return h, b[start:end], end
}
