package vector

import (
	"unsafe"

	"github.com/vcache/vcache/internal/prefetch"
)

// Search codes (Params.Codes = QuantInt8, FT.CREATE's COMPRESSION SQ8): an
// HNSW index of float32 vectors keeps, beside each vector, an int8 code of
// it. A search walks the graph comparing codes (a quarter of the bytes to
// bring from memory per distance, and the AVX2 int8 kernel), then measures
// the best Rerank candidates again on float32 and returns those: the
// distances returned are exact, only the choice of candidates is
// approximate. The graph is built on float32, so it is the graph an index
// without codes would have.
//
// The code is per vector, like the vector sets' Q8 (no training, so the
// first vector coded is coded as well as the last): c = round(x*127/|x|max).
// The dot product of two vectors is then dot(ca, cb)*ma*mb with one float32
// factor m per vector:
//
//   - COSINE (vectors normalised): m = 1/|c|, so the score is the cosine of
//     the two codes and a vector is at distance 0 from itself;
//   - L2 and IP: m = |x|max/127, the scale; L2 adds the exact squared norms
//     the float32 store already keeps: |a|² + |b|² - 2·dot.
//
// Memory per vector: the float32 vector, plus the code (the dimension
// rounded up to 16 bytes) and its factor. The float32 vectors are read
// only for the re-rank (Rerank of them per query) and by the build, so they
// could live off the heap or on disk with the codes alone in memory.

// DefaultRerank is the float32 re-rank count FT.CREATE gives an HNSW index
// with codes when RERANK is not set (chosen with bench/ann: see
// bench/README.md).
const DefaultRerank = 40

// sq8 holds the codes of an hnsw's vectors, indexed by internal id, guarded
// by the graph's locks like its vstore.
type sq8 struct {
	dim    int
	stride int      // bytes per code (dim rounded up to 16, zero padded)
	plines int      // cache lines of a code to prefetch
	codes  [][]int8 // chunks of vecChunk codes (hnsw_chunks.go)
	mul    []float32
}

func newSQ8(dim int) *sq8 {
	s := &sq8{dim: dim, stride: int8Stride(dim)}
	s.plines = min((s.stride+63)/64, 8)
	return s
}

// grow makes room for n factors (from c); growChunks for the codes of
// nodes from..to.
func (s *sq8) grow(c, n int) { s.mul = growTo(s.mul, c, n) }

func (s *sq8) growChunks(from, to int) { s.codes = growChunks(s.codes, s.stride, from, to) }

// bytesPer is the bytes of one node's code with its factor.
func (s *sq8) bytesPer() int64 { return int64(s.stride) + 4 }

func (s *sq8) code(i uint32) []int8 {
	o := int(i&vecMask) * s.stride
	return s.codes[i>>vecShift][o : o+s.stride : o+s.stride]
}

// encode codes prepared vector f (at least dim values) into dst (stride
// bytes) and returns its factor for metric m.
func sq8Encode(m Metric, f []float32, dst []int8) float32 {
	rng, inv := quantizeInt8(f, dst)
	if m == Cosine {
		return float32(inv)
	}
	return rng / 127
}

// put codes node i's prepared float32 vector.
func (s *sq8) put(m Metric, i uint32, f []float32) {
	s.mul[i] = sq8Encode(m, f[:s.dim], s.code(i))
}

func (s *sq8) prefetch(i uint32) {
	prefetch.Lines(unsafe.Pointer(&s.codes[i>>vecShift][int(i&vecMask)*s.stride]), s.plines)
}

// encodeQuery adds q's code (q.f is the prepared vector).
func (s *sq8) encodeQuery(m Metric, q *query) {
	q.c = make([]int8, s.stride)
	q.rng = sq8Encode(m, q.f[:s.dim], q.c)
}

// dist is the approximate distance of q (with its code) to node i; norms
// are the float32 store's squared norms (L2).
func (s *sq8) dist(m Metric, q *query, i uint32, norms []float32) float32 {
	d := float32(dotInt8(q.c, s.code(i))) * q.rng * s.mul[i]
	if m == L2 {
		return q.n + norms[i] - 2*d
	}
	return 1 - d
}
