package command

import (
	"strings"
	"testing"
)

func TestHasIn(t *testing.T) {
	tab := NewTable(Specs())
	for _, c := range []struct {
		line []string
		flag Flag
		want bool
	}{
		{[]string{"CLUSTER", "RESET"}, NoScript, true},
		{[]string{"cluster", "reset", "hard"}, NoScript, true},
		{[]string{"CLUSTER", "ReSet"}, NoScript | Container, true},
		{[]string{"CLUSTER", "INFO"}, NoScript, false},
		{[]string{"CLUSTER"}, NoScript, false},
		{[]string{"CLUSTER", "INFO"}, Container, true},
		{[]string{"CONFIG", "GET", "x"}, NoScript, true},
		{[]string{"GET", "reset"}, NoScript, false},
		{[]string{"CLIENT", "LIST"}, Admin, true},
		{[]string{"client", "setname", "x"}, Admin, false},
		{[]string{"CLUSTER", "FORGET", "id"}, Admin, true},
		{[]string{"CLUSTER", "INFO"}, Admin, false},
	} {
		if got := tab.Lookup([]byte(c.line[0])).HasIn(args(c.line...), c.flag); got != c.want {
			t.Errorf("HasIn(%q, %b) = %v, want %v", c.line, c.flag, got, c.want)
		}
	}
}

// Subcommand flags belong to commands with subcommands, under lower-case
// names, and say something the command's own flags do not.
func TestSubFlagsAreConsistent(t *testing.T) {
	for _, s := range Specs() {
		if len(s.SubFlags) > 0 && s.Flags&Container == 0 {
			t.Errorf("%s: SubFlags on a command without the Container flag", s.Name)
		}
		for sub, f := range s.SubFlags {
			if sub != strings.ToLower(sub) {
				t.Errorf("%s: subcommand %q is not lower-case", s.Name, sub)
			}
			if s.Flags&f == f {
				t.Errorf("%s|%s: SubFlags add nothing to the command's flags", s.Name, sub)
			}
		}
	}
}

func TestOffLoopIn(t *testing.T) {
	tab := NewTable(Specs())
	for _, c := range []struct {
		line []string
		want bool
	}{
		{[]string{"CLIENT", "TRACKING", "ON", "BCAST"}, true},
		{[]string{"client", "tracking", "off"}, false},
		{[]string{"client", "list"}, false},
		{[]string{"wait", "1", "0"}, true},
		{[]string{"get", "k"}, false},
	} {
		if got := tab.Lookup([]byte(c.line[0])).OffLoopIn(args(c.line...)); got != c.want {
			t.Errorf("OffLoopIn(%q) = %v, want %v", c.line, got, c.want)
		}
	}
}
