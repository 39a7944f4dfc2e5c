package vset

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestFilterExpressions(t *testing.T) {
	attrs := map[string]any{"year": 1984.0, "genre": "drama", "tags": []any{"a"}, "ok": true, "title": "the matrix"}
	for _, c := range []struct {
		expr string
		want bool
	}{
		{".year > 1950", true},
		{".year > 1950 and .genre == \"drama\"", true},
		{".year > 1990 or .genre == 'drama'", true},
		{"not .ok", false},
		{"!(.year < 1900)", true},
		{".year % 100 == 84", true},
		{"(.year - 1900) * 2 ** 2 == 336", true},
		{".genre in [\"comedy\", \"drama\"]", true},
		{"\"matrix\" in .title", true},
		{".missing == 1", false},
		{".genre > 5", false},
		{".year >= 1984 && .year <= 1984", true},
		{"-.year < 0", true},
	} {
		e, err := ParseFilter(c.expr)
		if err != nil {
			t.Errorf("%q: %v", c.expr, err)
			continue
		}
		if got := e.Match(attrs); got != c.want {
			t.Errorf("%q = %v, want %v", c.expr, got, c.want)
		}
	}
	for _, bad := range []string{".year >", "(.a", "1 +", "[1, 2", ".a == \"x", "and", ""} {
		if _, err := ParseFilter(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestFilteredSimReturnsCount(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var s *Set
	for i := 0; i < 3000; i++ {
		v := make([]float32, 16)
		for j := range v {
			v[j] = r.Float32() - 0.5
		}
		attr := fmt.Sprintf(`{"n": %d}`, i)
		a := &AddArgs{Vec: v, Element: fmt.Sprintf("e%d", i), Attr: &attr, M: 16, EF: 100}
		if s == nil {
			s, _ = New(a)
		}
		if _, err := s.Add(a); err != nil {
			t.Fatal(err)
		}
	}
	f, _ := ParseFilter(".n % 100 == 3") // 1% of the elements
	hits, err := s.Sim(&SimArgs{Element: "e0", Count: 10, Filter: f})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 10 {
		t.Fatalf("filtered VSIM returned %d, want 10", len(hits))
	}
	data, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := back.Sim(&SimArgs{Element: "e0", Count: 10, Filter: f})
	if fmt.Sprint(again) != fmt.Sprint(hits) {
		t.Fatalf("after a marshal round trip:\n%v\n%v", again, hits)
	}
	if _, err := Unmarshal(data[:len(data)/2]); err == nil {
		t.Fatal("a truncated set decoded")
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{".year > 1950 and .genre == \"x\"", "not (.a in [1, 2, 'x'])", ".a ** 2 % 3 >= -1 || !.b", "((((", "\"a\" in .s"} {
		f.Add(s)
	}
	attrs := map[string]any{"year": 2000.0, "genre": "x", "a": 1.0, "b": true, "s": "abc"}
	f.Fuzz(func(t *testing.T, s string) {
		if e, err := ParseFilter(s); err == nil {
			e.Match(attrs)
		}
	})
}
