package script

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// sameToNumber reports whether the fast tonumber and gopher-lua's give
// the same value for the string s (and base, if given).
func sameToNumber(t testing.TB, s string, base ...int) {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	orig := L.GetGlobal("tonumber").(*lua.LFunction)
	L.SetGlobal("fast", L.NewFunction(fastToNumber(orig.GFunction)))
	L.SetGlobal("x", lua.LString(s))
	call := "(x)"
	if len(base) > 0 {
		L.SetGlobal("b", lua.LNumber(base[0]))
		call = "(x, b)"
	}
	if err := L.DoString("f, o = fast" + call + ", tonumber" + call); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	f, o := L.GetGlobal("f"), L.GetGlobal("o")
	if f.Type() != o.Type() || f.String() != o.String() {
		t.Fatalf("tonumber(%q%v): fast %v (%s), tonumber %v (%s)", s, base, f, f.Type(), o, o.Type())
	}
}

func TestFastToNumberAgrees(t *testing.T) {
	for _, s := range []string{"0", "1", "-1", "007", "-007", "1000000", "999999999999999", "-999999999999999",
		"1000000000000000", "99999999999999999999", "", "-", "--1", "+1", " 1", "1 ", "1.5", "1e3", "0x10", "12a", "a",
		"\x001", "1\x00", "-0"} {
		sameToNumber(t, s)
	}
	sameToNumber(t, "11", 2)
	sameToNumber(t, "ff", 16)
	sameToNumber(t, "12", 10)
}

func FuzzFastToNumber(f *testing.F) {
	for _, s := range []string{"0", "-12", "1.5", "0x1f", " 3 ", "1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { sameToNumber(t, s) })
}
