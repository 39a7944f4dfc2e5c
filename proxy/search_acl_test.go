package proxy

import (
	"strings"
	"testing"
)

// TestSearchRowsChecked: the proxy gives FT.SEARCH's rows to a user with
// limited keys only if it may read every one, even when no node knew the
// index a moment before (an index made between the proxy's FT.INFO and
// the search): the fake shards answer FT.INFO of an unknown index with an
// error but search it all the same.
func TestSearchRowsChecked(t *testing.T) {
	sc := startSearchCluster(t)
	for _, rules := range [][]string{
		{"ACL", "SETUSER", "app", "on", ">pw", "~app:*", "+@read"},
		{"ACL", "SETUSER", "docs", "on", ">pw", "%R~doc:*", "+@read"},
	} {
		if got := sc.c.do(rules...); got != "+OK\r\n" {
			t.Fatalf("%v: %q", rules, got)
		}
	}
	query := []string{"FT.SEARCH", "made-meanwhile", "*=>[KNN 3 @v $B]", "PARAMS", "2", "B", encodeVec(0, 0), "DIALECT", "2"}
	app := dialRaw(t, sc.c.nc.RemoteAddr().String())
	app.do("AUTH", "app", "pw")
	if got := app.do(query...); got != "-NOPERM User does not have the required permissions to query the index\r\n" {
		t.Errorf("FT.SEARCH as app: %q", trim(got))
	}
	docs := dialRaw(t, sc.c.nc.RemoteAddr().String())
	docs.do("AUTH", "docs", "pw")
	if got := docs.do(query...); !strings.HasPrefix(got, "*") || !strings.Contains(got, "doc:0") {
		t.Errorf("FT.SEARCH as docs: %q", trim(got))
	}
	if got := sc.c.do("ACL", "LOG", "1"); !strings.Contains(got, "doc:") || !strings.Contains(got, "app") {
		t.Errorf("ACL LOG 1: %q", trim(got))
	}
}
