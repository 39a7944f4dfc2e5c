package resp

import (
	"bytes"
	"fmt"
	"math"
	"testing"
)

// TestTo3MatchesRedis converts replies redis-server 7.0.15 sent in RESP2
// and compares them with what it sent for the same command in RESP3.
func TestTo3MatchesRedis(t *testing.T) {
	for _, c := range []struct {
		cmd         string
		shape       Shape
		resp2, want string
	}{
		{"HGETALL h", AsMap, "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", "%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"},
		{"HGETALL nokey", AsMap, "*0\r\n", "%0\r\n"},
		{"CONFIG GET maxmemory-policy", AsMap, "*2\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n", "%1\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n"},
		{"HRANDFIELD h -2 WITHVALUES", AsPairs, "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n2\r\n", "*2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"},
		{"ZRANGE z 0 -1 WITHSCORES", AsScorePairs, "*6\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$3\r\ninf\r\n",
			"*3\r\n*2\r\n$1\r\na\r\n,0.10000000000000001\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,inf\r\n"},
		{"ZPOPMIN z", AsFlatScores, "*2\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n", "*2\r\n$1\r\na\r\n,0.10000000000000001\r\n"},
		{"ZSCORE z b", AsDouble, "$1\r\n2\r\n", ",2\r\n"},
		{"ZSCORE z nope", AsDouble, "$-1\r\n", "_\r\n"},
		{"BZPOPMIN z 0", AsKeyMemberScore, "*3\r\n$1\r\nz\r\n$1\r\na\r\n$3\r\n1.5\r\n", "*3\r\n$1\r\nz\r\n$1\r\na\r\n,1.5\r\n"},
		{"BZPOPMIN z 1 (timeout)", AsKeyMemberScore, "*-1\r\n", "_\r\n"},
		{"ZADD z 1 a", AsDouble, ":1\r\n", ":1\r\n"},
		{"ZMSCORE z b nope", AsDoubles, "*2\r\n$1\r\n2\r\n$-1\r\n", "*2\r\n,2\r\n_\r\n"},
		{"SMEMBERS s", AsSet, "*1\r\n$1\r\nx\r\n", "~1\r\n$1\r\nx\r\n"},
		{"MGET h nokey", AsIs, "*2\r\n$-1\r\n$-1\r\n", "*2\r\n_\r\n_\r\n"},
		{"GET nokey", AsIs, "$-1\r\n", "_\r\n"},
		{"HGETALL wrongtype", AsMap, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{"CLIENT INFO", AsVerbatim, "$6\r\nid=3 \n\r\n", "=10\r\ntxt:id=3 \n\r\n"},
		{"EXEC (WATCH failed)", AsIs, "*-1\r\n", "_\r\n"},
		{"ZMPOP 1 z MAX COUNT 5", AsKeyScorePairs, "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nc\r\n$3\r\ninf\r\n*2\r\n$1\r\nb\r\n$19\r\n0.10000000000000001\r\n",
			"*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nc\r\n,inf\r\n*2\r\n$1\r\nb\r\n,0.10000000000000001\r\n"},
		{"ZMPOP 1 nokey MIN", AsKeyScorePairs, "*-1\r\n", "_\r\n"},
		{"ZPOPMIN z 1", AsScorePairs, "*2\r\n$1\r\na\r\n$1\r\n1\r\n", "*1\r\n*2\r\n$1\r\na\r\n,1\r\n"},
		{"ZPOPMIN nokey", AsFlatScores, "*0\r\n", "*0\r\n"},
	} {
		got := To3(nil, []byte(c.resp2), c.shape)
		if string(got) != c.want {
			t.Errorf("%s: To3(%q) = %q, want %q", c.cmd, c.resp2, got, c.want)
		}
		if again := To3(nil, got, c.shape); !bytes.Equal(again, got) {
			t.Errorf("%s: converting twice gives %q, want %q", c.cmd, again, got)
		}
	}
}

func TestTo3Elems(t *testing.T) {
	exec := "*3\r\n$-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\n2\r\n"
	want := "*3\r\n_\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n,2\r\n"
	if got := To3Elems(nil, []byte(exec), []Shape{AsIs, AsMap, AsDouble}); string(got) != want {
		t.Errorf("To3Elems = %q, want %q", got, want)
	}
	for in, want := range map[string]string{"*-1\r\n": "_\r\n", "-EXECABORT x\r\n": "-EXECABORT x\r\n", "*1\r\n$-1\r\n": "*1\r\n_\r\n", "*3\r\n:1\r\n": "*3\r\n:1\r\n"} {
		if got := To3Elems(nil, []byte(in), []Shape{AsMap, AsMap, AsMap}); string(got) != want {
			t.Errorf("To3Elems(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTo3KeepsBadInput(t *testing.T) {
	for _, in := range []string{"", "*", "*2\r\n$1\r\na\r\n", "$5\r\nab\r\n", "*1\r\n$-1\r\n:1\r\n", "?x\r\n", "$1\r\n\n\r\n", "*-2\r\n"} {
		if got := To3([]byte("keep"), []byte(in), AsMap); string(got) != "keep"+in {
			t.Errorf("To3(%q) = %q, want the input unchanged", in, got)
		}
	}
}

func TestAppendDouble(t *testing.T) {
	for _, c := range []struct {
		f    float64
		want string
	}{
		{0.1, ",0.10000000000000001\r\n"}, {2, ",2\r\n"}, {-1.5, ",-1.5\r\n"}, {1e20, ",1e+20\r\n"},
		{math.Inf(1), ",inf\r\n"}, {math.Inf(-1), ",-inf\r\n"}, {math.NaN(), ",nan\r\n"},
	} {
		if got := string(AppendDouble(nil, c.f)); got != c.want {
			t.Errorf("AppendDouble(%v) = %q, want %q", c.f, got, c.want)
		}
	}
	if got := string(AppendVerbatim(nil, "a\r\nb")); got != "=8\r\ntxt:a\r\nb\r\n" {
		t.Errorf("AppendVerbatim = %q", got)
	}
}

func TestLen3(t *testing.T) {
	hello := "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:3\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"
	for in, want := range map[string]int{
		hello: len(hello), hello[:len(hello)-1]: 0, "_\r\n+x": 3, "#t\r\n": 4, "#x\r\n": -1,
		"=8\r\ntxt:a\r\nb\r\n": 14, "~2\r\n,1.5\r\n": 0, "*-1\r\n": 5, "$2\r\nabc\r\n": -1, "?\r\n": -1,
	} {
		if got := Len3([]byte(in)); got != want {
			t.Errorf("Len3(%q) = %d, want %d", in, got, want)
		}
	}
}

// FuzzTo3 checks that To3 never panics, that a well-formed RESP2 reply
// becomes exactly one well-formed RESP3 reply whatever the shape, and that
// converting twice changes nothing more.
func FuzzTo3(f *testing.F) {
	for _, s := range []string{
		"*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$-1\r\n", "$-1\r\n", "*-1\r\n", "$3\r\n1.5\r\n",
		"*2\r\n*-1\r\n*1\r\n$0\r\n\r\n", "-ERR x\r\n", ":7\r\n", "%1\r\n+a\r\n_\r\n",
	} {
		f.Add([]byte(s), uint8(AsMap))
	}
	f.Add([]byte("*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$3\r\ninf\r\n"), uint8(AsKeyScorePairs))
	f.Add([]byte("*3\r\n:1\r\n$1\r\nd\r\n*2\r\n$1\r\nt\r\n$-1\r\n"), uint8(0))
	f.Add([]byte("*4\r\n:1\r\n$1\r\nd\r\n$1\r\n2\r\n*0\r\n"), uint8(1))
	f.Add([]byte("*2\r\n*2\r\n:5\r\n*2\r\n$1\r\nt\r\n$1\r\nx\r\n:9\r\n"), uint8(3))
	f.Add([]byte("*2\r\n+attributes\r\n*1\r\n*5\r\n+identifier\r\n+t\r\n+WEIGHT\r\n$1\r\n1\r\n+SORTABLE\r\n"), uint8(0))
	f.Add([]byte("*1\r\n*5\r\n+TIMEOUT\r\n+Description\r\n+x\r\n+Value\r\n$-1\r\n"), uint8(0))
	shapes := []Shape{AsFTSearch, AsFTSearchScores, AsFTAggregate, AsFTCursor}
	for s := range numShapes {
		shapes = append(shapes, s)
	}
	for s := AsStreams; s <= lastTree; s++ {
		shapes = append(shapes, s)
	}
	f.Fuzz(func(t *testing.T, in []byte, sh uint8) {
		shape := shapes[int(sh)%len(shapes)]
		out := To3(nil, in, shape)
		if _, n, err := Parse(in); err != nil || n != len(in) {
			return
		}
		if n, ok := skip3(out, 0); !ok || n != len(out) {
			t.Fatalf("To3(%q, %d) = %q: not one RESP3 reply", in, shape, out)
		}
		if again := To3(nil, out, shape); !bytes.Equal(again, out) {
			t.Fatalf("To3 twice (%q, %d): %q then %q", in, shape, out, again)
		}
	})
}

// skip3 checks that b starts with one complete RESP3 reply and returns its
// length.
func skip3(b []byte, _ int) (int, bool) {
	n := Len3(b)
	return n, n > 0
}

// BenchmarkTo3 measures converting a 10-field HGETALL reply to a map (and
// only its nulls), against copying it as a RESP2 client gets it.
func BenchmarkTo3(b *testing.B) {
	src := AppendArray(nil, 20)
	for i := range 20 {
		src = AppendBulk(src, "field-or-value-"+string(rune('a'+i)))
	}
	dst := make([]byte, 0, 2*len(src))
	b.Run("copy", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			dst = append(dst[:0], src...)
		}
	})
	b.Run("asis", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			dst = To3(dst[:0], src, AsIs)
		}
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			dst = To3(dst[:0], src, AsMap)
		}
	})
}

