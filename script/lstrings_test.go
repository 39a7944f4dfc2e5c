package script

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// scribble collects garbage and fills the memory freed with other bytes.
func scribble() {
	runtime.GC()
	var junk [][]byte
	for i := range 20000 {
		b := make([]byte, 1+i%64)
		for j := range b {
			b[j] = 'Z'
		}
		junk = append(junk, b)
	}
	runtime.KeepAlive(junk)
}

// TestSetStringsSurviveCollection: the Lua strings setStrings makes in
// one block read back as the bytes they were made of, as values, as
// strings taken out of them and as table keys, after the block's other
// values are gone and collections have reused the memory around it.
func TestSetStringsSurviveCollection(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	keys := L.NewTable()
	var kept []lua.LValue
	var strs []string
	var want []string
	for round := range 200 {
		vals := [][]byte{[]byte(fmt.Sprintf("key:%d", round)), nil, []byte(strings.Repeat("x", round%40)), []byte(fmt.Sprintf("€%d", round))}
		src := make([][]byte, len(vals))
		for i, v := range vals {
			src[i] = append([]byte(nil), v...)
		}
		setStrings(src, func(i int, v lua.LValue) {
			switch i {
			case 0:
				kept = append(kept, v) // the block's other values are dropped
				want = append(want, string(vals[0]))
			case 3:
				keys.RawSet(v, lua.LNumber(round))
			}
			if i == 2 {
				strs = append(strs, string(v.(lua.LString)))
			}
			if got := v.(lua.LString); string(got) != string(vals[i]) {
				t.Fatalf("round %d value %d = %q, want %q", round, i, got, vals[i])
			}
		})
		for i := range src {
			clear(src[i]) // the values are copies
		}
		if round%20 == 0 {
			scribble()
		}
	}
	scribble()
	for i, v := range kept {
		s, ok := v.(lua.LString)
		if !ok || string(s) != want[i] || v.Type() != lua.LTString || v.String() != want[i] {
			t.Fatalf("value %d = %#v, want %q", i, v, want[i])
		}
		if n := keys.RawGetString(fmt.Sprintf("€%d", i)); n != lua.LNumber(i) {
			t.Fatalf("table key €%d -> %v", i, n)
		}
		if strs[i] != strings.Repeat("x", i%40) {
			t.Fatalf("string %d = %q", i, strs[i])
		}
	}
}
