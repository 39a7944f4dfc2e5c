package command

import "testing"

func TestIndexAccess(t *testing.T) {
	tab := NewTable(Specs())
	for _, c := range []struct {
		line        []string
		read, write bool
	}{
		{[]string{"FT.SEARCH", "idx", "*"}, true, false},
		{[]string{"ft.info", "idx"}, true, false},
		{[]string{"ft.create", "idx", "SCHEMA", "t", "TEXT"}, false, true},
		{[]string{"ft.dropindex", "idx"}, true, false},
		{[]string{"ft.dropindex", "idx", "dd"}, false, true},
		{[]string{"ft.drop", "idx"}, false, true},
		{[]string{"FT.DROP", "idx", "KEEPDOCS"}, true, false},
		{[]string{"ft.aliasdel", "a"}, false, true},
		{[]string{"ft._list"}, false, false},
		{[]string{"get", "k"}, true, true}, // not a search command: undeclared
	} {
		read, write := tab.Lookup([]byte(c.line[0])).IndexAccess(args(c.line...))
		if read != c.read || write != c.write {
			t.Errorf("%q: read %v write %v, want %v %v", c.line, read, write, c.read, c.write)
		}
	}
}

// Every keyless search command says what it does with the index it
// names, and where the name is, so node and proxy check ACL alike; a
// command that names one says which argument.
func TestSearchSpecsDeclareIndexUse(t *testing.T) {
	for _, s := range Specs() {
		if s.Group != "search" {
			if s.Index != IndexUnknown || s.IndexOf != nil || s.IndexArg != 0 || s.AliasArg != 0 {
				t.Errorf("%s: index use on a command outside the search group", s.Name)
			}
			continue
		}
		if s.Index == IndexUnknown && s.IndexOf == nil {
			t.Errorf("%s: search command without Index or IndexOf", s.Name)
			continue
		}
		names := s.IndexArg > 0 || s.AliasArg > 0
		if (s.Index == IndexNone) == names {
			t.Errorf("%s: Index %d with IndexArg %d, AliasArg %d", s.Name, s.Index, s.IndexArg, s.AliasArg)
		}
	}
}
