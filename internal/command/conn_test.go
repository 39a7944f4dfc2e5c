package command

import "testing"

func args(s ...string) [][]byte {
	b := make([][]byte, len(s))
	for i := range s {
		b[i] = []byte(s[i])
	}
	return b
}

func TestParseHello(t *testing.T) {
	cases := []struct {
		in   []string
		want Hello
		msg  string
	}{
		{nil, Hello{}, ""},
		{[]string{"2"}, Hello{Proto: 2}, ""},
		{[]string{"3"}, Hello{Proto: 3}, ""},
		{[]string{"4"}, Hello{}, MsgNoProto},
		{[]string{"1"}, Hello{}, MsgNoProto},
		{[]string{"3", "SETNAME", "a b"}, Hello{}, MsgBadName},
		{[]string{"x"}, Hello{}, "ERR Protocol version is not an integer or out of range"},
		{[]string{"2", "AUTH", "u", "p"}, Hello{Proto: 2, Auth: true, User: "u", Pass: "p"}, ""},
		{[]string{"2", "setname", "n", "auth", "u", "p"}, Hello{Proto: 2, Auth: true, User: "u", Pass: "p", SetName: true, Name: "n"}, ""},
		{[]string{"2", "AUTH", "u"}, Hello{}, "ERR Syntax error in HELLO option 'AUTH'"},
		// Options are all read before any is acted on, as in Redis: a bad
		// one after AUTH is a syntax error, whatever the password.
		{[]string{"2", "AUTH", "u", "p", "bogus"}, Hello{}, "ERR Syntax error in HELLO option 'bogus'"},
	}
	for _, c := range cases {
		h, msg := ParseHello(args(c.in...))
		if msg != c.msg || (msg == "" && h != c.want) {
			t.Errorf("ParseHello(%q) = %+v, %q; want %+v, %q", c.in, h, msg, c.want, c.msg)
		}
	}
}

func TestValidClientName(t *testing.T) {
	for s, want := range map[string]bool{"worker-1": true, "": true, "a b": false, "a\nb": false, "é": false} {
		if got := ValidClientName(s); got != want {
			t.Errorf("ValidClientName(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestGetKeys(t *testing.T) {
	tab := NewTable(Specs())
	spec := func(name string) *Spec {
		s := tab.Lookup([]byte(name))
		return s
	}
	if idx, msg := GetKeys(spec("mset"), args("MSET", "a", "1", "b", "2")); msg != "" || len(idx) != 2 || idx[0] != 1 || idx[1] != 3 {
		t.Errorf("GETKEYS MSET a 1 b 2 = %v, %q; want [1 3]", idx, msg)
	}
	for _, c := range []struct {
		spec *Spec
		line []string
		msg  string
	}{
		{spec("get"), []string{"GET"}, "ERR wrong number of arguments for 'command|getkeys' command"},
		{nil, []string{"NOPE", "a"}, "ERR Invalid command specified"},
		{spec("ping"), []string{"PING", "x"}, "ERR The command has no key arguments"},
		{spec("get"), []string{"GET", "a", "b"}, "ERR Invalid number of arguments specified for command"},
	} {
		if _, msg := GetKeys(c.spec, args(c.line...)); msg != c.msg {
			t.Errorf("GETKEYS %q: %q, want %q", c.line, msg, c.msg)
		}
	}
}
