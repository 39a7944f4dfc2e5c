package command

import (
	"reflect"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/resp"
)

func TestKeyIndexes(t *testing.T) {
	tab := NewTable(Specs())
	cases := []struct {
		line []string
		want []int
	}{
		{[]string{"GET", "a"}, []int{1}},
		{[]string{"mset", "a", "1", "b", "2"}, []int{1, 3}},
		{[]string{"MGET", "a", "b", "c"}, []int{1, 2, 3}},
		{[]string{"rename", "a", "b"}, []int{1, 2}},
		{[]string{"ping"}, nil},
		{[]string{"FT.SEARCH", "idx", "*"}, nil},
		{[]string{"hset", "h", "f", "v"}, []int{1}},
		{[]string{"XREAD", "COUNT", "2", "STREAMS", "a", "b", "0", "0"}, []int{4, 5}},
		{[]string{"xread", "streams", "a", "$"}, []int{2}},
		{[]string{"xread", "streams", "a", "b", "0"}, nil},
		{[]string{"xread", "count", "1"}, nil},
		{[]string{"xreadgroup", "GROUP", "streams", "c", "streams", "k", ">"}, []int{5}},
		{[]string{"xadd", "s", "*", "f", "v"}, []int{1}},
	}
	for _, c := range cases {
		args := make([][]byte, len(c.line))
		for i, s := range c.line {
			args[i] = []byte(s)
		}
		spec := tab.Lookup(args[0])
		if spec == nil {
			t.Fatalf("%s: not in table", c.line[0])
		}
		if got := spec.KeyIndexes(args); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v: keys at %v, want %v", c.line, got, c.want)
		}
	}
}

func TestArity(t *testing.T) {
	tab := NewTable(Specs())
	get := tab.Lookup([]byte("get"))
	if get.ArityOK(1) || !get.ArityOK(2) || get.ArityOK(3) {
		t.Error("GET arity 2 must accept exactly 2 words")
	}
	set := tab.Lookup([]byte("SET"))
	if set.ArityOK(2) || !set.ArityOK(3) || !set.ArityOK(9) {
		t.Error("SET arity -3 must accept 3 or more words")
	}
}

func TestSpecsAreConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Specs() {
		if seen[s.Name] {
			t.Errorf("%s listed twice", s.Name)
		}
		seen[s.Name] = true
		if s.Arity == 0 {
			t.Errorf("%s: arity 0", s.Name)
		}
		if s.Has(Keyless) != (s.FirstKey == 0 && !s.Movable()) {
			t.Errorf("%s: Keyless flag disagrees with key positions", s.Name)
		}
		if s.Has(Write) && s.Has(Readonly) {
			t.Errorf("%s: both write and readonly", s.Name)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	tab := NewTable(Specs())
	name := []byte("GET")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if tab.Lookup(name) == nil {
			b.Fatal("missing")
		}
	}
}

func TestEqualFold(t *testing.T) {
	for _, c := range []struct {
		b, name string
		want    bool
	}{{"GET", "get", true}, {"gEt", "get", true}, {"get", "get", true}, {"GETS", "get", false}, {"GE", "get", false}, {"GeT\x00", "get\x00", true}, {"[ET", "{et", false}} {
		if got := EqualFold([]byte(c.b), c.name); got != c.want {
			t.Errorf("EqualFold(%q, %q) = %v", c.b, c.name, got)
		}
	}
}

func TestShape3(t *testing.T) {
	tab := NewTable(Specs())
	for _, c := range []struct {
		line []string
		want resp.Shape
	}{
		{[]string{"HGETALL", "h"}, resp.AsMap},
		{[]string{"GET", "k"}, resp.AsIs},
		{[]string{"HRANDFIELD", "h", "2"}, resp.AsIs},
		{[]string{"HRANDFIELD", "h", "2", "WithValues"}, resp.AsPairs},
		{[]string{"CONFIG", "get", "maxmemory"}, resp.AsMap},
		{[]string{"CONFIG", "SET", "maxmemory", "1"}, resp.AsIs},
		{[]string{"CLIENT", "LIST"}, resp.AsVerbatim},
		{[]string{"INFO"}, resp.AsVerbatim},
		{[]string{"SMEMBERS", "s"}, resp.AsSet},
		{[]string{"ZSCORE", "z", "m"}, resp.AsDouble},
		{[]string{"ZRANGE", "z", "0", "-1", "withscores"}, resp.AsScorePairs},
		{[]string{"ZRANGE", "z", "0", "-1"}, resp.AsIs},
		{[]string{"ZUNION", "2", "a", "b", "WITHSCORES"}, resp.AsScorePairs},
		{[]string{"ZUNION", "1", "withscores"}, resp.AsIs}, // a key of that name
		{[]string{"ZINTER", "x", "withscores"}, resp.AsIs},
		{[]string{"ZPOPMIN", "z"}, resp.AsFlatScores},
		{[]string{"ZPOPMAX", "z", "1"}, resp.AsScorePairs},
		{[]string{"ZMPOP", "1", "z", "MIN"}, resp.AsKeyScorePairs},
	} {
		if got := tab.Lookup([]byte(c.line[0])).Shape3(args(c.line...)); got != c.want {
			t.Errorf("Shape3(%q) = %d, want %d", c.line, got, c.want)
		}
	}
}

// TestSubError checks the errors Redis 7.0 gives a CLIENT line before
// running it (or queueing it in MULTI): an unknown subcommand, clipped to
// 128 bytes as Redis quotes it, or the wrong number of arguments for one.
func TestSubError(t *testing.T) {
	client := NewTable(Specs()).Lookup([]byte("client"))
	words := func(s ...string) [][]byte {
		var out [][]byte
		for _, w := range s {
			out = append(out, []byte(w))
		}
		return out
	}
	long := strings.Repeat("x", 200)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"client", "pause"}, "ERR wrong number of arguments for 'client|pause' command"},
		{[]string{"CLIENT", "PAUSE", "10"}, ""},
		{[]string{"client", "Pause", "10", "write", "x"}, ""}, // PAUSE's own error, as it runs
		{[]string{"client", "id", "x"}, "ERR wrong number of arguments for 'client|id' command"},
		{[]string{"client", "unpause"}, ""},
		{[]string{"client", "kill", "1.2.3.4:5"}, ""},
		{[]string{"client", "kill"}, "ERR wrong number of arguments for 'client|kill' command"},
		{[]string{"client", "nosuch"}, "ERR unknown subcommand 'nosuch'. Try CLIENT HELP."},
		{[]string{"client", long}, "ERR unknown subcommand '" + long[:128] + "'. Try CLIENT HELP."},
		{[]string{"client"}, ""}, // the command's own arity answers it
	} {
		if got := client.SubError(words(tc.args...)); got != tc.want {
			t.Errorf("SubError(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
	if got := NewTable(Specs()).Lookup([]byte("get")).SubError(words("get", "k")); got != "" {
		t.Errorf("SubError of a command without SubArity: %q", got)
	}
}
