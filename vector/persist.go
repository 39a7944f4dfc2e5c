package vector

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// Index files start with this magic, a version, the algorithm and the
// parameters; the rest is the engine's. Version 2 adds the storage form
// (Params.Quant) after the parameters and stores quantised HNSW vectors in
// their coded form; an index of float32 vectors is still written as version
// 1, byte for byte as before, so older builds read it. Version 3 (an HNSW
// index with search codes, Params.Codes) adds the storage form, the codes'
// form and the re-rank count after the parameters; its body is version 1's
// (the float32 vectors: the codes are made again as it loads). Every
// version loads.
const indexMagic = "VCVI"
const (
	indexVersion      = 1
	indexVersionQuant = 2
	indexVersionCodes = 3
)

type countingWriter struct {
	w *bufio.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// enc writes little-endian fixed-size values, remembering the first error.
type enc struct {
	w   io.Writer
	err error
	buf [8]byte
}

func (e *enc) u32(v uint32) {
	if e.err == nil {
		binary.LittleEndian.PutUint32(e.buf[:4], v)
		_, e.err = e.w.Write(e.buf[:4])
	}
}

func (e *enc) u64(v uint64) {
	if e.err == nil {
		binary.LittleEndian.PutUint64(e.buf[:], v)
		_, e.err = e.w.Write(e.buf[:])
	}
}

func (e *enc) bytes(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

func (e *enc) f32s(v []float32) {
	for _, x := range v {
		e.u32(math.Float32bits(x))
	}
}

func (e *enc) u32s(v []uint32) {
	for _, x := range v {
		e.u32(x)
	}
}

type dec struct {
	r       io.Reader
	err     error
	buf     [8]byte
	scratch []byte
}

func (d *dec) u32() uint32 {
	if d.err != nil {
		return 0
	}
	if _, d.err = io.ReadFull(d.r, d.buf[:4]); d.err != nil {
		return 0
	}
	return binary.LittleEndian.Uint32(d.buf[:4])
}

func (d *dec) u64() uint64 {
	if d.err != nil {
		return 0
	}
	if _, d.err = io.ReadFull(d.r, d.buf[:]); d.err != nil {
		return 0
	}
	return binary.LittleEndian.Uint64(d.buf[:])
}

// bytes reads n bytes into a buffer reused by the next call.
func (d *dec) bytes(n int) []byte {
	if cap(d.scratch) < n {
		d.scratch = make([]byte, n)
	}
	b := d.scratch[:n]
	if d.err != nil {
		clear(b)
		return b
	}
	if _, d.err = io.ReadFull(d.r, b); d.err != nil {
		clear(b)
	}
	return b
}

// fail records err unless an error came first.
func (d *dec) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

// count reads a count and checks it against limit.
func (d *dec) count(limit uint64) int {
	n := d.u64()
	if d.err == nil && n > limit {
		d.err = fmt.Errorf("count %d over %d", n, limit)
	}
	return int(n)
}

func (d *dec) f32s(v []float32) {
	for i := range v {
		v[i] = math.Float32frombits(d.u32())
	}
}

func writeHeader(e *enc, p Params) {
	if e.err == nil {
		_, e.err = e.w.Write([]byte(indexMagic))
	}
	switch {
	case p.Codes != QuantNone:
		e.u32(indexVersionCodes)
	case p.Quant == QuantNone:
		e.u32(indexVersion)
	default:
		e.u32(indexVersionQuant)
	}
	e.u32(uint32(p.Algorithm))
	e.u32(uint32(p.Dim))
	e.u32(uint32(p.Metric))
	e.u32(uint32(p.M))
	e.u32(uint32(p.EfConstruction))
	e.u32(uint32(p.EfRuntime))
	e.u32(uint32(p.Lists))
	e.u32(uint32(p.Probes))
	if p.Quant != QuantNone || p.Codes != QuantNone {
		e.u32(uint32(p.Quant))
	}
	if p.Codes != QuantNone {
		e.u32(uint32(p.Codes))
		e.u32(uint32(p.Rerank))
	}
}

// WriteIndex writes ix to w; ReadIndex reads it back.
func writeIndex(w io.Writer, p Params, body func(e *enc)) (int64, error) {
	cw := &countingWriter{w: bufio.NewWriterSize(w, 1<<16)}
	e := &enc{w: cw}
	writeHeader(e, p)
	body(e)
	if e.err != nil {
		return cw.n, e.err
	}
	return cw.n, cw.w.Flush()
}

// ReadIndex reads an index written by its WriteTo.
func ReadIndex(r io.Reader) (Index, error) {
	d := &dec{r: bufio.NewReaderSize(r, 1<<16)}
	magic := make([]byte, len(indexMagic))
	if _, err := io.ReadFull(d.r, magic); err != nil || string(magic) != indexMagic {
		return nil, fmt.Errorf("%w: bad magic", ErrCorrupt)
	}
	version := d.u32()
	if version < indexVersion || version > indexVersionCodes {
		return nil, fmt.Errorf("%w: version %d", ErrCorrupt, version)
	}
	var p Params
	p.Algorithm = Algorithm(d.u32())
	p.Dim = int(d.u32())
	p.Metric = Metric(d.u32())
	p.M = int(d.u32())
	p.EfConstruction = int(d.u32())
	p.EfRuntime = int(d.u32())
	p.Lists = int(d.u32())
	p.Probes = int(d.u32())
	if version >= indexVersionQuant {
		p.Quant = Quant(d.u32())
	}
	if version == indexVersionCodes {
		p.Codes = Quant(d.u32())
		p.Rerank = int(d.u32())
	}
	if d.err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrCorrupt, d.err)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	var ix Index
	var err error
	switch p.Algorithm {
	case HNSW:
		ix, err = readHNSW(d, p)
	case FLAT:
		ix, err = readFlat(d, p)
	case IVFFLAT:
		ix, err = readIVF(d, p)
	default:
		err = fmt.Errorf("algorithm %d", p.Algorithm)
	}
	if err == nil {
		err = d.err
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return ix, nil
}

const maxNodes = 1 << 31

// WriteTo writes the graph.
func (h *hnsw) WriteTo(w io.Writer) (int64, error) { return h.writeHiding(w, nil) }

// writeHiding writes the graph with the live vectors of the external ids
// hide holds written as tombstones (a reader finds them removed).
func (h *hnsw) writeHiding(w io.Writer, hide map[uint32]bool) (int64, error) {
	h.mu.Lock() // a consistent graph: inserts wait
	defer h.mu.Unlock()
	return writeIndex(w, h.p, func(e *enc) {
		n := h.next
		e.u64(uint64(n))
		h.epMu.Lock()
		e.u64(uint64(h.entry + 1))
		e.u32(uint32(h.maxLevel))
		h.epMu.Unlock()
		for i := uint32(0); i < n; i++ {
			e.u32(h.exts[i])
			dead := h.dead[i]
			if dead == 0 && hide[h.exts[i]] {
				dead = 1
			}
			e.u32(dead)
			e.u32(uint32(h.levels[i]))
			h.st.write(e, i)
			l0 := h.list0(i)
			e.u32s(l0[:1+l0[0]])
			for lc := 1; lc <= int(h.levels[i]); lc++ {
				l := h.linkList(i, lc)
				e.u32s(l[:1+l[0]])
			}
		}
	})
}

func readHNSW(d *dec, p Params) (Index, error) {
	n := d.count(maxNodes)
	entry := int64(d.u64()) - 1
	maxL := int(d.u32())
	if d.err != nil {
		return nil, d.err
	}
	p.InitialCap = min(n, 1024) // grow as data arrives, not as the header claims
	h := newHNSW(p)
	readLinks := func(max int, dst []uint32) {
		c := d.u32()
		if int(c) > max {
			d.err = fmt.Errorf("link count %d", c)
			return
		}
		dst[0] = c
		for j := 1; j <= int(c); j++ {
			v := d.u32()
			if int(v) >= n {
				d.err = fmt.Errorf("link to %d of %d", v, n)
				return
			}
			dst[j] = v
		}
	}
	for i := 0; i < n && d.err == nil; i++ {
		h.grow(i + 1)
		id := uint32(i)
		h.exts[id] = d.u32()
		h.dead[id] = d.u32()
		lvl := d.u32()
		if lvl > 16 {
			return nil, fmt.Errorf("level %d", lvl)
		}
		h.levels[id] = uint8(lvl)
		h.st.read(d, id)
		if h.sq != nil {
			h.sq.put(p.Metric, id, h.st.vec(id))
		}
		readLinks(h.m0, h.list0(uint32(i)))
		if lvl > 0 {
			h.newUpper(id, int(lvl))
			for lc := 1; lc <= int(lvl); lc++ {
				readLinks(h.m, h.linkList(id, lc))
			}
		}
		if h.dead[id] == 0 {
			h.byExt[h.exts[id]] = id
			h.nlive.Add(1)
		} else {
			h.dead[id] = 1
			h.ndead++
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	if entry >= int64(n) || (n > 0 && entry < 0) {
		return nil, fmt.Errorf("entry point %d of %d", entry, n)
	}
	// The graph must be walkable: the entry point lives on the top level
	// and a link on level lc leads to a node that has level lc.
	if entry >= 0 && int(h.levels[entry]) < maxL {
		return nil, fmt.Errorf("entry point on level %d below the top level %d", h.levels[entry], maxL)
	}
	for i := 0; i < n; i++ {
		for lc := 1; lc <= int(h.levels[i]); lc++ {
			list := h.linkList(uint32(i), lc)
			for _, j := range list[1 : 1+list[0]] {
				if int(h.levels[j]) < lc {
					return nil, fmt.Errorf("node %d links on level %d to node %d of level %d", i, lc, j, h.levels[j])
				}
			}
		}
	}
	h.next = uint32(n)
	h.entry, h.maxLevel = entry, maxL
	return h, nil
}
