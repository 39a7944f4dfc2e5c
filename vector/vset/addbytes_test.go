package vset

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestAddBytesIsTheRise: AddBytes says, before each VADD, at least how
// much MemoryBytes rises: a new set's first element (the graph's first
// 64 nodes), each growth of the graph, an element added again.
func TestAddBytesIsTheRise(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	add := func(i int) *AddArgs {
		v := make([]float32, 32)
		for j := range v {
			v[j] = r.Float32()
		}
		return &AddArgs{Vec: v, Element: fmt.Sprintf("e%d", i), M: 16, EF: 200}
	}
	a := add(0)
	s, err := New(a)
	if err != nil {
		t.Fatal(err)
	}
	first := s.MemoryBytes() + s.AddBytes(a)
	if _, err := s.Add(a); err != nil {
		t.Fatal(err)
	}
	if got := s.MemoryBytes(); first < got || got < 20000 {
		t.Fatalf("a new set of one element: MemoryBytes %d, announced %d", got, first)
	}
	grew := 0
	for i := 1; i < 300; i++ {
		a := add(i)
		before, g := s.MemoryBytes(), s.AddBytes(a)
		if _, err := s.Add(a); err != nil {
			t.Fatal(err)
		}
		rise := s.MemoryBytes() - before
		if rise > g {
			t.Fatalf("element %d: MemoryBytes rose %d, AddBytes said %d", i, rise, g)
		}
		if rise > 4096 {
			grew++
		}
	}
	if grew < 2 {
		t.Fatalf("the graph grew %d times over 300 elements", grew)
	}
	again := add(5)
	if g := s.AddBytes(again); g != 0 {
		t.Fatalf("an element already in the set: AddBytes %d", g)
	}
}
