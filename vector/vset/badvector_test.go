package vset

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/vcache/vcache/vector"
)

func words(s string, blobs ...[]byte) [][]byte {
	var out [][]byte
	for _, w := range strings.Fields(s) {
		if w == "BLOB" {
			out, blobs = append(out, blobs[0]), blobs[1:]
			continue
		}
		out = append(out, []byte(w))
	}
	return out
}

// TestBadVectorsRefused: NaN and infinite values, as FP32 blobs or VALUES,
// and REDUCE above the dimension get Redis's "invalid vector
// specification", for VADD and VSIM alike.
func TestBadVectorsRefused(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, c := range []struct {
		args  string
		blobs [][]byte
	}{
		{"FP32 BLOB e", [][]byte{vector.EncodeFloat32([]float32{1, nan})}},
		{"FP32 BLOB e", [][]byte{vector.EncodeFloat32([]float32{inf, 1})}},
		{"FP32 BLOB e", [][]byte{vector.EncodeFloat32([]float32{1, -inf})}},
		{"VALUES 2 1 nan e", nil},
		{"VALUES 2 inf 1 e", nil},
		{"VALUES 2 1 -inf e", nil},
		{"VALUES 2 1 1e39 e", nil},
		{"REDUCE 3 VALUES 2 1 1 e", nil},
		{"REDUCE 3 FP32 BLOB e", [][]byte{vector.EncodeFloat32([]float32{1, 1})}},
	} {
		if _, err := ParseAdd(words(c.args, c.blobs...)); !errors.Is(err, ErrBadVector) {
			t.Errorf("VADD %s: %v", c.args, err)
		}
		if strings.HasPrefix(c.args, "REDUCE") {
			continue
		}
		if _, err := ParseSim(words(strings.TrimSuffix(c.args, " e"), c.blobs...)); !errors.Is(err, ErrBadVector) {
			t.Errorf("VSIM %s: %v", c.args, err)
		}
	}
	if a, err := ParseAdd(words("REDUCE 2 VALUES 2 1 1 e")); err != nil || a.Reduce != 2 {
		t.Fatalf("REDUCE equal to the dimension: %v %v", a, err)
	}
}

// TestAddOverflowStoresNothing: a vector whose projection leaves float32's
// range is refused and the set is unchanged.
func TestAddOverflowStoresNothing(t *testing.T) {
	a, err := ParseAdd(words("REDUCE 2 VALUES 4 1 2 3 4 first"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(a); err != nil {
		t.Fatal(err)
	}
	// The largest float32s, signed as the weights of the first output: its
	// sum overflows float32 when the weights' magnitudes add up past 1.
	big := make([]float32, 4)
	var sum float64
	for i := range big {
		big[i] = math.MaxFloat32
		if s.proj[i*s.dim] < 0 {
			big[i] = -math.MaxFloat32
		}
		sum += float64(big[i]) * float64(s.proj[i*s.dim])
	}
	if sum <= math.MaxFloat32 {
		t.Fatalf("premise: the projection of %v is %g, within float32", big, sum)
	}
	b := &AddArgs{Vec: big, Element: "big", M: a.M, EF: a.EF, Quant: a.Quant}
	if _, err := s.Add(b); !errors.Is(err, ErrBadVector) {
		t.Fatalf("Add of an overflowing vector: %v", err)
	}
	if s.Card() != 1 || s.Has("big") {
		t.Fatalf("Card %d after a refused Add", s.Card())
	}
}

// TestUnmarshalDropsNonFinite: a snapshot element whose norm is NaN (saved
// before VADD refused such vectors) does not come back.
func TestUnmarshalDropsNonFinite(t *testing.T) {
	a, _ := ParseAdd(words("VALUES 2 1 2 good"))
	s, _ := New(a)
	s.Add(a)
	b, _ := ParseAdd(words("VALUES 2 2 1 poisoned"))
	s.Add(b)
	s.elems[s.ids["poisoned"]].norm = float32(math.NaN())
	data, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Card() != 1 || !got.Has("good") || got.Has("poisoned") {
		t.Fatalf("after load: Card %d, good %v, poisoned %v", got.Card(), got.Has("good"), got.Has("poisoned"))
	}
	hits, err := got.Sim(&SimArgs{Vec: []float32{2, 1}, Count: 5})
	if err != nil || len(hits) != 1 || math.IsNaN(hits[0].Score) {
		t.Fatalf("VSIM after load: %v %v", hits, err)
	}
}
