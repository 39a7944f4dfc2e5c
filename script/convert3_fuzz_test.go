package script

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// FuzzRESP3Conversion builds a command reply of every kind (RESP3's map,
// set, double, big number, boolean, verbatim string and null among them)
// from the input, converts it to Lua as redis.call does and back as a
// script's return value is converted: the reply that comes back is the
// one Redis's rules give (maps and sets keep their members, RESP3's null
// ends an array, false is a null in RESP2 and a boolean in RESP3).
func FuzzRESP3Conversion(f *testing.F) {
	for _, s := range []string{"", "\x07\x02a\x01b\x05", "\x08\x03abc", "\x09\x40", "\x0a12\r\n3", "\x0b\x01",
		"\x0c\x01x", "\x06\x03\x0d\x01", "\x07\x01k\x09\x01", "\x00", "\x01", "\x02ok", "\x03ERR x"} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	e := New()
	defer e.Close()
	f.Fuzz(func(t *testing.T, data []byte, resp3 bool) {
		g := &replyGen{data: data}
		r := g.reply(0)
		got := toReply(toLua(e.L, r), 0, resp3)
		want := expectRoundTrip(r, resp3)
		if canon(got) != canon(want) {
			t.Fatalf("reply %s came back as %s, want %s", canon(r), canon(got), canon(want))
		}
	})
}

// replyGen reads a reply tree from fuzz input.
type replyGen struct{ data []byte }

func (g *replyGen) byte() byte {
	if len(g.data) == 0 {
		return 0
	}
	b := g.data[0]
	g.data = g.data[1:]
	return b
}

func (g *replyGen) str() string {
	n := int(g.byte() % 8)
	n = min(n, len(g.data))
	s := string(g.data[:n])
	g.data = g.data[n:]
	return s
}

func (g *replyGen) reply(depth int) Reply {
	k := Kind(g.byte() % (uint8(lastKind) + 1))
	if depth > 4 && (k == Array || k == Map || k == Set) {
		k = Bulk
	}
	switch k {
	case Status, Error, Bulk, BigNumber:
		return Reply{Kind: k, Str: g.str()}
	case Int:
		return Reply{Kind: Int, Int: int64(int32(uint32(g.byte())<<24 | uint32(g.byte())))}
	case Double:
		f := float64(int8(g.byte())) / 4
		switch g.byte() % 8 {
		case 1:
			f = math.Inf(1)
		case 2:
			f = math.NaN()
		}
		return Reply{Kind: Double, Float: f}
	case Bool:
		return Reply{Kind: Bool, Int: int64(g.byte() % 2)}
	case Verbatim:
		return Reply{Kind: Verbatim, Format: "txt", Str: g.str()}
	case Array:
		r := Reply{Kind: Array, Elems: []Reply{}}
		for range g.byte() % 4 {
			r.Elems = append(r.Elems, g.reply(depth+1))
		}
		return r
	case Map:
		r := Reply{Kind: Map, Elems: []Reply{}}
		for range g.byte() % 4 {
			r.Elems = append(r.Elems, Reply{Kind: Bulk, Str: g.str()}, g.reply(depth+1))
		}
		return r
	case Set:
		r := Reply{Kind: Set, Elems: []Reply{}}
		for range g.byte() % 4 {
			r.Elems = append(r.Elems, Reply{Kind: Bulk, Str: g.str()})
		}
		return r
	}
	return Reply{Kind: k}
}

// expectRoundTrip is what r becomes through Lua and back.
func expectRoundTrip(r Reply, resp3 bool) Reply {
	switch r.Kind {
	case Nil, NilArray:
		if resp3 {
			return Reply{Kind: Bool}
		}
		return Reply{Kind: Nil}
	case Null:
		return Reply{Kind: Nil}
	case Status, Error, BigNumber:
		return Reply{Kind: r.Kind, Str: oneLine(r.Str)}
	case Bool:
		switch {
		case resp3:
			return r
		case r.Int != 0:
			return Reply{Kind: Int, Int: 1}
		}
		return Reply{Kind: Nil}
	case Array:
		out := Reply{Kind: Array}
		for _, e := range r.Elems {
			if e.Kind == Null {
				break
			}
			out.Elems = append(out.Elems, expectRoundTrip(e, resp3))
		}
		return out
	case Map:
		last := map[string]Reply{}
		for i := 0; i+1 < len(r.Elems); i += 2 {
			if r.Elems[i+1].Kind == Null {
				delete(last, r.Elems[i].Str) // a nil value removes the key
				continue
			}
			last[r.Elems[i].Str] = r.Elems[i+1]
		}
		out := Reply{Kind: Map}
		for k, v := range last {
			out.Elems = append(out.Elems, Reply{Kind: Bulk, Str: k}, expectRoundTrip(v, resp3))
		}
		return out
	case Set:
		seen := map[string]bool{}
		out := Reply{Kind: Set}
		for _, e := range r.Elems {
			if !seen[e.Str] {
				seen[e.Str] = true
				out.Elems = append(out.Elems, e)
			}
		}
		return out
	}
	return r
}

// canon renders r with map pairs and set members sorted.
func canon(r Reply) string {
	switch r.Kind {
	case Array, Map, Set:
		var parts []string
		step := 1
		if r.Kind == Map {
			step = 2
		}
		for i := 0; i+step <= len(r.Elems); i += step {
			p := canon(r.Elems[i])
			if step == 2 {
				p += "=>" + canon(r.Elems[i+1])
			}
			parts = append(parts, p)
		}
		if r.Kind != Array {
			slices.Sort(parts)
		}
		return fmt.Sprintf("%d[%s]", r.Kind, strings.Join(parts, ","))
	case Double:
		return fmt.Sprintf("%d(%v)", r.Kind, r.Float)
	}
	return fmt.Sprintf("%d(%q,%d,%q)", r.Kind, r.Str, r.Int, r.Format)
}
