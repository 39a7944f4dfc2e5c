package glob

import "testing"

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		p, s string
		ok   bool
	}{
		{"*", "anything", true}, {"*", "", true}, {"", "", true}, {"", "a", false},
		{"h?llo", "hello", true}, {"h?llo", "hllo", false},
		{"h[ae]llo", "hallo", true}, {"h[ae]llo", "hillo", false},
		{"h[^e]llo", "hello", false}, {"h[^e]llo", "hallo", true},
		{"h[a-b]llo", "hbllo", true}, {"h[b-a]llo", "hbllo", true}, {"h[a-b]llo", "hcllo", false},
		{"a*b*c", "axxbyyc", true}, {"a*b*c", "axxbyy", false}, {"a**c", "abc", true},
		{`a\*`, "a*", true}, {`a\*`, "ab", false}, {`h[\]]`, "h]", true},
		{"cache:*", "cache:x", true}, {"cache:*", "other:x", false}, {"cache:*", "cache", false},
	} {
		if got := Match(c.p, c.s); got != c.ok {
			t.Errorf("Match(%q, %q) = %v, want %v", c.p, c.s, got, c.ok)
		}
	}
}
