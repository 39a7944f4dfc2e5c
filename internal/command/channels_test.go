package command

import (
	"slices"
	"strings"
	"testing"
)

func TestChannels(t *testing.T) {
	tab := NewTable(Specs())
	for _, c := range []struct {
		line []string
		want string
	}{
		{[]string{"PUBLISH", "news", "hello"}, "news"},
		{[]string{"spublish", "{a}n", "m"}, "{a}n"},
		{[]string{"SUBSCRIBE", "a", "b", "c"}, "a b c"},
		{[]string{"psubscribe", "n*", "x?"}, "n* x?"},
		{[]string{"unsubscribe", "a"}, ""},
		{[]string{"get", "k"}, ""},
	} {
		var got []string
		for _, ch := range tab.Lookup([]byte(c.line[0])).Channels(args(c.line...)) {
			got = append(got, string(ch))
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%q: channels %q, want %q", c.line, got, c.want)
		}
	}
	var patterns []string
	for _, s := range Specs() {
		if s.Has(Patterns) {
			patterns = append(patterns, s.Name)
		}
	}
	if !slices.Equal(patterns, []string{"psubscribe"}) {
		t.Errorf("Patterns on %q, want PSUBSCRIBE alone", patterns)
	}
}
