package node

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/acl"
)

// TestACLFile: --aclfile's users are there at start, ACL SAVE writes them
// for the next start, ACL LOAD refuses a bad file and names its line,
// and New fails on one.
func TestACLFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.acl")
	if err := os.WriteFile(path, []byte("# readers of the cache\nuser reader on >r3ad ~cache:* +@read\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	withFile := func(c *Config) { c.ACLFile = path }
	tn := startNode(t, withFile)
	reader := tn.raw(t)
	for _, c := range []struct{ args, want string }{
		{"AUTH reader wrong", "(error) WRONGPASS invalid username-password pair or user is disabled."},
		{"AUTH reader r3ad", "OK"},
		{"GET cache:x", "(nil)"},
		{"SET cache:x 1", "(error) NOPERM User reader has no permissions to run the 'set' command"},
		{"GET other:x", "(error) NOPERM No permissions to access a key"},
	} {
		if got := reader.do(strings.Fields(c.args)...); got != c.want {
			t.Errorf("reader %s: %s, want %s", c.args, got, c.want)
		}
	}
	admin := tn.raw(t)
	if got := admin.do("ACL", "LOG", "1"); !strings.Contains(got, `"key"`) || !strings.Contains(got, `"other:x"`) || !strings.Contains(got, `"reader"`) {
		t.Errorf("ACL LOG 1:\n%s", got)
	}
	if got := admin.do("CONFIG", "GET", "aclfile"); got != "1) \"aclfile\"\n2) \""+path+"\"" {
		t.Errorf("CONFIG GET aclfile: %s", got)
	}
	if got := admin.do("ACL", "SETUSER", "writer", "on", ">wr1te", "~*", "+@write"); got != "OK" {
		t.Fatal(got)
	}
	if got := admin.do("ACL", "SAVE"); got != "OK" {
		t.Fatalf("ACL SAVE: %s", got)
	}
	saved, _ := os.ReadFile(path)
	if want := "user writer on #" + acl.HashPassword("wr1te") + " ~* resetchannels -@all +@write\n"; !strings.Contains(string(saved), want) {
		t.Errorf("the saved file has no %q:\n%s", want, saved)
	}
	tn.stop()

	tn = startNode(t, withFile)
	writer := tn.raw(t)
	if got := writer.do("AUTH", "writer", "wr1te"); got != "OK" {
		t.Fatalf("AUTH writer after a restart: %s", got)
	}
	if got := writer.do("SET", "k", "v"); got != "OK" {
		t.Errorf("SET as writer: %s", got)
	}
	// A bad file: ACL LOAD changes nothing and says which line.
	admin = tn.raw(t)
	os.WriteFile(path, []byte("user reader on >r3ad +@all\nuser x on +nosuch\n"), 0o600)
	want := "(error) ERR " + path + ":2: Error in rule '+nosuch': Unknown command or category name in ACL. WARNING: ACL errors detected, no change to the previously active ACL rules was performed"
	if got := admin.do("ACL", "LOAD"); got != want {
		t.Errorf("ACL LOAD of a bad file:\n got %s\nwant %s", got, want)
	}
	if got := writer.do("GET", "k"); !strings.HasPrefix(got, "(error) NOPERM") {
		t.Errorf("writer after a failed LOAD: %s", got)
	}
	// A good one: writer is gone, and its connection with it.
	os.WriteFile(path, []byte("user reader on >r3ad +@all ~*\n"), 0o600)
	if got := writer.do("ACL", "LOAD"); got != "(error) NOPERM User writer has no permissions to run the 'acl' command" {
		t.Errorf("ACL LOAD as writer: %s", got)
	}
	if got := admin.do("ACL", "LOAD"); got != "OK" {
		t.Fatalf("ACL LOAD: %s", got)
	}
	if got := admin.do("ACL", "USERS"); got != "1) \"default\"\n2) \"reader\"" {
		t.Errorf("ACL USERS after LOAD: %s", got)
	}
	if got := writer.do("SET", "k", "v"); got != "(error) NOPERM User writer has no permissions to run the 'set' command" {
		t.Errorf("a connection of a user LOAD removed: %s", got)
	}

	// New refuses to start on a bad file, naming the line.
	os.WriteFile(path, []byte("user ok on nopass +@all\n\nuser bad on ~x allkeys ~y\n"), 0o600)
	cfg := DefaultConfig()
	cfg.ACLFile = path
	_, err := New(cfg, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), path+":3: Error in rule '~y': Adding a pattern after the * pattern") {
		t.Errorf("New with a bad ACL file: %v", err)
	}
}

