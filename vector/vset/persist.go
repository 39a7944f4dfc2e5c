package vset

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/vcache/vcache/vector"
)

// MarshalBinary encodes the set (its graph included) for snapshots.
func (s *Set) MarshalBinary() ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var b bytes.Buffer
	hdr := []int64{int64(s.dim), int64(s.inDim), int64(s.m), int64(s.ef), int64(s.nextID), int64(len(s.proj)), int64(len(s.elems))}
	binary.Write(&b, binary.LittleEndian, hdr)
	binary.Write(&b, binary.LittleEndian, s.proj)
	writeStr(&b, s.quant.String())
	ids := make([]uint32, 0, len(s.elems))
	for id := range s.elems {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		e := s.elems[id]
		binary.Write(&b, binary.LittleEndian, id)
		binary.Write(&b, binary.LittleEndian, e.norm)
		writeStr(&b, e.name)
		writeStr(&b, e.json)
	}
	if _, err := s.ix.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeStr(b *bytes.Buffer, s string) {
	binary.Write(b, binary.LittleEndian, uint32(len(s)))
	b.WriteString(s)
}

func readStr(r *bytes.Reader) (string, error) {
	var n uint32
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return "", err
	}
	if int(n) > r.Len() {
		return "", io.ErrUnexpectedEOF
	}
	b := make([]byte, n)
	_, err := io.ReadFull(r, b)
	return string(b), err
}

// quantizer converts an index's float32 vectors to codes.
type quantizer interface {
	Quantize(q vector.Quant) error
}

// Unmarshal decodes a set written by MarshalBinary. The layout is
// unchanged since before vcache quantised (the set recorded its
// quantisation, the index's own format carries the stored form and its
// version), so no version byte is needed here: an older snapshot is
// recognised by its float32 index and converted.
func Unmarshal(data []byte) (*Set, error) {
	r := bytes.NewReader(data)
	hdr := make([]int64, 7)
	if err := binary.Read(r, binary.LittleEndian, hdr); err != nil {
		return nil, err
	}
	for _, h := range hdr {
		if h < 0 || h > int64(len(data))*8+1<<20 {
			return nil, errors.New("corrupt vector set")
		}
	}
	s := &Set{dim: int(hdr[0]), inDim: int(hdr[1]), m: int(hdr[2]), ef: int(hdr[3]), nextID: uint32(hdr[4]),
		ids: map[string]uint32{}, elems: map[uint32]*elem{}}
	if hdr[5] > int64(r.Len()/4) || hdr[6] > int64(r.Len()) {
		return nil, errors.New("corrupt vector set")
	}
	if hdr[5] > 0 {
		s.proj = make([]float32, hdr[5])
		if err := binary.Read(r, binary.LittleEndian, s.proj); err != nil {
			return nil, err
		}
	}
	quant, err := readStr(r)
	if err != nil {
		return nil, err
	}
	if s.quant, err = vector.ParseQuant(quant); err != nil {
		return nil, fmt.Errorf("corrupt vector set: %w", err)
	}
	for i := int64(0); i < hdr[6]; i++ {
		var id uint32
		e := &elem{}
		if err := binary.Read(r, binary.LittleEndian, &id); err != nil {
			return nil, err
		}
		if err := binary.Read(r, binary.LittleEndian, &e.norm); err != nil {
			return nil, err
		}
		if e.name, err = readStr(r); err != nil {
			return nil, err
		}
		if e.json, err = readStr(r); err != nil {
			return nil, err
		}
		if e.attrs, err = parseAttrs(e.json); err != nil {
			return nil, err
		}
		s.ids[e.name] = id
		s.elems[id] = e
		s.elemSize += elemBytes(e)
	}
	s.most = len(s.ids)
	if s.ix, err = vector.ReadIndex(r); err != nil {
		return nil, err
	}
	if s.ix.Params().Dim != s.dim {
		return nil, errors.New("corrupt vector set: dimension")
	}
	if got := s.ix.Params().Quant; got != s.quant {
		// Snapshots written before vcache quantised hold float32 graphs
		// (the set's quantisation was recorded, not applied): code the
		// vectors now, keeping the graph, so the set is what VADD asked.
		q, ok := s.ix.(quantizer)
		if got != vector.QuantNone || !ok {
			return nil, fmt.Errorf("corrupt vector set: %s set holds %s vectors", s.quant, got)
		}
		if err := q.Quantize(s.quant); err != nil {
			return nil, err
		}
	}
	s.dropNonFinite()
	return s, nil
}

// dropNonFinite removes the elements whose vector or norm has a NaN or an
// infinity (a snapshot written before VADD refused them): they would score
// NaN against every query.
func (s *Set) dropNonFinite() {
	for name, id := range s.ids {
		e := s.elems[id]
		v, ok := s.ix.Vector(id)
		if ok && !math.IsNaN(float64(e.norm)) && vector.CheckFinite(v) == nil {
			continue
		}
		s.elemSize -= elemBytes(e)
		delete(s.ids, name)
		delete(s.elems, id)
		s.ix.Remove(id)
	}
}
