package ft

import "strings"

// Nested field scopes, as RediSearch has them: "@f:(... @g:x ...)" scopes
// x to the fields f and g have in common (RediSearch ANDs a clause's field
// mask with every scope around it), so "@a|b:(@b|c:x)" looks for x in b
// only, and "@a:(@b:x)" nowhere.

// nullScope is the scope of a text clause whose nested scopes have no
// field in common: it matches nothing (no field is named so) and
// FT.EXPLAIN shows it as RediSearch's "@NULL:".
const nullScope = "\x00"

// intersectScope returns the fields of inner ("" for every TEXT field,
// "a|b" for either) that outer names too, in inner's order; nullScope
// when there are none.
func intersectScope(inner, outer string) string {
	switch {
	case inner == "":
		return outer
	case outer == "":
		return inner
	case inner == nullScope || outer == nullScope:
		return nullScope
	}
	outs := strings.Split(outer, "|")
	var both []string
	for _, name := range strings.Split(inner, "|") {
		for _, o := range outs {
			if strings.EqualFold(name, o) {
				both = append(both, name)
				break
			}
		}
	}
	if len(both) == 0 {
		return nullScope
	}
	return strings.Join(both, "|")
}

// scopeMod is the field prefix FT.EXPLAIN writes before a clause of
// scope ("@a|b:", "@NULL:", or "" for none), as RediSearch writes it
// before every node a field modifier scoped.
func scopeMod(scope string) string {
	switch scope {
	case "":
		return ""
	case nullScope:
		return "@NULL:"
	}
	return "@" + scope + ":"
}
