package resp

import (
	"testing"
)

// TestFTProfileShapeMalformed: To3 with FT.PROFILE's shapes appends any
// reply not of FT.PROFILE's form unchanged, and converts one that is.
func TestFTProfileShapeMalformed(t *testing.T) {
	for s := asFTProfile; s < asFTProfile+16; s++ {
		for _, in := range []string{
			"*2\r\n*1\r\n:0\r\n*0\r\n",
			"*2\r\n*1\r\n:0\r\n*1\r\n:5\r\n",
			"*2\r\n*1\r\n:0\r\n*2\r\n*2\r\n$18\r\nIterators profile\r\n*3\r\n$4\r\nType\r\n$5\r\nChild iterators\r\n:1\r\n*1\r\n$25\r\nResult processors profile\r\n",
			"*1\r\n:1\r\n",
			"-ERR x\r\n",
			":3\r\n",
		} {
			_ = To3(nil, []byte(in), s) // must not panic
		}
	}
	in := "*2\r\n*1\r\n:0\r\n*2\r\n*2\r\n$12\r\nParsing time\r\n$3\r\n0.5\r\n*2\r\n$25\r\nResult processors profile\r\n*6\r\n$4\r\nType\r\n$5\r\nIndex\r\n$4\r\nTime\r\n$1\r\n0\r\n$7\r\nCounter\r\n:0\r\n"
	want := "%2\r\n$7\r\nResults\r\n%5\r\n+attributes\r\n*0\r\n+format\r\n+STRING\r\n+results\r\n*0\r\n+total_results\r\n:0\r\n+warning\r\n*0\r\n" +
		"$7\r\nProfile\r\n%2\r\n$12\r\nParsing time\r\n,0.5\r\n$25\r\nResult processors profile\r\n*1\r\n%3\r\n$4\r\nType\r\n$5\r\nIndex\r\n$4\r\nTime\r\n,0\r\n$7\r\nCounter\r\n:0\r\n"
	if got := string(To3(nil, []byte(in), FTProfileShape(AsFTSearch))); got != want {
		t.Fatalf("To3:\n %q\nwant\n %q", got, want)
	}
}

// TestFTProfileIteratorsResp3: an iterator's "Child iterator" (NOT's one
// child) is a map, and LIMITED's text after "Child iterators" stays text,
// as RediSearch 2.8 writes them in RESP3.
func TestFTProfileIteratorsResp3(t *testing.T) {
	b := func(s string) []byte { return AppendBulk(nil, s) }
	cat := func(parts ...[]byte) []byte {
		var out []byte
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	union := cat(AppendArray(nil, 6), b("Type"), b("UNION"), b("Counter"), AppendInt(nil, 4),
		b("Child iterators"), b("The number of iterators in the union is 4"))
	not := cat(AppendArray(nil, 6), b("Type"), b("NOT"), b("Counter"), AppendInt(nil, 1), b("Child iterator"), union)
	in := cat(AppendArray(nil, 2), AppendArray(nil, 1), AppendInt(nil, 0),
		AppendArray(nil, 1), AppendArray(nil, 2), b("Iterators profile"), not)
	want := cat(AppendMap(nil, 2), b("Results"), To3(nil, cat(AppendArray(nil, 1), AppendInt(nil, 0)), AsFTSearch),
		b("Profile"), AppendMap(nil, 1), b("Iterators profile"), AppendArray(nil, 1),
		AppendMap(nil, 3), b("Type"), b("NOT"), b("Counter"), AppendInt(nil, 1), b("Child iterator"),
		AppendMap(nil, 3), b("Type"), b("UNION"), b("Counter"), AppendInt(nil, 4),
		b("Child iterators"), b("The number of iterators in the union is 4"))
	if got := To3(nil, in, FTProfileShape(AsFTSearch)); string(got) != string(want) {
		t.Fatalf("To3:\n %q\nwant\n %q", got, want)
	}
}
