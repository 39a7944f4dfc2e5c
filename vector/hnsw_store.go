package vector

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"unsafe"

	"github.com/vcache/vcache/internal/prefetch"
)

// vstore holds an HNSW graph's vectors, in flat arrays indexed by internal
// id, in one of the three forms of Quant. Only the arrays of its form are
// allocated. The graph's locks guard it (see hnsw).
type vstore struct {
	q      Quant
	dim    int
	stride int // per node: floats (f32), bytes (int8) or words (binary)

	vecs  [][]float32 // f32: the prepared vectors, padded to stride, vecChunk nodes a chunk (hnsw_chunks.go)
	norms []float32   // f32: its squared norm (for L2)

	codes  []int8    // int8: the code, padded to stride with zeros
	inv    []float64 // int8: 1/|code|
	ranges []float32 // int8: the normalised vector's max |x| (VEMB's scale)

	bits []uint64 // binary: the sign bits
}

// query is a vector in the form a vstore compares: the prepared float32
// vector and its squared norm, or its code.
type query struct {
	f   []float32
	n   float32
	c   []int8
	inv float64
	rng float32
	b   []uint64
}

func newVStore(q Quant, dim int) vstore {
	s := vstore{q: q, dim: dim}
	switch q {
	case QuantInt8:
		s.stride = int8Stride(dim)
	case QuantBinary:
		s.stride = binWords(dim)
	default:
		s.stride = padded(dim)
	}
	return s
}

// vectorBytes is the bytes of one node's vector with its scalars.
func (s *vstore) vectorBytes() int64 {
	switch s.q {
	case QuantInt8:
		return int64(s.stride) + 8 + 4
	case QuantBinary:
		return int64(s.stride) * 8
	}
	return int64(s.stride)*4 + 4
}

// arraysBytes is what the store's arrays take on the heap at capacity c,
// its chunks holding cc nodes (hnsw.arraysBytes).
func (s *vstore) arraysBytes(c, cc int) int64 {
	switch s.q {
	case QuantInt8:
		return SizeClass(c*s.stride) + SizeClass(c*8) + SizeClass(c*4)
	case QuantBinary:
		return SizeClass(c * s.stride * 8)
	}
	return chunkedBytes(cc, s.stride*4) + SizeClass(c*4)
}

// lines is the cache lines of a vector to prefetch (at most 8).
func (s *vstore) lines() int {
	b := s.stride * 4
	switch s.q {
	case QuantInt8:
		b = s.stride
	case QuantBinary:
		b = s.stride * 8
	}
	return min((b+63)/64, 8)
}

// growTo returns v (holding from elements) with room for exactly to:
// append's growth (slices.Grow) would round the capacity up by 10-20% past
// what the graph asked, memory that MemoryBytes would not see.
func growTo[T any](v []T, from, to int) []T {
	if cap(v) >= to {
		return v[:to]
	}
	out := make([]T, to)
	copy(out, v[:from])
	return out
}

// grow makes room for n nodes (from the old capacity c) in the flat
// arrays.
func (s *vstore) grow(c, n int) {
	switch s.q {
	case QuantInt8:
		s.codes = growTo(s.codes, c*s.stride, n*s.stride)
		s.inv = growTo(s.inv, c, n)
		s.ranges = growTo(s.ranges, c, n)
	case QuantBinary:
		s.bits = growTo(s.bits, c*s.stride, n*s.stride)
	default:
		s.norms = growTo(s.norms, c, n)
	}
}

// growChunks makes room for nodes from..to in the chunked arrays (the
// float32 vectors).
func (s *vstore) growChunks(from, to int) {
	if s.q == QuantNone {
		s.vecs = growChunks(s.vecs, s.stride, from, to)
	}
}

func (s *vstore) vec(i uint32) []float32 {
	o := int(i&vecMask) * s.stride
	return s.vecs[i>>vecShift][o : o+s.stride]
}

func (s *vstore) code(i uint32) []int8 {
	return s.codes[int(i)*s.stride : int(i+1)*s.stride]
}

func (s *vstore) sign(i uint32) []uint64 {
	return s.bits[int(i)*s.stride : int(i+1)*s.stride]
}

// prefetch starts loading node i's vector into the cache.
func (s *vstore) prefetch(i uint32, lines int) {
	switch s.q {
	case QuantInt8:
		prefetch.Lines(unsafe.Pointer(&s.codes[int(i)*s.stride]), lines)
	case QuantBinary:
		prefetch.Lines(unsafe.Pointer(&s.bits[int(i)*s.stride]), lines)
	default:
		prefetch.Lines(unsafe.Pointer(&s.vecs[i>>vecShift][int(i&vecMask)*s.stride]), lines)
	}
}

// encode checks v's length and returns it as a query: normalised for
// COSINE, then quantised.
func (s *vstore) encode(p Params, v []float32) (query, error) {
	stride := s.stride
	if s.q != QuantNone {
		stride = s.dim
	}
	f, err := prepare(p, v, stride)
	if err != nil {
		return query{}, err
	}
	return s.encodePrepared(f), nil
}

