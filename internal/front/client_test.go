package front

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestClientInfoLine(t *testing.T) {
	now := time.Unix(1000, 0)
	ci := ClientInfo{ID: 7, Addr: "127.0.0.1:5000", LAddr: "127.0.0.1:6379", Name: "n",
		Created: now.Add(-90 * time.Second), LastActive: now.Add(-3 * time.Second), User: "app", LibName: "go-redis"}
	got := string(ci.appendTo(nil, now))
	for _, want := range []string{"id=7 addr=127.0.0.1:5000 laddr=127.0.0.1:6379 fd=0 name=n age=90 idle=3 flags=N db=0 ",
		" cmd=NULL user=app redir=-1 resp=2 lib-name=go-redis lib-ver="} {
		if !strings.Contains(got, want) {
			t.Errorf("line %q lacks %q", got, want)
		}
	}
	ci.Resp = 3
	if got := string(ci.appendTo(nil, now)); !strings.Contains(got, " resp=3 ") {
		t.Errorf("a RESP3 client's line %q lacks resp=3", got)
	}
	two := clientLines([]ClientInfo{{ID: 9}, {ID: 2}}, now)
	if lines := strings.Split(strings.TrimSuffix(two, "\n"), "\n"); len(lines) != 2 ||
		!strings.HasPrefix(lines[0], "id=2 ") || !strings.HasPrefix(lines[1], "id=9 ") {
		t.Errorf("CLIENT LIST of ids 9, 2 = %q, want one line each by id", two)
	}
}

func TestKillFilter(t *testing.T) {
	words := func(s string) [][]byte { return bytes.Fields([]byte(s)) }
	f, msg := ParseKillFilter(words("ID 5 user app SKIPME no"))
	if msg != "" || f.ID != 5 || f.User != "app" || f.SkipMe {
		t.Fatalf("ParseKillFilter = %+v, %q", f, msg)
	}
	if !f.Match(ClientInfo{ID: 5, User: "app"}, 5) || f.Match(ClientInfo{ID: 5}, 1) || f.Match(ClientInfo{ID: 6, User: "app"}, 1) {
		t.Error("ID and USER must both match; SKIPME no must pick the caller")
	}
	if f, _ := ParseKillFilter(words("ADDR a:1")); f.Match(ClientInfo{ID: 3, Addr: "a:1"}, 3) {
		t.Error("SKIPME defaults to yes: the caller is spared")
	}
	if f, _ := ParseKillFilter(words("USER default")); !f.Match(ClientInfo{ID: 3}, 1) {
		t.Error("a client not yet authenticated is the default user's")
	}
	for _, bad := range []string{"ID", "ID 0", "ID x", "SKIPME maybe", "NOPE 1", "ADDR a:1 LADDR"} {
		if _, msg := ParseKillFilter(words(bad)); msg == "" {
			t.Errorf("ParseKillFilter(%q) accepted", bad)
		}
	}
}

func FuzzParseKillFilter(f *testing.F) {
	f.Add([]byte("ID 5 USER app SKIPME no"))
	f.Add([]byte("ADDR 127.0.0.1:1 LADDR 127.0.0.1:2"))
	f.Fuzz(func(t *testing.T, line []byte) {
		filter, msg := ParseKillFilter(bytes.Fields(line))
		if msg == "" && filter.ID < 0 {
			t.Errorf("accepted a negative id: %q", line)
		}
	})
}
