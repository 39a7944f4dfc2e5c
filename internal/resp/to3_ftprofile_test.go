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
	want := "%2\r\n$7\r\nResults\r\n%5\r\n$10\r\nattributes\r\n*0\r\n$6\r\nformat\r\n+STRING\r\n$7\r\nresults\r\n*0\r\n$13\r\ntotal_results\r\n:0\r\n$7\r\nwarning\r\n*0\r\n" +
		"$7\r\nProfile\r\n%2\r\n$12\r\nParsing time\r\n,0.5\r\n$25\r\nResult processors profile\r\n*1\r\n%3\r\n$4\r\nType\r\n$5\r\nIndex\r\n$4\r\nTime\r\n,0\r\n$7\r\nCounter\r\n:0\r\n"
	if got := string(To3(nil, []byte(in), FTProfileShape(AsFTSearch))); got != want {
		t.Fatalf("To3:\n %q\nwant\n %q", got, want)
	}
}
