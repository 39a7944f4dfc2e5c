package proxy

import (
	"slices"
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

// TestCreatePrefixes: the proxy reads FT.CREATE's PREFIX lists as the
// node does; what it cannot read means every key (nil).
func TestCreatePrefixes(t *testing.T) {
	for _, c := range []struct {
		line string
		want []string
	}{
		{"FT.CREATE i ON HASH PREFIX 1 app: SCHEMA t TEXT", []string{"app:"}},
		{"FT.CREATE i ON HASH PREFIX 2 app: b: SCHEMA t TEXT", []string{"app:", "b:"}},
		{"FT.CREATE i PREFIX 1 a: STOPWORDS 2 PREFIX x SCORE 1 PREFIX 1 b: SCHEMA t TEXT", []string{"a:", "b:"}},
		{"FT.CREATE i ON HASH LANGUAGE_FIELD PREFIX SCHEMA PREFIX TEXT", nil},
		{"FT.CREATE i ON HASH SCHEMA t TEXT", nil},
		{"FT.CREATE i PREFIX 1 app: NOSUCH SCHEMA t TEXT", nil},
		{"FT.CREATE i PREFIX 1 app:", nil},
		{"FT.CREATE i PREFIX -1 app: SCHEMA t TEXT", nil},
		{"FT.CREATE i PREFIX 9223372036854775807 app: SCHEMA t TEXT", nil},
		{"FT.CREATE i STOPWORDS 9223372036854775807 PREFIX 1 app: SCHEMA t TEXT", nil},
	} {
		var args [][]byte
		for _, w := range strings.Fields(c.line) {
			args = append(args, []byte(w))
		}
		if got := createPrefixes(args); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.line, got, c.want)
		}
	}
}
