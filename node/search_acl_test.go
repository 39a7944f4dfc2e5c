package node

import (
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/acl"
)

// TestSearchACL: a user limited to app:* can neither read another
// tenant's documents through an index (its own or not) nor change or
// drop such an index; on app:* it works as before. Denials are RediSearch's
// NOPERM and are in ACL LOG.
func TestSearchACL(t *testing.T) {
	tn := startNode(t, nil)
	admin := tn.raw(t)
	for _, args := range [][]string{
		{"HSET", "other:1", "title", "SECRET one"},
		{"HSET", "app:1", "title", "hello"},
		{"FT.CREATE", "oidx", "ON", "HASH", "PREFIX", "1", "other:", "SCHEMA", "title", "TEXT"},
		{"FT.CREATE", "aidx", "ON", "HASH", "PREFIX", "1", "app:", "SCHEMA", "title", "TEXT"},
		{"FT.CREATE", "allidx", "ON", "HASH", "SCHEMA", "title", "TEXT"},
		{"ACL", "SETUSER", "app", "on", ">pw", "~app:*", "+@read", "+@write", "-@dangerous"},
		{"ACL", "SETUSER", "ro", "on", ">pw", "%R~other:*", "~app:*", "+@read", "+@write", "-@dangerous"},
	} {
		if got := admin.do(args...); got != "OK" && !strings.HasPrefix(got, "(integer)") {
			t.Fatalf("%v: %s", args, got)
		}
	}
	const denied = "(error) " + acl.MsgIndexNoPerm
	app := tn.raw(t)
	ro := tn.raw(t)
	app.do("AUTH", "app", "pw")
	ro.do("AUTH", "ro", "pw")
	for _, c := range []struct {
		rc   *rawConn
		args string
		want string
	}{
		{app, "FT.SEARCH oidx *", denied},
		{app, "FT.SEARCH allidx *", denied},
		{app, "FT.SEARCH aidx * RETURN 1 title", "1) (integer) 1\n2) \"app:1\"\n3) 1) \"title\"\n   2) \"hello\""},
		{app, "FT.SEARCH nosuch *", "(error) nosuch: no such index"},
		{app, "FT.INFO oidx", denied},
		{app, "FT.CREATE mine ON HASH PREFIX 1 other: SCHEMA title TEXT", denied},
		{app, "FT.CREATE mine ON HASH PREFIX 2 app:x: other: SCHEMA title TEXT", denied},
		{app, "FT.CREATE mine ON HASH PREFIX 1 ap SCHEMA title TEXT", denied},
		{app, "FT.CREATE mine ON HASH SCHEMA title TEXT", denied},
		{app, "FT.ALTER oidx SCHEMA ADD n NUMERIC", denied},
		{app, "FT.DROPINDEX oidx DD", denied},
		{app, "FT.DROPINDEX oidx", denied},
		{app, "FT.DROPINDEX allidx", denied},
		{app, "FT._LIST", "1) aidx\n2) allidx\n3) oidx"},
		{app, "FT.CREATE mine ON HASH PREFIX 1 app:docs: SCHEMA title TEXT", "OK"},
		{app, "FT.ALTER mine SCHEMA ADD n NUMERIC", "OK"},
		{app, "FT.DROPINDEX mine DD", "OK"},
		// %R~other:* reads other:'s index, but changes nothing through it.
		{ro, "FT.SEARCH oidx * RETURN 1 title", "1) (integer) 1\n2) \"other:1\"\n3) 1) \"title\"\n   2) \"SECRET one\""},
		{ro, "FT.INFO allidx", denied},
		{ro, "FT.ALTER oidx SCHEMA ADD n NUMERIC", denied},
		{ro, "FT.DROPINDEX oidx DD", denied},
		{ro, "FT.CREATE mine ON HASH PREFIX 1 other: SCHEMA title TEXT", denied},
	} {
		if got := c.rc.do(strings.Fields(c.args)...); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.args, got, c.want)
		}
	}
	if got := admin.do("HGET", "other:1", "title"); got != `"SECRET one"` {
		t.Errorf("other:1 after the denials: %s", got)
	}
	if got := admin.do("FT._LIST"); got != "1) aidx\n2) allidx\n3) oidx" {
		t.Errorf("FT._LIST after the denials:\n%s", got)
	}
	// In a transaction the check is made when the command runs.
	admin.do("ACL", "SETUSER", "app", "+@transaction")
	app.do("MULTI")
	app.do("FT.SEARCH", "oidx", "*")
	if got := app.do("EXEC"); got != "1) "+denied {
		t.Errorf("EXEC of FT.SEARCH oidx: %s", got)
	}
	log := admin.do("ACL", "LOG", "1")
	for _, want := range []string{`"key"`, `"other:"`, `"app"`, `"multi"`} {
		if !strings.Contains(log, want) {
			t.Errorf("ACL LOG 1 has no %s:\n%s", want, log)
		}
	}
	// Without DD, reading the prefixes is enough, as in RediSearch.
	if got := ro.do("FT.DROPINDEX", "oidx"); got != "OK" {
		t.Errorf("FT.DROPINDEX oidx as ro: %s", got)
	}
	if got := admin.do("EXISTS", "other:1"); got != "(integer) 1" {
		t.Errorf("other:1 after FT.DROPINDEX oidx: %s", got)
	}
}
