package vset

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/vcache/vcache/vector"
)

// TypeName is what TYPE answers for a vector set.
const TypeName = "vectorset"

// Errors with Redis's wording (the node prefixes the RESP code, ERR).
var (
	// ErrInvalid starts the error of an option with a bad value ("invalid EF").
	ErrInvalid   = errors.New("invalid")
	ErrDim       = errors.New("Vector dimension mismatch")
	ErrSyntax    = errors.New("syntax error")
	ErrNoElement = errors.New("element not found in set")
	ErrBadJSON   = errors.New("Invalid JSON attribute")
	ErrQuant     = errors.New("asked quantization mismatch with existing vector set")
	// ErrBadVector is Redis's reply to a vector it cannot take: a bad
	// FP32 blob or VALUES list, a REDUCE above the dimension, and here
	// also a NaN or infinite value (which would make every score NaN).
	ErrBadVector = errors.New("invalid vector specification")
)

type elem struct {
	name  string
	norm  float32 // the vector's norm, to give VEMB back the original scale
	json  string
	attrs map[string]any
}

// elemBytes estimates an element's bytes outside the index and the maps
// (MemoryBytes counts those): the elem, the name (one string held by both
// maps) and the JSON text.
func elemBytes(e *elem) int64 {
	return vector.SizeClass(int(unsafe.Sizeof(elem{}))) + vector.SizeClass(len(e.name)) + int64(len(e.json))
}

// Set is one vector set. Its methods are safe for concurrent use: many
// searches run together, changes take the write lock.
//
// The vectors are stored as the set's quantisation asks (VADD's Q8, the
// default, NOQUANT or BIN; see vector.Quant): Q8 keeps an int8 code per
// component with a per-vector scale, BIN one sign bit per component. The
// HNSW graph compares the stored codes, both when it links a new element
// and when it searches. Bytes per element at 300 dimensions with 10k
// elements and the default M of 16 (TestSetMemory; accounted, which is what
// MEMORY USAGE and used_memory see, then measured on the Go heap): f32 1659
// and 1671, int8 657 and 672, bin 369 and 382. The vector itself takes
// 1284, 316 and 40 of those; the rest is the graph (its arrays' spare
// capacity: past 8192 nodes they grow by an eighth), the ids and the names.
type Set struct {
	mu       sync.RWMutex
	dim      int       // dimension stored (after REDUCE)
	inDim    int       // dimension given to VADD
	proj     []float32 // REDUCE: inDim × dim random projection; nil when none
	m, ef    int
	quant    vector.Quant
	ix       vector.Index
	ids      map[string]uint32
	elems    map[uint32]*elem
	nextID   uint32
	elemSize int64 // the sum of elemBytes
	most     int   // the most elements the set held (its maps never shrink)
}

// TypeName implements the keyspace's custom value.
func (s *Set) TypeName() string { return TypeName }

// MemoryBytes estimates the set's heap bytes: the Set, its graph, its
// projection, its elements and its two maps (by name, by id) at the most
// elements they held. A set of one element holds about 30 KB (the graph's
// arrays start at 64 nodes, its locks take 8 KiB).
func (s *Set) MemoryBytes() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	maps := vector.MapBytes(s.most, 24) + vector.MapBytes(s.most, 16) // slots: a string and a uint32, a uint32 and a pointer
	return setBytes + s.ix.MemoryBytes() + vector.SizeClass(4*len(s.proj)) + s.elemSize + maps
}

// setBytes is the Set's own allocation.
var setBytes = vector.SizeClass(int(unsafe.Sizeof(Set{})))

// AddArgs are VADD's parsed arguments.
type AddArgs struct {
	Reduce  int
	Vec     []float32
	Element string
	Attr    *string // SETATTR
	M, EF   int
	Quant   vector.Quant // Q8 (the default), NOQUANT or BIN
}

// ParseAdd parses VADD's arguments after the key.
func ParseAdd(args [][]byte) (*AddArgs, error) {
	a := &AddArgs{M: 16, EF: 200, Quant: vector.QuantInt8}
	i := 0
	if i+1 < len(args) && strings.EqualFold(string(args[i]), "REDUCE") {
		n, err := strconv.Atoi(string(args[i+1]))
		if err != nil || n <= 0 {
			return nil, ErrBadVector
		}
		a.Reduce = n
		i += 2
	}
	vec, used, err := parseVector(args[i:])
	if err != nil {
		return nil, err
	}
	if a.Reduce > len(vec) {
		return nil, ErrBadVector // Redis: REDUCE must not exceed the dimension
	}
	a.Vec = vec
	i += used
	if i >= len(args) {
		return nil, ErrSyntax
	}
	a.Element = string(args[i])
	i++
	for ; i < len(args); i++ {
		switch strings.ToUpper(string(args[i])) {
		case "NOQUANT":
			a.Quant = vector.QuantNone
		case "Q8":
			a.Quant = vector.QuantInt8
		case "BIN":
			a.Quant = vector.QuantBinary
		case "CAS":
		case "EF", "M":
			if i+1 >= len(args) {
				return nil, ErrSyntax
			}
			n, err := strconv.Atoi(string(args[i+1]))
			if err != nil || n <= 0 || n > 1_000_000 {
				return nil, fmt.Errorf("%w %s", ErrInvalid, strings.ToUpper(string(args[i])))
			}
			if strings.EqualFold(string(args[i]), "EF") {
				a.EF = n
			} else {
				a.M = min(n, 512)
			}
			i++
		case "SETATTR":
			if i+1 >= len(args) {
				return nil, ErrSyntax
			}
			s := string(args[i+1])
			a.Attr = &s
			i++
		default:
			return nil, ErrSyntax
		}
	}
	return a, nil
}