// TestFTShapes checks RediSearch's RESP3 forms built from the RESP2
// replies of FT.SEARCH, FT.AGGREGATE and FT.CURSOR READ (their names
// simple strings, as RediSearch writes them).
func TestFTShapes(t *testing.T) {
	head := "%5\r\n+attributes\r\n*0\r\n+format\r\n+STRING\r\n+results\r\n"
	tail := func(n int) string {
		return fmt.Sprintf("+total_results\r\n:%d\r\n+warning\r\n*0\r\n", n)
	}
	vals := "+values\r\n*0\r\n"
	for _, c := range []struct {
		name  string
		in    string
		shape Shape
		want  string
	}{
		{"search", "*3\r\n:7\r\n$2\r\nd1\r\n*2\r\n$1\r\nt\r\n$2\r\nhi\r\n", AsFTSearch,
			head + "*1\r\n%3\r\n+id\r\n$2\r\nd1\r\n+extra_attributes\r\n%1\r\n$1\r\nt\r\n$2\r\nhi\r\n" + vals + tail(7)},
		{"nocontent", "*3\r\n:2\r\n$2\r\nd1\r\n$2\r\nd2\r\n", AsFTSearch,
			head + "*2\r\n%2\r\n+id\r\n$2\r\nd1\r\n" + vals + "%2\r\n+id\r\n$2\r\nd2\r\n" + vals + tail(2)},
		{"scores", "*4\r\n:1\r\n$2\r\nd1\r\n$3\r\n0.5\r\n*0\r\n", AsFTSearchScores,
			head + "*1\r\n%4\r\n+id\r\n$2\r\nd1\r\n+score\r\n,0.5\r\n+extra_attributes\r\n%0\r\n" + vals + tail(1)},
		{"empty", "*1\r\n:0\r\n", AsFTSearch, head + "*0\r\n" + tail(0)},
		{"aggregate", "*2\r\n:3\r\n*2\r\n$1\r\nn\r\n$-1\r\n", AsFTAggregate,
			head + "*1\r\n%2\r\n+extra_attributes\r\n%1\r\n$1\r\nn\r\n_\r\n" + vals + tail(3)},
		{"cursor", "*2\r\n*1\r\n:0\r\n:42\r\n", AsFTCursor, "*2\r\n" + head + "*0\r\n" + tail(0) + ":42\r\n"},
		{"error", "-Unknown index name\r\n", AsFTSearch, "-Unknown index name\r\n"},
		{"not the form", "*2\r\n$1\r\na\r\n$-1\r\n", AsFTSearch, "*2\r\n$1\r\na\r\n_\r\n"},
	} {
		if got := string(To3(nil, []byte(c.in), c.shape)); got != c.want {
			t.Errorf("%s: To3(%q) =\n%q\nwant\n%q", c.name, c.in, got, c.want)
		}
	}
}
