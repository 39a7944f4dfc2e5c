package acl

import (
	"testing"

	"github.com/vcache/vcache/internal/glob"
)

func TestPatternCovers(t *testing.T) {
	for _, c := range []struct {
		pattern, prefix string
		want            bool
	}{
		{"app:*", "app:", true},
		{"app:*", "app:x", true},
		{"app:*", "app:x:y", true},
		{"app:*", "app", false}, // "appz" starts with it
		{"app:*", "ap", false},
		{"app:*", "", false},
		{"app:*", "other:", false},
		{"*", "", true},
		{"*", "anything", true},
		{"**", "", true},
		{"app:**", "app:", true},
		{"app?*", "app:", true},
		{"app?*", "app", false},
		{"a*b*", "a:b:", true},
		{"a*b*", "a:", false},
		{"*:*", "x:", true},
		{"*:*", "x", false},
		{"app:", "app:", false}, // only the key "app:" itself
		{"app:x", "app:x", false},
		{"app:*x", "app:", false},
		{"app:*?", "app:x", false}, // true in fact, but not proven: denied
		{`app\*`, "app*", false},
		{`app\:*`, "app:", false}, // escapes are not taken to cover
		{"[a]pp:*", "app:", false},
		{"app[:]*", "app:", false},
	} {
		if got := PatternCovers(c.pattern, c.prefix); got != c.want {
			t.Errorf("PatternCovers(%q, %q) = %v, want %v", c.pattern, c.prefix, got, c.want)
		}
	}
}

// TestPatternCoversIsSound: whenever PatternCovers says yes, the pattern
// matches the prefix followed by any of a set of tails.
func TestPatternCoversIsSound(t *testing.T) {
	patterns := []string{"*", "a*", "a:*", "a?*", "?*", "*a*", "a*b*", "*:*", "a", "a*b", "??*", "a:b:*", "*?"}
	prefixes := []string{"", "a", "a:", "a:b", "a:b:", "ab", "b", "b:", "x:a:"}
	tails := []string{"", "a", "b", ":", "zz", "a:b", "\x00", "*"}
	covered := 0
	for _, pat := range patterns {
		for _, pre := range prefixes {
			if !PatternCovers(pat, pre) {
				continue
			}
			covered++
			for _, tail := range tails {
				if !glob.Match(pat, pre+tail) {
					t.Errorf("PatternCovers(%q, %q) but %q does not match", pat, pre, pre+tail)
				}
			}
		}
	}
	if covered < 10 {
		t.Errorf("only %d pattern/prefix pairs covered: the test proves little", covered)
	}
}

func TestCheckPrefixes(t *testing.T) {
	tb := testTable(t, Config{})
	for name, rules := range map[string][]string{
		"app":   {"on", "nopass", "~app:*", "+@read", "+@write", "-@dangerous"},
		"split": {"on", "nopass", "+@all", "%R~ro:*", "%W~wo:*", "~rw:*"},
		"all":   {"on", "nopass", "allkeys", "-@all", "+ft.search"},
		"star":  {"on", "nopass", "~*", "+@all"},
		"none":  {"on", "nopass", "+@all"},
	} {
		if err := tb.SetUser(name, rules); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		user        string
		prefixes    []string
		read, write bool
		denied      string // the prefix denied, or "-" for none
	}{
		{"app", []string{"app:"}, true, false, "-"},
		{"app", []string{"app:"}, false, true, "-"},
		{"app", []string{"app:docs:"}, true, true, "-"},
		{"app", []string{"app:", "other:"}, true, false, "other:"},
		{"app", []string{"other:"}, true, false, "other:"},
		{"app", []string{"ap"}, true, false, "ap"},
		{"app", nil, true, false, ""}, // no prefix: every key
		{"app", []string{""}, true, false, ""},
		{"split", []string{"ro:"}, true, false, "-"},
		{"split", []string{"ro:"}, false, true, "ro:"},
		{"split", []string{"wo:"}, false, true, "-"},
		{"split", []string{"wo:"}, true, false, "wo:"},
		{"split", []string{"rw:", "ro:"}, true, false, "-"},
		{"split", []string{"rw:", "ro:"}, true, true, "ro:"},
		{"all", nil, true, true, "-"},
		{"star", nil, true, true, "-"},
		{"star", []string{"x"}, false, true, "-"},
		{"none", []string{"app:"}, true, false, "app:"},
	} {
		d := tb.User(c.user).Perms().CheckPrefixes(c.prefixes, c.read, c.write)
		switch {
		case c.denied == "-" && d != nil:
			t.Errorf("%s %q read=%v write=%v: denied %q", c.user, c.prefixes, c.read, c.write, d.Object)
		case c.denied != "-" && d == nil:
			t.Errorf("%s %q read=%v write=%v: allowed", c.user, c.prefixes, c.read, c.write)
		case d != nil:
			if d.Object != c.denied || d.Reason != ReasonKey || d.User != c.user || d.Error() != MsgIndexNoPerm {
				t.Errorf("%s %q: denial %+v (%s)", c.user, c.prefixes, *d, d.Error())
			}
		}
	}
	if !tb.User("all").Perms().UnrestrictedKeys() || tb.User("app").Perms().UnrestrictedKeys() {
		t.Error("UnrestrictedKeys is wrong for allkeys or ~app:*")
	}
	// A deleted user's connections lose every right, indexes included.
	u := tb.User("star")
	if _, err := tb.DelUsers("star"); err != nil {
		t.Fatal(err)
	}
	if d := u.Perms().CheckPrefixes([]string{"x:"}, true, false); d == nil {
		t.Error("a deleted user may still read an index")
	}
}
