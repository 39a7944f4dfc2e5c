package resp

import "testing"

// TestFTExpandValues: FORMAT EXPAND turns a field's JSON text into RESP3
// as RediSearch 2.8 does (integral numbers as integers, booleans as 1 or
// 0, objects as maps in their order); a value that is not one JSON value
// stays a bulk string, and the format is named EXPAND.
func TestFTExpandValues(t *testing.T) {
	src := AppendArray(nil, 3)
	src = AppendInt(src, 1)
	src = AppendBulk(src, "k")
	src = AppendArray(src, 4)
	src = AppendBulk(src, "a")
	src = AppendBulk(src, `[{"z":1.0,"b":[true,false,null,"s",2.5,1e20]}]`)
	src = AppendBulk(src, "raw")
	src = AppendBulk(src, "not json {")
	got := string(To3(nil, src, FTExpandShape(AsFTSearch)))
	want := "%5\r\n+attributes\r\n*0\r\n+format\r\n+EXPAND\r\n+results\r\n*1\r\n" +
		"%3\r\n+id\r\n$1\r\nk\r\n+extra_attributes\r\n%2\r\n" +
		"$1\r\na\r\n*1\r\n%2\r\n$1\r\nz\r\n:1\r\n$1\r\nb\r\n*6\r\n:1\r\n:0\r\n_\r\n$1\r\ns\r\n,2.5\r\n,1e+20\r\n" +
		"$3\r\nraw\r\n$10\r\nnot json {\r\n" +
		"+values\r\n*0\r\n+total_results\r\n:1\r\n+warning\r\n*0\r\n"
	if got != want {
		t.Fatalf("EXPAND:\n got %q\nwant %q", got, want)
	}
	if s := FTExpandShape(AsMap); s != AsMap {
		t.Errorf("FTExpandShape(AsMap) = %d, want AsMap unchanged", s)
	}
	if p := FTProfileShape(FTExpandShape(AsFTSearch)); !isFTProfile(p) || p&ftExpand == 0 {
		t.Errorf("FT.PROFILE of an EXPAND search: shape %#x", p)
	}
}
