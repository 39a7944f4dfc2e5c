package acl

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/command"
)

// testTable returns a table over every command vcache knows.
func testTable(t *testing.T, cfg Config) *Table {
	t.Helper()
	tb, err := NewTable(NewCommands(command.NewTable(command.Specs()).All()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// check runs a command line as user name and returns "" or the NOPERM
// text.
func check(t *testing.T, tb *Table, name string, line ...string) string {
	t.Helper()
	id, ok := tb.cmds.ids[strings.ToLower(line[0])]
	if !ok {
		t.Fatalf("no command %q", line[0])
	}
	args := make([][]byte, len(line))
	for i, a := range line {
		args[i] = []byte(a)
	}
	u := tb.User(name)
	if u == nil {
		t.Fatalf("no user %q", name)
	}
	if d := u.Perms().Check(id, tb.cmds.specs[id], args); d != nil {
		return d.Error()
	}
	return ""
}

func TestCheckCommandsAndKeys(t *testing.T) {
	tb := testTable(t, Config{})
	if err := tb.SetUser("reader", []string{"on", ">pw", "+@read", "~cache:*"}); err != nil {
		t.Fatal(err)
	}
	if err := tb.SetUser("split", []string{"on", "nopass", "+@all", "%R~ro:*", "%W~wo:*", "~rw:*"}); err != nil {
		t.Fatal(err)
	}
	if err := tb.SetUser("sub", []string{"on", "nopass", "allkeys", "+@all", "-acl", "+acl|whoami", "-config|set"}); err != nil {
		t.Fatal(err)
	}
	if tb.User("sub").Perms().all {
		t.Error("a user denied a subcommand has every right")
	}
	const noKey = "NOPERM No permissions to access a key"
	for _, c := range []struct {
		user string
		line []string
		want string
	}{
		{"reader", []string{"GET", "cache:x"}, ""},
		{"reader", []string{"get", "other:x"}, noKey},
		{"reader", []string{"SET", "cache:x", "1"}, "NOPERM User reader has no permissions to run the 'set' command"},
		{"reader", []string{"MGET", "cache:a", "cache:b"}, ""},
		{"reader", []string{"MGET", "cache:a", "other:b", "cache:c"}, noKey},
		{"reader", []string{"HGETALL", "cache:h"}, ""},
		{"reader", []string{"FLUSHALL"}, "NOPERM User reader has no permissions to run the 'flushall' command"},
		{"reader", []string{"ACL", "WHOAMI"}, "NOPERM User reader has no permissions to run the 'acl' command"},
		{"default", []string{"SET", "anything", "1"}, ""},
		// %R~ grants reads only, %W~ writes only; metadata needs either.
		{"split", []string{"GET", "ro:1"}, ""},
		{"split", []string{"SET", "ro:1", "x"}, noKey},
		{"split", []string{"SET", "wo:1", "x"}, ""},
		{"split", []string{"GET", "wo:1"}, noKey},
		{"split", []string{"SET", "wo:1", "x", "GET"}, noKey},
		{"split", []string{"INCR", "wo:1"}, noKey},
		{"split", []string{"EXISTS", "wo:1", "ro:1"}, ""},
		{"split", []string{"MSET", "wo:1", "a", "wo:2", "b"}, ""},
		{"split", []string{"MSET", "wo:1", "a", "rw:2", "b", "ro:3", "c"}, noKey},
		{"split", []string{"RENAME", "rw:1", "rw:2"}, ""},
		{"split", []string{"RENAME", "wo:1", "rw:2"}, noKey},
		// Subcommands apart from their command.
		{"sub", []string{"ACL", "WHOAMI"}, ""},
		{"sub", []string{"acl", "whoami"}, ""},
		{"sub", []string{"ACL", "SETUSER", "sub", "+@all"}, "NOPERM User sub has no permissions to run the 'acl|setuser' command"},
		{"sub", []string{"CONFIG", "GET", "maxmemory"}, ""},
		{"sub", []string{"CONFIG", "SET", "maxmemory", "1"}, "NOPERM User sub has no permissions to run the 'config|set' command"},
		{"sub", []string{"GET", "k"}, ""},
	} {
		if got := check(t, tb, c.user, c.line...); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.user, c.line, got, c.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	tb := testTable(t, Config{RequirePass: "s3cret"})
	for _, c := range []struct {
		rules []string
		want  string
	}{
		{nil, "user u off resetchannels -@all"},
		{[]string{"on", "nopass", "allkeys", "allcommands"}, "user u on nopass ~* resetchannels +@all"},
		{[]string{"on", ">pw", "~app:*", "%R~ro:*", "%W~wo:*", "+get", "+@hash", "-hdel"},
			"user u on #" + HashPassword("pw") + " ~app:* %R~ro:* %W~wo:* resetchannels -@all +get +@hash -hdel"},
		{[]string{"on", ">a", ">b", "<a", "%RW~*", "+@all", "-flushall"},
			"user u on #" + HashPassword("b") + " ~* resetchannels +@all -flushall"},
		{[]string{"on", "nopass", "~x", "reset"}, "user u off sanitize-payload resetchannels -@all"},
		{[]string{"skip-sanitize-payload", "sanitize-payload", "skip-sanitize-payload"}, "user u off skip-sanitize-payload resetchannels -@all"},
		{[]string{"#" + strings.ToUpper(HashPassword("h")), "+config|get", "allchannels"},
			"user u off #" + HashPassword("h") + " &* -@all +config|get"},
		{[]string{"+@all", "-config|set", "-ACL"}, "user u off resetchannels +@all -config|set -acl"},
	} {
		tb.DelUsers("u")
		if err := tb.SetUser("u", c.rules); err != nil {
			t.Fatalf("%v: %v", c.rules, err)
		}
		if got := tb.User("u").Perms().Describe(); got != c.want {
			t.Errorf("%v:\n got %s\nwant %s", c.rules, got, c.want)
		}
	}
	if got := tb.User("default").Perms().Describe(); got != "user default on #"+HashPassword("s3cret")+" ~* &* +@all" {
		t.Errorf("default: %s", got)
	}
}

// TestSetUserErrors: a bad rule answers Redis's text and changes nothing
// of the user.
func TestSetUserErrors(t *testing.T) {
	tb := testTable(t, Config{})
	if err := tb.SetUser("u", []string{"on", ">pw", "+get", "~k:*"}); err != nil {
		t.Fatal(err)
	}
	before := tb.User("u").Perms().Describe()
	for _, c := range []struct {
		rules []string
		want  string
	}{
		{[]string{"+set", "+nosuch"}, "Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL"},
		{[]string{"+@nosuch"}, "Error in ACL SETUSER modifier '+@nosuch': Unknown command or category name in ACL"},
		{[]string{"off", "bogus"}, "Error in ACL SETUSER modifier 'bogus': Syntax error"},
		{[]string{"#abc"}, "Error in ACL SETUSER modifier '#abc': The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"},
		{[]string{"<never"}, "Error in ACL SETUSER modifier '<never': The password you are trying to remove from the user does not exist"},
		{[]string{"allkeys", "~x"}, "Error in ACL SETUSER modifier '~x': Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns"},
		{[]string{"%X~k"}, "Error in ACL SETUSER modifier '%X~k': Syntax error"},
		{[]string{"+config|"}, "Error in ACL SETUSER modifier '+config|': Unknown command or category name in ACL"},
	} {
		err := tb.SetUser("u", c.rules)
		var re *RuleError
		if !errors.As(err, &re) || err.Error() != c.want {
			t.Errorf("%v: %v, want %q", c.rules, err, c.want)
		}
	}
	if after := tb.User("u").Perms().Describe(); after != before {
		t.Errorf("a failed SETUSER changed the user:\n%s\n%s", before, after)
	}
	if err := tb.SetUser("a b", nil); err == nil || err.Error() != "Usernames can't contain spaces or null characters" {
		t.Errorf("name with a space: %v", err)
	}
}

func TestAuthenticate(t *testing.T) {
	tb := testTable(t, Config{})
	if tb.DefaultIfOpen() == nil || !tb.DefaultNoPass() {
		t.Fatal("without requirepass the default user is open")
	}
	if u, err := tb.Authenticate("", "anything"); err != nil || u.Name() != "default" {
		t.Errorf("nopass default: %v, %v", u, err)
	}
	tb.SetRequirePass("s3cret")
	if tb.DefaultIfOpen() != nil {
		t.Error("with requirepass new connections are not authenticated")
	}
	tb.SetUser("alice", []string{"on", ">one", ">two", "+@all", "allkeys"})
	tb.SetUser("bob", []string{"off", ">pw"})
	for _, c := range []struct {
		name, pass string
		ok         bool
	}{
		{"", "s3cret", true}, {"default", "s3cret", true}, {"default", "nope", false},
		{"alice", "one", true}, {"alice", "two", true}, {"alice", "three", false},
		{"bob", "pw", false}, {"ghost", "", false},
	} {
		u, err := tb.Authenticate(c.name, c.pass)
		if c.ok != (err == nil) || (err != nil && (u != nil || err.Error() != "WRONGPASS invalid username-password pair or user is disabled.")) {
			t.Errorf("AUTH %q %q: %v, %v", c.name, c.pass, u, err)
		}
	}
}

// TestUserChangesReachConnections: a connection holds the User; SETUSER
// changes what it may do at once, DELUSER takes everything, and turning
// a user off (as in Redis) only stops new AUTHs.
func TestUserChangesReachConnections(t *testing.T) {
	tb := testTable(t, Config{})
	tb.SetUser("u", []string{"on", "nopass", "+get", "allkeys"})
	u, err := tb.Authenticate("u", "")
	if err != nil {
		t.Fatal(err)
	}
	run := func(line ...string) string {
		id := tb.cmds.ids[strings.ToLower(line[0])]
		args := make([][]byte, len(line))
		for i, a := range line {
			args[i] = []byte(a)
		}
		if d := u.Perms().Check(id, tb.cmds.specs[id], args); d != nil {
			return d.Error()
		}
		return ""
	}
	if got := run("GET", "k"); got != "" {
		t.Fatalf("GET: %s", got)
	}
	tb.SetUser("u", []string{"-get", "+set"})
	if got := run("GET", "k"); got == "" || run("SET", "k", "v") != "" {
		t.Errorf("after -get +set: GET %q, SET %q", got, run("SET", "k", "v"))
	}
	tb.SetUser("u", []string{"off"})
	if got := run("SET", "k", "v"); got != "" {
		t.Errorf("an off user's connection: %s", got)
	}
	if _, err := tb.Authenticate("u", ""); err == nil {
		t.Error("an off user authenticated")
	}
	if n, err := tb.DelUsers("u", "ghost"); n != 1 || err != nil {
		t.Errorf("DelUsers: %d, %v", n, err)
	}
	if got := run("SET", "k", "v"); got != "NOPERM User u has no permissions to run the 'set' command" {
		t.Errorf("a deleted user's connection: %q", got)
	}
	if _, err := tb.DelUsers("default"); err == nil || err.Error() != "The 'default' user cannot be removed" {
		t.Errorf("DelUsers default: %v", err)
	}
}

func TestFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.acl")
	if err := os.WriteFile(path, []byte("# the team\n\nuser alice on >wonderland ~cache:* +@read\n  user bob off nopass %R~b:* -@all +get\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tb := testTable(t, Config{File: path, RequirePass: "s3cret"})
	want := []string{
		"user alice on #" + HashPassword("wonderland") + " ~cache:* resetchannels -@all +@read",
		"user bob off nopass %R~b:* resetchannels -@all +get",
		"user default on #" + HashPassword("s3cret") + " ~* &* +@all",
	}
	if got := tb.List(); !slices.Equal(got, want) {
		t.Fatalf("loaded:\n%s", strings.Join(got, "\n"))
	}
	if err := tb.SetUser("carol", []string{"on", ">c", "+@hash", "+config|get", "~h:*"}); err != nil {
		t.Fatal(err)
	}
	if err := tb.Save(); err != nil {
		t.Fatal(err)
	}
	again := testTable(t, Config{File: path})
	if got, want := again.List(), tb.List(); !slices.Equal(got, want) {
		t.Errorf("after SAVE and a new load:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := again.Authenticate("carol", "c"); err != nil {
		t.Errorf("carol after reload: %v", err)
	}
	if check(t, again, "carol", "CONFIG", "GET", "x") != "" || check(t, again, "carol", "CONFIG", "SET", "x", "1") == "" {
		t.Error("carol's subcommand rule did not survive SAVE and a load")
	}

	// ACL LOAD: a bad file changes nothing and names its lines.
	alice := again.User("alice")
	os.WriteFile(path, []byte("user alice on nopass +@all\nuser dave +nosuch\nthis is not a user\nuser alice on\n"), 0o600)
	err := again.Load()
	wantErr := path + ":2: Error in rule '+nosuch': Unknown command or category name in ACL. " +
		path + ":3 should start with user keyword followed by the username. " +
		path + ":4: Duplicate user 'alice' found."
	if err == nil || err.Error() != wantErr {
		t.Errorf("bad file:\n got %v\nwant %s", err, wantErr)
	}
	if again.User("carol") == nil || again.User("alice") != alice || alice.Perms().nopass {
		t.Error("a failed load changed the users")
	}
	// A good one replaces them; alice's connections follow her new rules,
	// carol's lose every right.
	carol := again.User("carol")
	os.WriteFile(path, []byte("user alice on nopass +@all allkeys allchannels\n"), 0o600)
	if err := again.Load(); err != nil {
		t.Fatal(err)
	}
	if !alice.Perms().all || !alice.Perms().nopass {
		t.Errorf("alice after LOAD: %s", alice.Perms().Describe())
	}
	if again.User("carol") != nil || carol.Perms().on || slices.Contains(carol.Perms().cmds, ^uint64(0)) {
		t.Errorf("carol after LOAD: %s", carol.Perms().Describe())
	}
	if got := again.Names(); !slices.Equal(got, []string{"alice", "default"}) {
		t.Errorf("users after LOAD: %v", got)
	}
	if _, err := NewTable(again.cmds, Config{File: filepath.Join(t.TempDir(), "missing.acl")}); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
}

func TestNoFile(t *testing.T) {
	tb := testTable(t, Config{})
	want := "-ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.\r\n"
	for _, sub := range []string{"LOAD", "SAVE"} {
		if got := string(tb.Command(nil, nil, [][]byte{[]byte("ACL"), []byte(sub)})); got != want {
			t.Errorf("ACL %s: %q", sub, got)
		}
	}
}

func TestCommandReplies(t *testing.T) {
	tb := testTable(t, Config{})
	do := func(u *User, args ...string) string {
		b := make([][]byte, len(args))
		for i, a := range args {
			b[i] = []byte(a)
		}
		return string(tb.Command(nil, u, b))
	}
	for _, c := range []struct{ args, want string }{
		{"ACL SETUSER u on >p ~k:* +get", "+OK\r\n"},
		{"ACL SETUSER u +nosuch", "-ERR Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL\r\n"},
		{"ACL USERS", "*2\r\n$7\r\ndefault\r\n$1\r\nu\r\n"},
		{"ACL GETUSER ghost", "$-1\r\n"},
		{"ACL DELUSER ghost", ":0\r\n"},
		{"ACL DELUSER default", "-ERR The 'default' user cannot be removed\r\n"},
		{"ACL CAT nosuch", "-ERR Unknown category 'nosuch'\r\n"},
		{"ACL WHOAMI", "$7\r\ndefault\r\n"},
		{"ACL LOG", "*0\r\n"},
		{"ACL LOG RESET", "+OK\r\n"},
		{"ACL LOG x", "-ERR value is not an integer or out of range\r\n"},
		{"ACL NOSUCH", "-ERR unknown subcommand or wrong number of arguments for 'NOSUCH'. Try ACL HELP.\r\n"},
		{"ACL GENPASS 0", "-ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096\r\n"},
	} {
		if got := do(nil, strings.Fields(c.args)...); got != c.want {
			t.Errorf("%s: %q, want %q", c.args, got, c.want)
		}
	}
	if got := do(tb.User("u"), "ACL", "WHOAMI"); got != "$1\r\nu\r\n" {
		t.Errorf("WHOAMI as u: %q", got)
	}
	if got := do(nil, "ACL", "GENPASS", "10"); len(got) != len("$3\r\nabc\r\n") {
		t.Errorf("GENPASS 10: %q", got)
	}
	if got := do(nil, "ACL", "GETUSER", "u"); !strings.Contains(got, "$5\r\nflags\r\n*1\r\n$2\r\non\r\n") || !strings.Contains(got, "$4\r\n~k:*\r\n") ||
		!strings.Contains(got, "$10\r\n-@all +get\r\n") {
		t.Errorf("GETUSER u: %q", got)
	}
}

func TestLog(t *testing.T) {
	var l Log
	now := time.Unix(1000, 0)
	l.Add(Denial{Reason: ReasonKey, User: "u", Object: "k"}, false, "id=1", now)
	l.Add(Denial{Reason: ReasonCommand, User: "u", Object: "set"}, false, "id=1", now)
	l.Add(Denial{Reason: ReasonKey, User: "u", Object: "k"}, false, "id=2", now.Add(time.Second))
	l.Add(Denial{Reason: ReasonKey, User: "u", Object: "k"}, true, "id=2", now.Add(time.Second))
	l.Add(Denial{Reason: ReasonKey, User: "u", Object: "k"}, false, "id=3", now.Add(2*time.Minute))
	got := l.Entries(10)
	if len(got) != 4 {
		t.Fatalf("%d entries: %+v", len(got), got)
	}
	if e := got[2]; e.Object != "k" || e.Count != 2 || e.ClientInfo != "id=2" || e.Context != "toplevel" {
		t.Errorf("grouped entry: %+v", e)
	}
	if got[0].Count != 1 || got[1].Context != "multi" || got[3].Object != "set" {
		t.Errorf("order: %+v", got)
	}
	for i := range 200 {
		l.Add(Denial{Reason: ReasonAuth, User: "x", Object: string(rune('a'+i%26)) + strings.Repeat("z", i)}, false, "", now)
	}
	if n := len(l.Entries(1000)); n != logMax {
		t.Errorf("log holds %d entries, want %d", n, logMax)
	}
	l.Reset()
	if n := len(l.Entries(10)); n != 0 {
		t.Errorf("after reset: %d", n)
	}
}
