package node

import (
	"strings"
	"testing"
)

// CLIENT is front's, shared with the proxy: the node takes the same KILL
// filters (USER, SKIPME included) and CLIENT LIST shows each connection's
// ACL user.
func TestClientKillFiltersAndUsers(t *testing.T) {
	tn := startNode(t, nil)
	admin := tn.raw(t)
	if got := admin.do("ACL", "SETUSER", "app", "on", ">pw", "~app:*", "+@all"); got != "OK" {
		t.Fatal(got)
	}
	closed := func(rc *rawConn) bool {
		_, err := rc.reply()
		return err != nil
	}
	var apps []*rawConn
	for range 2 {
		rc := tn.raw(t)
		if got := rc.do("AUTH", "app", "pw"); got != "OK" {
			t.Fatal(got)
		}
		apps = append(apps, rc)
	}
	list := admin.do("CLIENT", "LIST")
	if n := strings.Count(list, " user=app "); n != 2 {
		t.Errorf("CLIENT LIST shows %d connections of user app, want 2:\n%s", n, list)
	}
	if got := admin.do("CLIENT", "KILL", "USER", "app"); got != "(integer) 2" {
		t.Fatalf("CLIENT KILL USER app = %s", got)
	}
	for i, rc := range apps {
		if !closed(rc) {
			t.Errorf("connection %d of user app is still open", i)
		}
	}
	// SKIPME yes (the default) spares the caller; SKIPME no closes it
	// after its reply.
	me := strings.TrimPrefix(admin.do("CLIENT", "ID"), "(integer) ")
	if got := admin.do("CLIENT", "KILL", "ID", me); got != "(integer) 0" {
		t.Errorf("CLIENT KILL of itself with SKIPME yes = %s", got)
	}
	if got := admin.do("CLIENT", "KILL", "ID", me, "SKIPME", "no"); got != "(integer) 1" {
		t.Errorf("CLIENT KILL of itself with SKIPME no = %s", got)
	}
	if !closed(admin) {
		t.Error("the client that killed itself is still open")
	}
}
