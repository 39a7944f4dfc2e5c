package vector

import (
	"fmt"
	"io"
	"strings"
)

// Algorithm is an index kind.
type Algorithm uint8

// The index kinds.
const (
	FLAT Algorithm = iota
	HNSW
	IVFFLAT
)

// String returns the RediSearch name.
func (a Algorithm) String() string {
	switch a {
	case FLAT:
		return "FLAT"
	case HNSW:
		return "HNSW"
	case IVFFLAT:
		return "IVFFLAT"
	}
	return fmt.Sprintf("algorithm(%d)", uint8(a))
}

// ParseAlgorithm reads FLAT, HNSW or IVFFLAT (any case).
func ParseAlgorithm(s string) (Algorithm, error) {
	switch strings.ToUpper(s) {
	case "FLAT":
		return FLAT, nil
	case "HNSW":
		return HNSW, nil
	case "IVFFLAT":
		return IVFFLAT, nil
	}
	return 0, fmt.Errorf("%w: unknown algorithm %q", ErrBadParams, s)
}

// Params configure an index.
type Params struct {
	Algorithm Algorithm
	Dim       int
	Metric    Metric
	// HNSW: links per node (level 0 has 2M), build and default search
	// breadth.
	M, EfConstruction, EfRuntime int
	// IVFFLAT: number of lists and lists probed per query by default.
	Lists, Probes int
	// InitialCap pre-allocates room for this many vectors.
	InitialCap int
	// Quant is how HNSW stores its vectors (COSINE only when quantised);
	// the other engines store float32.
	Quant Quant
	// Codes, for an HNSW or IVFFLAT index of float32 vectors (Quant none,
	// any metric), keeps an int8 code beside each vector (QuantInt8):
	// searches walk the graph (scan the lists) on the codes and measure the
	// best Rerank candidates again on float32 (see sq8.go, ivf_codes.go).
	// QuantNone searches on float32.
	Codes Quant
	// Rerank is how many of the nodes the walk measured a search with
	// codes re-ranks on float32 (0: DefaultRerank; at least K), the
	// nearest by their codes.
	Rerank int
}

// DefaultParams returns RediSearch's defaults for alg.
func DefaultParams(alg Algorithm, dim int, m Metric) Params {
	return Params{Algorithm: alg, Dim: dim, Metric: m, M: 16, EfConstruction: 200, EfRuntime: 10, Lists: 100, Probes: 10}
}

// Validate reports the first invalid parameter.
func (p Params) Validate() error {
	switch {
	case p.Dim < 1 || p.Dim > 32768:
		return fmt.Errorf("%w: dimension %d", ErrBadParams, p.Dim)
	case p.Metric > Cosine:
		return fmt.Errorf("%w: metric", ErrBadParams)
	case p.Algorithm == HNSW && (p.M < 2 || p.M > 512):
		return fmt.Errorf("%w: M %d", ErrBadParams, p.M)
	case p.Algorithm == HNSW && (p.EfConstruction < 1 || p.EfRuntime < 1):
		return fmt.Errorf("%w: EF_CONSTRUCTION and EF_RUNTIME must be positive", ErrBadParams)
	case p.Algorithm == IVFFLAT && (p.Lists < 1 || p.Lists > 1<<16 || p.Probes < 1):
		return fmt.Errorf("%w: LISTS and PROBES must be positive", ErrBadParams)
	case p.InitialCap < 0:
		return fmt.Errorf("%w: INITIAL_CAP", ErrBadParams)
	case p.Quant > QuantBinary:
		return fmt.Errorf("%w: quantisation %d", ErrBadParams, p.Quant)
	case p.Quant != QuantNone && (p.Algorithm != HNSW || p.Metric != Cosine):
		return fmt.Errorf("%w: %s vectors need HNSW with COSINE", ErrBadParams, p.Quant)
	case p.Codes != QuantNone && p.Codes != QuantInt8:
		return fmt.Errorf("%w: search codes %d", ErrBadParams, p.Codes)
	case p.Codes != QuantNone && (p.Algorithm != HNSW && p.Algorithm != IVFFLAT || p.Quant != QuantNone):
		return fmt.Errorf("%w: search codes need HNSW or IVFFLAT with float32 vectors", ErrBadParams)
	case p.Rerank < 0 || p.Rerank > 1<<20:
		return fmt.Errorf("%w: RERANK %d", ErrBadParams, p.Rerank)
	}
	return nil
}

