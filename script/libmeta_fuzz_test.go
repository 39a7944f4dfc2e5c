package script

import (
	"strings"
	"testing"
)

// FuzzParseLibMeta feeds arbitrary library texts to the metadata parser:
// no panic; on success the body is the text from the first newline on,
// and a name that passes ValidName parses back from a plain header.
func FuzzParseLibMeta(f *testing.F) {
	for _, s := range []string{
		"#!lua name=mylib\nreturn 1",
		"#!lua name=\"my lib\"\n",
		"#!lua name='a\\'b'\n",
		"#!lua name=\"\\x41\\n\" \n",
		"#!lua name=a name=b\n",
		"#!lua foo=bar\n",
		"#! name=x\n",
		"#!lua \"unterminated\n",
		"#!lua name=\"x\"y\n",
		"#!lua",
		"no header",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		md, err := ParseLibMeta(code)
		if err != nil {
			if md != (LibMeta{}) {
				t.Fatalf("%q: error %v with metadata %+v", code, err, md)
			}
			return
		}
		i := strings.IndexByte(code, '\n')
		if i < 0 || md.Body != code[i:] {
			t.Fatalf("%q: body %q is not the text from the first newline", code, md.Body)
		}
		if ValidName(md.Name) {
			back, err := ParseLibMeta("#!lua name=" + md.Name + "\n")
			if err != nil || back.Name != md.Name || back.Engine != "lua" {
				t.Fatalf("name %q does not parse back: %+v %v", md.Name, back, err)
			}
		}
	})
}

// TestParseLibMeta: Redis's texts for each header error, and quoting.
func TestParseLibMeta(t *testing.T) {
	for _, c := range []struct{ code, engine, name, err string }{
		{"#!lua name=mylib\nx", "lua", "mylib", ""},
		{"#!LUA NAME=\"my lib\"\n", "LUA", "my lib", ""},
		{"#!lua name='it\\'s'\n", "lua", "it's", ""},
		{"#!lua name=\"\\x41b\"\n", "lua", "Ab", ""},
		{"#! name=x\n", "", "x", ""},
		{"return 1", "", "", "Missing library metadata"},
		{"#!lua name=x", "", "", "Invalid library metadata"},
		{"#!lua name=\"x\n", "", "", "Invalid library metadata"},
		{"#!lua name=\"x\"y\n", "", "", "Invalid library metadata"},
		{"#!lua\n", "", "", "Library name was not given"},
		{"#!lua name=a name=b\n", "", "", "Invalid metadata value, name argument was given multiple times"},
		{"#!lua name=a foo=bar\n", "", "", "Invalid metadata value given: foo=bar"},
	} {
		md, err := ParseLibMeta(c.code)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.err || md.Engine != c.engine || md.Name != c.name {
			t.Errorf("%q: %q %q %q, want %q %q %q", c.code, md.Engine, md.Name, got, c.engine, c.name, c.err)
		}
	}
}