// parseVector reads "FP32 blob" or "VALUES n v1 .. vn".
func parseVector(args [][]byte) ([]float32, int, error) {
	if len(args) < 2 {
		return nil, 0, ErrSyntax
	}
	switch strings.ToUpper(string(args[0])) {
	case "FP32":
		b := args[1]
		if len(b) == 0 || len(b)%4 != 0 {
			return nil, 0, ErrBadVector
		}
		v, _ := vector.DecodeFloat32(b, len(b)/4)
		if vector.CheckFinite(v) != nil {
			return nil, 0, ErrBadVector
		}
		return v, 2, nil
	case "VALUES":
		n, err := strconv.Atoi(string(args[1]))
		if err != nil || n <= 0 || 2+n > len(args) {
			return nil, 0, ErrBadVector
		}
		v := make([]float32, n)
		for j := range v {
			f, err := strconv.ParseFloat(string(args[2+j]), 32)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, 0, ErrBadVector
			}
			v[j] = float32(f)
		}
		return v, 2 + n, nil
	}
	return nil, 0, ErrSyntax
}

// New makes a set for the first VADD.
func New(a *AddArgs) (*Set, error) {
	s := &Set{inDim: len(a.Vec), dim: len(a.Vec), m: a.M, ef: a.EF, quant: a.Quant,
		ids: map[string]uint32{}, elems: map[uint32]*elem{}}
	if a.Reduce > 0 && a.Reduce < len(a.Vec) {
		s.dim = a.Reduce
		r := rand.New(rand.NewPCG(uint64(len(a.Vec)), uint64(a.Reduce)))
		s.proj = make([]float32, len(a.Vec)*a.Reduce)
		for i := range s.proj {
			s.proj[i] = float32(r.NormFloat64() / math.Sqrt(float64(a.Reduce)))
		}
	}
	p := vector.DefaultParams(vector.HNSW, s.dim, vector.Cosine)
	p.M, p.EfConstruction, p.Quant = s.m, s.ef, s.quant
	ix, err := vector.New(p)
	if err != nil {
		return nil, err
	}
	s.ix = ix
	return s, nil
}

// project maps an input vector to the stored dimension.
func (s *Set) project(v []float32) ([]float32, error) {
	if len(v) != s.inDim {
		return nil, fmt.Errorf("%w: vector has %d dimensions, the set %d", ErrDim, len(v), s.inDim)
	}
	if s.proj == nil {
		return v, nil
	}
	out := make([]float32, s.dim)
	for i, x := range v {
		row := s.proj[i*s.dim : (i+1)*s.dim]
		for j := range out {
			out[j] += x * row[j]
		}
	}
	return out, nil
}

func parseAttrs(js string) (map[string]any, error) {
	if js == "" {
		return nil, nil
	}
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(js))
	if err := dec.Decode(&m); err != nil {
		return nil, ErrBadJSON
	}
	return m, nil
}

