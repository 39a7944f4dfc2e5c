package command

import "testing"

func TestKeyAccess(t *testing.T) {
	tb := NewTable(Specs())
	for _, c := range []struct {
		line        []string
		read, write bool
	}{
		{[]string{"get", "k"}, true, false},
		{[]string{"exists", "k"}, false, false},
		{[]string{"set", "k", "v"}, false, true},
		{[]string{"set", "k", "get"}, false, true},
		{[]string{"SET", "k", "v", "NX", "get"}, true, true},
		{[]string{"incr", "k"}, true, true},
		{[]string{"del", "k"}, false, true},
	} {
		args := make([][]byte, len(c.line))
		for i, a := range c.line {
			args[i] = []byte(a)
		}
		read, write := tb.Lookup(args[0]).KeyAccess(args)
		if read != c.read || write != c.write {
			t.Errorf("%v: read %v write %v, want %v %v", c.line, read, write, c.read, c.write)
		}
	}
}

func TestEventName(t *testing.T) {
	tb := NewTable(Specs())
	for _, c := range []struct {
		line []string
		j    int
		want string
	}{
		{[]string{"append", "k", "v"}, 0, "append"},
		{[]string{"setnx", "k", "v"}, 0, "set"},
		{[]string{"mset", "a", "1", "b", "2"}, 1, "set"},
		{[]string{"rename", "a", "b"}, 0, "rename_from"},
		{[]string{"rename", "a", "b"}, 1, "rename_to"},
		{[]string{"smove", "a", "b", "m"}, 1, "sadd"},
		{[]string{"lmove", "a", "b", "LEFT", "RIGHT"}, 0, "lpop"},
		{[]string{"lmove", "a", "b", "LEFT", "RIGHT"}, 1, "rpush"},
		{[]string{"xgroup", "CREATE", "s", "g", "$"}, 0, "xgroup-create"},
	} {
		args := make([][]byte, len(c.line))
		for i, a := range c.line {
			args[i] = []byte(a)
		}
		if got := tb.Lookup(args[0]).EventName(args, c.j); got != c.want {
			t.Errorf("%v key %d: event %q, want %q", c.line, c.j, got, c.want)
		}
	}
}

// A command that names a consumer makes no events of its own but the
// consumer's creation; a DestFirst command has a source and a destination.
func TestEventSpecsAreConsistent(t *testing.T) {
	for _, s := range Specs() {
		if s.ConsumerArg > 0 && !s.Has(NoEvents) {
			t.Errorf("%s: ConsumerArg without NoEvents", s.Name)
		}
		if s.Has(DestFirst) && (s.FirstKey != 1 || s.LastKey != 2) {
			t.Errorf("%s: DestFirst without a source and a destination key", s.Name)
		}
		if (s.Has(NoEvents) || s.Has(DestFirst) || s.TTLIf != nil) && !s.Has(Write) {
			t.Errorf("%s: event data on a command that does not write", s.Name)
		}
	}
}

func TestTTLIf(t *testing.T) {
	tab := NewTable(Specs())
	for _, c := range []struct {
		line []string
		want bool
	}{
		{[]string{"set", "k", "v"}, false},
		{[]string{"SET", "k", "v", "NX", "px", "10"}, true},
		{[]string{"set", "k", "ex"}, false}, // the value, not an option
		{[]string{"setex", "k", "10", "v"}, true},
		{[]string{"append", "k", "v"}, false},
	} {
		s := tab.Lookup([]byte(c.line[0]))
		if got := s.TTLIf != nil && s.TTLIf(args(c.line...)); got != c.want {
			t.Errorf("%q: TTLIf %v, want %v", c.line, got, c.want)
		}
	}
}
