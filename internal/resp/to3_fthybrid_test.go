package resp

import "testing"

// FuzzFTHybridProfile3: To3 with FT.HYBRID's shape (which FT.PROFILE
// HYBRID uses: FT.HYBRID's reply with the profile after it) never
// panics and always writes exactly one whole RESP3 value, whatever the
// reply.
func FuzzFTHybridProfile3(f *testing.F) {
	f.Add([]byte("*9\r\n+total_results\r\n:1\r\n+results\r\n*1\r\n*2\r\n$5\r\n__key\r\n$1\r\na\r\n+warnings\r\n*0\r\n+execution_time\r\n$3\r\n0.1\r\n" +
		"*4\r\n$6\r\nShards\r\n*1\r\n*4\r\n$6\r\nSEARCH\r\n*4\r\n$18\r\nTotal profile time\r\n$3\r\n0.5\r\n$17\r\nIterators profile\r\n*4\r\n$4\r\nType\r\n$4\r\nTEXT\r\n$4\r\nTime\r\n$1\r\n0\r\n" +
		"$4\r\nVSIM\r\n*2\r\n$25\r\nResult processors profile\r\n*1\r\n*2\r\n$4\r\nType\r\n$5\r\nIndex\r\n" +
		"$11\r\nCoordinator\r\n*4\r\n$7\r\nWarning\r\n*1\r\n$4\r\nNone\r\n$36\r\nSubqueries result processors profile\r\n*2\r\n$6\r\nSEARCH\r\n*1\r\n*2\r\n$4\r\nType\r\n$7\r\nNetwork\r\n"))
	f.Add([]byte("*3\r\n+a\r\n:1\r\n*2\r\n$6\r\nShards\r\n*1\r\n:3\r\n"))
	f.Add([]byte("*1\r\n*0\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, s := range []Shape{AsFTHybrid, FTExpandShape(AsFTHybrid)} {
			out := To3(nil, in, s)
			if n := len3(out, 0); n != len(out) && len(in) > 0 {
				if _, used, err := Parse(in); err == nil && used == len(in) {
					t.Fatalf("To3(%q) = %q: not one whole value (%d of %d bytes)", in, out, n, len(out))
				}
			}
		}
	})
}

// TestFTHybridProfile3: FT.PROFILE HYBRID's RESP2 reply becomes
// FT.HYBRID's map with a Profile map: Shards an array of maps, each
// subquery's profile a map, times doubles, processors maps.
func TestFTHybridProfile3(t *testing.T) {
	in := "*9\r\n+total_results\r\n:0\r\n+results\r\n*0\r\n+warnings\r\n*0\r\n+execution_time\r\n$3\r\n0.1\r\n" +
		"*4\r\n$6\r\nShards\r\n*1\r\n*2\r\n$6\r\nSEARCH\r\n*4\r\n$18\r\nTotal profile time\r\n$3\r\n0.5\r\n$25\r\nResult processors profile\r\n*1\r\n*2\r\n$4\r\nType\r\n$5\r\nIndex\r\n" +
		"$11\r\nCoordinator\r\n*2\r\n$7\r\nWarning\r\n*1\r\n$4\r\nNone\r\n"
	want := "%5\r\n+total_results\r\n:0\r\n+results\r\n*0\r\n+warnings\r\n*0\r\n+execution_time\r\n,0.1\r\n" +
		"+Profile\r\n%2\r\n$6\r\nShards\r\n*1\r\n%1\r\n$6\r\nSEARCH\r\n%2\r\n$18\r\nTotal profile time\r\n,0.5\r\n$25\r\nResult processors profile\r\n*1\r\n%1\r\n$4\r\nType\r\n$5\r\nIndex\r\n" +
		"$11\r\nCoordinator\r\n%1\r\n$7\r\nWarning\r\n*1\r\n$4\r\nNone\r\n"
	if got := string(To3(nil, []byte(in), AsFTHybrid)); got != want {
		t.Fatalf("To3:\n %q\nwant\n %q", got, want)
	}
}