// Add inserts or updates an element; it reports whether it was new. The
// set's quantisation is fixed when it is made: asking another is an error,
// as in Redis.
func (s *Set) Add(a *AddArgs) (bool, error) {
	if a.Quant != s.quant {
		return false, ErrQuant
	}
	v, err := s.project(a.Vec)
	if err != nil {
		return false, err
	}
	if vector.CheckFinite(v) != nil {
		return false, ErrBadVector // given so, or projected past float32's range
	}
	var attrs map[string]any
	if a.Attr != nil {
		if attrs, err = parseAttrs(*a.Attr); err != nil {
			return false, err
		}
	}
	var norm float64
	for _, x := range v {
		norm += float64(x) * float64(x)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, exists := s.ids[a.Element]
	if !exists {
		id = s.nextID
		s.nextID++
		s.ids[a.Element] = id
		s.elems[id] = &elem{name: a.Element}
		s.elemSize += elemBytes(s.elems[id])
		s.most = max(s.most, len(s.ids))
	}
	e := s.elems[id]
	e.norm = float32(math.Sqrt(norm))
	if a.Attr != nil {
		s.elemSize -= elemBytes(e)
		e.json, e.attrs = *a.Attr, attrs
		s.elemSize += elemBytes(e)
	}
	if err := s.ix.Add(id, v); err != nil {
		if !exists {
			s.elemSize -= elemBytes(e)
			delete(s.ids, a.Element)
			delete(s.elems, id)
		}
		return false, err
	}
	return !exists, nil
}

// AddBytes returns how much MemoryBytes rises at once when a is added:
// for a new element its own bytes, its maps' growth and the graph's next
// growth (a chunk of capacity when the graph is full; a set's graph
// starts at 64 nodes and doubles while small), for an element already in
// the set its attributes' growth. A node judges the VADD with it, so
// that the write that grows the set is refused (noeviction) or makes
// room (the other policies) before it is made.
func (s *Set) AddBytes(a *AddArgs) int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var attr int64
	if a.Attr != nil {
		attr = int64(len(*a.Attr))
	}
	if id, ok := s.ids[a.Element]; ok {
		return max(attr-int64(len(s.elems[id].json)), 0)
	}
	g := vector.SizeClass(int(unsafe.Sizeof(elem{}))) + vector.SizeClass(len(a.Element)) + attr
	if n := len(s.ids) + 1; n > s.most {
		g += vector.MapBytes(n, 24) + vector.MapBytes(n, 16) - vector.MapBytes(s.most, 24) - vector.MapBytes(s.most, 16)
	}
	// The graph's own map of the element's id, and its links on the
	// upper levels (up to 4: with M 16 one element in 65,536 takes more).
	g += vector.MapBytes(len(s.ids)+1, 8) - vector.MapBytes(len(s.ids), 8) + 4*int64(s.m+1)*4
	if ix, ok := s.ix.(interface{ GrowthBytes() int64 }); ok {
		g += ix.GrowthBytes()
	}
	return g
}

// Remove deletes an element and reports whether it existed.
func (s *Set) Remove(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.ids[name]
	if !ok {
		return false
	}
	s.elemSize -= elemBytes(s.elems[id])
	delete(s.ids, name)
	delete(s.elems, id)
	s.ix.Remove(id)
	return true
}

// Card returns the number of elements.
func (s *Set) Card() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.ids)
}

// Dim returns the stored dimension.
func (s *Set) Dim() int { return s.dim }

// Has reports whether an element exists.
func (s *Set) Has(name string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.ids[name]
	return ok
}

// Embedding returns an element's vector at its original scale (VEMB):
// de-quantised and multiplied by the norm it had. A BIN set gives ±1 per
// component, as Redis does.
func (s *Set) Embedding(name string) ([]float32, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.ids[name]
	if !ok {
		return nil, false
	}
	v, ok := s.ix.Vector(id)
	if !ok {
		return nil, false
	}
	if s.quant != vector.QuantBinary {
		for i := range v {
			v[i] *= s.elems[id].norm
		}
	}
	return v, true
}

// Raw is an element's stored vector (VEMB RAW).
type Raw struct {
	// Quant names the form: f32, int8 or bin.
	Quant string
	// Data is the stored vector: little-endian float32s (normalised), the
	// int8 code, or the sign bits as little-endian uint64 words.
	Data []byte
	// Norm is the vector's L2 norm before normalisation.
	Norm float32
	// Range is the int8 scale (component = code * Range / 127 * Norm); 0
	// for the other forms.
	Range float32
}

// rawIndex is the index's access to its stored form.
type rawIndex interface {
	RawVector(id uint32) (raw []byte, rng float32, ok bool)
}

// RawEmbedding returns an element's vector as stored (VEMB RAW).
func (s *Set) RawEmbedding(name string) (Raw, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.ids[name]
	ri, isRaw := s.ix.(rawIndex)
	if !ok || !isRaw {
		return Raw{}, false
	}
	data, rng, ok := ri.RawVector(id)
	if !ok {
		return Raw{}, false
	}
	return Raw{Quant: s.quant.String(), Data: data, Norm: s.elems[id].norm, Range: rng}, true
}

// Quant returns the set's quantisation.
func (s *Set) Quant() vector.Quant { return s.quant }

// Attr returns an element's JSON attributes ("" when none).
func (s *Set) Attr(name string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.ids[name]
	if !ok {
		return "", false
	}
	return s.elems[id].json, true
}

// SetAttr replaces an element's attributes ("" removes them).
func (s *Set) SetAttr(name, js string) (bool, error) {
	attrs, err := parseAttrs(js)
	if err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.ids[name]
	if !ok {
		return false, nil
	}
	e := s.elems[id]
	s.elemSize -= elemBytes(e)
	e.json, e.attrs = js, attrs
	s.elemSize += elemBytes(e)
	return true, nil
}