func TestACLLoadSaveWithoutFile(t *testing.T) {
	tn := startNode(t, nil)
	rc := tn.raw(t)
	want := "(error) ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration."
	for _, sub := range []string{"LOAD", "SAVE"} {
		if got := rc.do("ACL", sub); got != want {
			t.Errorf("ACL %s: %s", sub, got)
		}
	}
}

// TestShutdownNeedsAuth: SHUTDOWN is an admin command like any other, as
// in Redis: refused before AUTH and to users without it.
func TestShutdownNeedsAuth(t *testing.T) {
	tn := startNode(t, func(c *Config) { c.RequirePass = "s3cret" })
	rc := tn.raw(t)
	if got := rc.do("SHUTDOWN", "NOSAVE"); got != "(error) NOAUTH Authentication required." {
		t.Errorf("SHUTDOWN before AUTH: %s", got)
	}
	rc.do("AUTH", "s3cret")
	rc.do("ACL", "SETUSER", "app", "on", ">pw", "+@all", "-@admin", "allkeys")
	app := tn.raw(t)
	app.do("AUTH", "app", "pw")
	if got := app.do("SHUTDOWN", "NOSAVE"); got != "(error) NOPERM User app has no permissions to run the 'shutdown' command" {
		t.Errorf("SHUTDOWN as a user without @admin: %s", got)
	}
	if got := rc.do("PING"); got != "PONG" {
		t.Errorf("the node after refused SHUTDOWNs: %s", got)
	}
}

// TestACLKeyPermissionRulesAsRedis (CVE-2024-51741): a %R / %W key rule
// with no permission ("%~", "%") or a permission twice is a syntax
// error; one without "~" gives access to no key but "", as redis-server
// answers: the rule's reply, the user's key patterns, and whether the
// user may SET or GET (NOPERM or not; vcache words its NOPERM as Redis
// 7.2 does).
func TestACLKeyPermissionRulesAsRedis(t *testing.T) {
	rs := &testNode{addr: startRedisServer(t).Options().Addr}
	tn := startNode(t, nil)
	ref, vc := rs.raw(t), tn.raw(t)
	keys := func(rc *rawConn) string {
		getuser := rc.do("ACL", "GETUSER", "u")
		_, after, _ := strings.Cut(getuser, `"keys"`)
		pats, _, _ := strings.Cut(after, `"channels"`)
		return pats
	}
	for _, rule := range []string{"%~", "%", "%RW~", "%RW", "%R", "%W~x*", "%RR~x", "%WRW~x", "%RX~x", "%rw~y*", "%~x"} {
		sameAsRedis(t, vc, ref, []string{"ACL", "DELUSER", "u"}, []string{"ACL", "SETUSER", "u", "on", "nopass", "+@all", rule})
		if got, want := keys(vc), keys(ref); got != want {
			t.Errorf("%s: keys %q, redis-server %q", rule, got, want)
		}
		vu, ru := tn.raw(t), rs.raw(t)
		sameAsRedis(t, vu, ru, []string{"AUTH", "u", "pw"})
		for _, cmd := range [][]string{{"SET", "x", "5"}, {"SET", "y1", "5"}, {"GET", ""}} {
			got, want := vu.exact(cmd...), ru.exact(cmd...)
			if strings.HasPrefix(got, "-NOPERM") != strings.HasPrefix(want, "-NOPERM") {
				t.Errorf("%s: %q: vcache %q, redis-server %q", rule, cmd, got, want)
			}
		}
	}
}
