package acl

import (
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/command"
)

// TestKeyAccessFollowsSpecFlags checks, for every command with fixed key
// positions, that the spec's key-access flags decide what key patterns a
// user needs: a NoAccess command runs with a %R~ or a %W~ pattern alone,
// an Access one needs both (~).
func TestKeyAccessFollowsSpecFlags(t *testing.T) {
	tb := testTable(t, Config{})
	if err := tb.SetUser("split", []string{"on", "nopass", "+@all", "%R~ro:*", "%W~wo:*", "~rw:*"}); err != nil {
		t.Fatal(err)
	}
	const noKey = "NOPERM No permissions to access a key"
	seen := map[command.Flag]int{}
	for _, s := range command.NewTable(command.Specs()).All() {
		if s.FirstKey == 0 || s.Movable() || s.Group == "pubsub" {
			continue
		}
		line := func(prefix string) []string {
			n := max(s.Arity, -s.Arity, s.FirstKey+1)
			l := []string{strings.ToUpper(s.Name)}
			for i := 1; i < n; i++ {
				l = append(l, prefix+"k")
			}
			return l
		}
		var want map[string]string
		switch {
		case s.Has(command.NoAccess):
			seen[command.NoAccess]++
			want = map[string]string{"ro:": "", "wo:": "", "rw:": ""}
		case s.Has(command.Access):
			seen[command.Access]++
			want = map[string]string{"ro:": noKey, "wo:": noKey, "rw:": ""}
		default:
			continue
		}
		for prefix, w := range want {
			if got := check(t, tb, "split", line(prefix)...); got != w {
				t.Errorf("%v: %q, want %q", line(prefix), got, w)
			}
		}
	}
	if seen[command.NoAccess] == 0 || seen[command.Access] == 0 {
		t.Fatalf("no command flagged NoAccess or Access: %v", seen)
	}
}
