package vector

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

func TestCheckFinite(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, c := range []struct {
		v  []float32
		ok bool
	}{
		{nil, true},
		{[]float32{0, -1, 1e-45, math.MaxFloat32, -math.MaxFloat32}, true},
		{[]float32{1, nan}, false},
		{[]float32{inf, 1}, false},
		{[]float32{1, 2, -inf}, false},
		{[]float32{math.Float32frombits(0x7f800001)}, false}, // a signalling NaN
	} {
		err := CheckFinite(c.v)
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, ErrNotFinite)) {
			t.Errorf("CheckFinite(%v) = %v", c.v, err)
		}
	}
}

// finiteParams are the engines and stored forms a NaN must not reach.
func finiteParams(dim int) map[string]Params {
	q8 := DefaultParams(HNSW, dim, Cosine)
	q8.Quant = QuantInt8
	bin := DefaultParams(HNSW, dim, Cosine)
	bin.Quant = QuantBinary
	ivf := DefaultParams(IVFFLAT, dim, L2)
	ivf.Lists, ivf.Probes = 2, 2
	return map[string]Params{
		"FLAT/L2": DefaultParams(FLAT, dim, L2), "FLAT/IP": DefaultParams(FLAT, dim, IP),
		"HNSW/COSINE": DefaultParams(HNSW, dim, Cosine), "HNSW/L2": DefaultParams(HNSW, dim, L2),
		"HNSW/Q8": q8, "HNSW/BIN": bin, "IVFFLAT/L2": ivf,
	}
}

// TestNonFiniteVectorsRefused: every engine refuses to store or search
// with a vector holding a NaN or an infinity, and keeps what it had.
func TestNonFiniteVectorsRefused(t *testing.T) {
	const dim = 8
	data := clustered(3, 200, dim, 4)
	bad := map[string][]float32{}
	for name, x := range map[string]float32{"nan": float32(math.NaN()), "+inf": float32(math.Inf(1)), "-inf": float32(math.Inf(-1))} {
		v := append([]float32(nil), data[0]...)
		v[5] = x
		bad[name] = v
	}
	for name, p := range finiteParams(dim) {
		t.Run(name, func(t *testing.T) {
			ix := build(t, p, data)
			opt := SearchOptions{K: 3, Ef: 50}
			before, err := ix.Search(data[7], opt)
			if err != nil {
				t.Fatal(err)
			}
			stored, _ := ix.Vector(7)
			for kind, v := range bad {
				if err := ix.Add(1000, v); !errors.Is(err, ErrNotFinite) {
					t.Errorf("Add of a %s vector: %v", kind, err)
				}
				if err := ix.Add(7, v); !errors.Is(err, ErrNotFinite) {
					t.Errorf("replacing id 7 with a %s vector: %v", kind, err)
				}
				if _, err := ix.Search(v, SearchOptions{K: 3}); !errors.Is(err, ErrNotFinite) {
					t.Errorf("Search with a %s vector: %v", kind, err)
				}
			}
			if ix.Len() != len(data) {
				t.Fatalf("Len %d after refused adds, want %d", ix.Len(), len(data))
			}
			after, err := ix.Search(data[7], opt)
			if err != nil || fmt.Sprint(after) != fmt.Sprint(before) {
				t.Fatalf("search after refused replacements: %v %v, before %v", after, err, before)
			}
			if now, ok := ix.Vector(7); !ok || fmt.Sprint(now) != fmt.Sprint(stored) {
				t.Fatalf("id 7 holds %v after refused replacements, had %v", now, stored)
			}
		})
	}
}

// TestExtremeValuesGiveNoNaN: finite vectors near float32's range make
// the fast kernels overflow (Inf - Inf); distances must still order, never
// be NaN.
func TestExtremeValuesGiveNoNaN(t *testing.T) {
	const big = 3e38
	vs := [][]float32{{big, big, big, big}, {-big, -big, big, big}, {big, -big, 1, 0}, {1, 2, 3, 4}}
	for _, m := range []Metric{L2, IP} {
		ix, err := New(DefaultParams(FLAT, 4, m))
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range vs {
			if err := ix.Add(uint32(i), v); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range vs {
			res, err := ix.Search(q, SearchOptions{K: len(vs)})
			if err != nil || len(res) != len(vs) {
				t.Fatalf("%s: %v %v", m, res, err)
			}
			for _, r := range res {
				if math.IsNaN(float64(r.Dist)) {
					t.Fatalf("%s: query %v gives a NaN distance to %v: %v", m, q, vs[r.ID], res)
				}
			}
		}
	}
}
