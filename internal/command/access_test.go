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