// encodePrepared codes a prepared (normalised) vector.
func (s *vstore) encodePrepared(f []float32) query {
	var q query
	switch s.q {
	case QuantInt8:
		q.c = make([]int8, s.stride)
		q.rng, q.inv = quantizeInt8(f[:s.dim], q.c)
	case QuantBinary:
		q.b = make([]uint64, s.stride)
		quantizeBinary(f[:s.dim], q.b)
	default:
		q.f, q.n = f, dot(f, f)
	}
	return q
}

// put stores q as node i's vector.
func (s *vstore) put(i uint32, q *query) {
	switch s.q {
	case QuantInt8:
		copy(s.code(i), q.c)
		s.inv[i], s.ranges[i] = q.inv, q.rng
	case QuantBinary:
		copy(s.sign(i), q.b)
	default:
		copy(s.vec(i), q.f)
		s.norms[i] = q.n
	}
}

// get returns node i's vector as a query (a copy).
func (s *vstore) get(i uint32) *query {
	switch s.q {
	case QuantInt8:
		return &query{c: slices.Clone(s.code(i)), inv: s.inv[i], rng: s.ranges[i]}
	case QuantBinary:
		return &query{b: slices.Clone(s.sign(i))}
	}
	return &query{f: slices.Clone(s.vec(i)), n: s.norms[i]}
}

// dist is the distance of q to node i.
func (s *vstore) dist(m Metric, q *query, i uint32) float32 {
	switch s.q {
	case QuantNone:
		return distance(m, q.f, s.vec(i), q.n, s.norms[i])
	case QuantInt8:
		return int8Distance(q.c, s.code(i), q.inv, s.inv[i])
	}
	return binaryDistance(q.b, s.sign(i), s.dim)
}

// between is the distance of nodes a and b.
func (s *vstore) between(m Metric, a, b uint32) float32 {
	switch s.q {
	case QuantNone:
		return distance(m, s.vec(a), s.vec(b), s.norms[a], s.norms[b])
	case QuantInt8:
		return int8Distance(s.code(a), s.code(b), s.inv[a], s.inv[b])
	}
	return binaryDistance(s.sign(a), s.sign(b), s.dim)
}

// float returns node i's vector as float32 (de-quantised: c*range/127 for
// int8, ±1 for binary).
func (s *vstore) float(i uint32) []float32 {
	out := make([]float32, s.dim)
	switch s.q {
	case QuantInt8:
		dequantizeInt8(s.code(i), s.ranges[i], out)
	case QuantBinary:
		dequantizeBinary(s.sign(i), out)
	default:
		copy(out, s.vec(i))
	}
	return out
}

// raw returns node i's stored form as bytes (VEMB RAW): little-endian
// float32s, the int8 code, or the little-endian words of the sign bits;
// and the int8 range (0 for the others).
func (s *vstore) raw(i uint32) ([]byte, float32) {
	switch s.q {
	case QuantInt8:
		c := s.code(i)[:s.dim]
		out := make([]byte, len(c))
		for j, v := range c {
			out[j] = byte(v)
		}
		return out, s.ranges[i]
	case QuantBinary:
		w := s.sign(i)
		out := make([]byte, 8*len(w))
		for j, v := range w {
			binary.LittleEndian.PutUint64(out[8*j:], v)
		}
		return out, 0
	}
	return EncodeFloat32(s.vec(i)[:s.dim]), 0
}

// write encodes node i's vector for a snapshot: the float32s; the range
// then the code's bytes; or the words.
func (s *vstore) write(e *enc, i uint32) {
	switch s.q {
	case QuantInt8:
		e.u32(math.Float32bits(s.ranges[i]))
		raw, _ := s.raw(i)
		e.bytes(raw)
	case QuantBinary:
		for _, w := range s.sign(i) {
			e.u64(w)
		}
	default:
		e.f32s(s.vec(i)[:s.dim])
	}
}

// read decodes node i's vector written by write.
func (s *vstore) read(d *dec, i uint32) {
	switch s.q {
	case QuantInt8:
		s.ranges[i] = math.Float32frombits(d.u32())
		c := s.code(i)
		raw := d.bytes(s.dim)
		for j, b := range raw {
			c[j] = int8(b)
			if c[j] == -128 {
				d.fail(fmt.Errorf("int8 code value -128"))
			}
		}
		s.inv[i] = int8InvNorm(c)
	case QuantBinary:
		w := s.sign(i)
		for j := range w {
			w[j] = d.u64()
		}
		if r := s.dim % 64; r != 0 && w[len(w)-1]>>r != 0 {
			d.fail(fmt.Errorf("binary code has padding bits set"))
		}
	default:
		v := s.vec(i)
		d.f32s(v[:s.dim])
		s.norms[i] = dot(v, v)
	}
}