// Result is one search hit: the caller's id and its distance.
type Result struct {
	ID   uint32
	Dist float32
}

// SearchOptions tune one search.
type SearchOptions struct {
	// K is how many results to return.
	K int
	// Ef is the HNSW search breadth (0: the index's EfRuntime).
	Ef int
	// Probes is the number of IVFFLAT lists to search (0: the default).
	Probes int
	// Filter, when set, admits only ids it accepts; it is called during
	// the search and must be safe for concurrent use.
	Filter func(id uint32) bool
	// FilterCount estimates how many ids Filter accepts (-1 unknown). A
	// small count makes the index search exactly among the accepted ids.
	FilterCount int
	// Candidates, when non-nil, restricts the search to these ids,
	// searched exactly.
	Candidates []uint32
	// Rerank overrides the index's Params.Rerank for this search (0: the
	// index's).
	Rerank int
	// Float32 walks an HNSW graph (scans IVFFLAT lists) with codes on its
	// float32 vectors, as an index without codes does (benchmarks compare
	// the two on one index).
	Float32 bool
}

// Index is a vector index. Ids are the caller's. Any number of Search
// calls may run concurrently with Add and Remove calls from any goroutine.
type Index interface {
	// Add inserts v under id, replacing any vector id had. v is copied.
	Add(id uint32, v []float32) error
	// Remove deletes id and reports whether it was present.
	Remove(id uint32) bool
	// Search returns up to opt.K nearest ids, nearest first. When a filter
	// or candidate list admits at least K ids, exactly K are returned.
	Search(q []float32, opt SearchOptions) ([]Result, error)
	// Vector returns a copy of id's stored vector (normalised for COSINE).
	Vector(id uint32) ([]float32, bool)
	// Len returns the number of vectors.
	Len() int
	// Params returns the index's parameters.
	Params() Params
	// MemoryBytes estimates the index's heap bytes.
	MemoryBytes() int64
	// WriteTo writes the index (graph or lists included) for ReadIndex.
	WriteTo(w io.Writer) (int64, error)
}

// New makes an empty index.
func New(p Params) (Index, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	switch p.Algorithm {
	case FLAT:
		return newFlat(p), nil
	case HNSW:
		return newHNSW(p), nil
	case IVFFLAT:
		return newIVF(p), nil
	}
	return nil, fmt.Errorf("%w: algorithm", ErrBadParams)
}

// prepare checks q's length and values (no NaN or infinity) and returns
// the form the index compares: padded to the stride, normalised for COSINE.
func prepare(p Params, q []float32, stride int) ([]float32, error) {
	if len(q) != p.Dim {
		return nil, fmt.Errorf("%w: got %d values, index has %d", ErrDimMismatch, len(q), p.Dim)
	}
	if err := CheckFinite(q); err != nil {
		return nil, err
	}
	out := make([]float32, stride)
	copy(out, q)
	if p.Metric == Cosine {
		normalize(out)
	}
	return out, nil
}

// distance returns the distance of prepared q to stored vector v whose
// squared norm is vn (used for L2).
func distance(m Metric, q, v []float32, qn, vn float32) float32 {
	switch m {
	case L2:
		if d := l2Fast(q, v, qn, vn); d == d {
			return d
		}
		// NaN: a norm overflowed float32 (Inf - Inf). The direct sum
		// saturates at +Inf instead.
		return l2(q, v)
	case Cosine:
		// Rounding can take 1 - cos(0) a hair below zero.
		return max(1-dot(q, v), 0)
	}
	if d := 1 - dot(q, v); d == d {
		return d
	}
	// NaN: float32 partial sums overflowed both ways; float64 cannot.
	return 1 - float32(dot64(q, v))
}

// dot64 is the dot product summed in float64 (the slow path for values
// near float32's range).
func dot64(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}