// Random returns count random element names; a negative count allows
// repeats (as SRANDMEMBER).
func (s *Set) Random(count int) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := make([]string, 0, len(s.ids))
	for n := range s.ids {
		names = append(names, n)
	}
	if len(names) == 0 {
		return nil
	}
	if count < 0 {
		out := make([]string, -count)
		for i := range out {
			out[i] = names[rand.IntN(len(names))]
		}
		return out
	}
	rand.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	return names[:min(count, len(names))]
}

// Info is VINFO's data.
func (s *Set) Info() []any {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return []any{"quant-type", s.quant.String(), "vector-dim", int64(s.dim), "size", int64(len(s.ids)),
		"max-level", int64(0), "hnsw-m", int64(s.m), "hnsw-max-node-uid", int64(s.nextID),
		"projection-input-dim", int64(s.inDim)}
}

// DefaultSearchEF is VSIM's search breadth when EF is not given (COUNT
// raises it), Redis's default.
const DefaultSearchEF = 100

// SimArgs are VSIM's parsed arguments.
type SimArgs struct {
	Element    string // ELE
	Vec        []float32
	Count      int
	WithScores bool
	WithAttrs  bool
	EF         int
	Filter     *Expr
	FilterEF   int
	Truth      bool
}

// ParseSim parses VSIM's arguments after the key.
func ParseSim(args [][]byte) (*SimArgs, error) {
	a := &SimArgs{Count: 10}
	if len(args) < 2 {
		return nil, ErrSyntax
	}
	i := 0
	if strings.EqualFold(string(args[0]), "ELE") {
		a.Element = string(args[1])
		i = 2
	} else {
		v, used, err := parseVector(args)
		if err != nil {
			return nil, err
		}
		a.Vec, i = v, used
	}
	num := func() (int, error) {
		if i+1 >= len(args) {
			return 0, ErrSyntax
		}
		n, err := strconv.Atoi(string(args[i+1]))
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("%w %s", ErrInvalid, strings.ToUpper(string(args[i])))
		}
		i++
		return n, nil
	}
	var err error
	for ; i < len(args); i++ {
		switch strings.ToUpper(string(args[i])) {
		case "WITHSCORES":
			a.WithScores = true
		case "WITHATTRIBS":
			a.WithAttrs = true
		case "TRUTH":
			a.Truth = true
		case "NOTHREAD":
		case "COUNT":
			if a.Count, err = num(); err != nil {
				return nil, err
			}
		case "EF":
			if a.EF, err = num(); err != nil {
				return nil, err
			}
		case "FILTER-EF":
			if a.FilterEF, err = num(); err != nil {
				return nil, err
			}
		case "EPSILON":
			i++
		case "FILTER":
			if i+1 >= len(args) {
				return nil, ErrSyntax
			}
			if a.Filter, err = ParseFilter(string(args[i+1])); err != nil {
				return nil, err
			}
			i++
		default:
			return nil, ErrSyntax
		}
	}
	return a, nil
}

// Hit is one VSIM result: the element, its similarity in [0, 1] (1 =
// identical; (1 + cosine) / 2) and its attributes.
type Hit struct {
	Element string
	Score   float64
	Attr    string
}

// Sim runs VSIM.
func (s *Set) Sim(a *SimArgs) ([]Hit, error) {
	q := a.Vec
	if a.Element != "" {
		v, ok := s.Embedding(a.Element)
		if !ok {
			return nil, ErrNoElement
		}
		q = v
	} else {
		var err error
		if q, err = s.project(q); err != nil {
			return nil, err
		}
		if vector.CheckFinite(q) != nil {
			return nil, ErrBadVector
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	ef := a.EF
	if ef == 0 {
		ef = DefaultSearchEF
	}
	opt := vector.SearchOptions{K: a.Count, Ef: max(ef, a.Count), FilterCount: -1}
	if a.Filter != nil {
		opt.Filter = func(id uint32) bool {
			e := s.elems[id]
			return e != nil && a.Filter.Match(e.attrs)
		}
		if a.FilterEF > 0 {
			opt.Ef = max(opt.Ef, a.FilterEF)
		}
	}
	if a.Truth {
		ids := make([]uint32, 0, len(s.elems))
		for id, e := range s.elems {
			if opt.Filter == nil || a.Filter.Match(e.attrs) {
				ids = append(ids, id)
			}
		}
		opt.Candidates = ids
	}
	res, err := s.ix.Search(q, opt)
	if err != nil {
		return nil, err
	}
	out := make([]Hit, 0, len(res))
	for _, r := range res {
		e := s.elems[r.ID]
		if e == nil {
			continue
		}
		out = append(out, Hit{Element: e.name, Score: 1 - float64(r.Dist)/2, Attr: e.json})
	}
	return out, nil
}
