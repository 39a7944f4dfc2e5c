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
