package glob

import (
	"strings"
	"testing"
	"time"
)

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

// TestNestedStarsAnswerAtOnce: Redis's own regression test for pattern
// matching long nested loops; the old recursive match took exponential
// time (and a KEYS with it hung the server).
func TestNestedStarsAnswerAtOnce(t *testing.T) {
	start := time.Now()
	if Match("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", strings.Repeat("a", 40)) {
		t.Error("matched a string with no b")
	}
	if !Match("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", strings.Repeat("a", 40)+"b") {
		t.Error("did not match a string ending in b")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
}

// TestNestingLimitAsRedis: Redis's regression test for pattern matching
// very long nested loops (CVE-2024-31228) wants no key for a pattern of
// 50000 "*?" against a key of 50000 "a", which it would match but for
// the limit of 1000 nested stars; up to the limit it matches.
func TestNestingLimitAsRedis(t *testing.T) {
	key := strings.Repeat("a", 50000)
	if Match(strings.Repeat("*?", 50000), key) {
		t.Error("50000 nested stars matched")
	}
	if !Match(strings.Repeat("*?", 1000)+"*", key) {
		t.Error("1000 nested stars (and a trailing one) did not match")
	}
	if Match(strings.Repeat("*?", 1001), key[:1001]) {
		t.Error("1001 nested stars matched")
	}
	if !Match(strings.Repeat("*a", 1000), key[:1000]) || !Match(strings.Repeat(`\*`, 1001)+"a*", strings.Repeat("*", 1001)+"ab") {
		t.Error("a pattern within the limit did not match")
	}
}

// FuzzMatch checks Match against the straightforward recursive definition
// (below) on short inputs, where that one is fast enough.
func FuzzMatch(f *testing.F) {
	for _, seed := range [][2]string{{"a*b*c", "axxbyyc"}, {"h[^e]llo", "hallo"}, {`a\*`, "a*"}, {"*[a-", "xb"}, {"[", "a"}, {`\`, `\`}, {"a*?b", "aab"}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		if len(p) > 12 || len(s) > 16 {
			return
		}
		if got, want := Match(p, s), refMatch(p, s); got != want {
			t.Errorf("Match(%q, %q) = %v, the definition says %v", p, s, got, want)
		}
	})
}

// Match reports whether s matches the glob pattern as Redis's
// stringmatch does: * ? [abc] [^a] [a-z] and \ escapes.
func refMatch(pattern, s string) bool {
	return matchAt(pattern, s, 0)
}

func matchAt(p, s string, depth int) bool {
	if depth > 1000 {
		return false
	}
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 1 && p[1] == '*' {
				p = p[1:]
			}
			if len(p) == 1 {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if matchAt(p[1:], s[i:], depth+1) {
					return true
				}
			}
			return false
		case '?':
			if len(s) == 0 {
				return false
			}
			s = s[1:]
			p = p[1:]
		case '[':
			if len(s) == 0 {
				return false
			}
			p = p[1:]
			not := len(p) > 0 && p[0] == '^'
			if not {
				p = p[1:]
			}
			matched := false
			for len(p) > 0 && p[0] != ']' {
				switch {
				case p[0] == '\\' && len(p) >= 2:
					if p[1] == s[0] {
						matched = true
					}
					p = p[2:]
				case len(p) >= 3 && p[1] == '-' && p[2] != ']':
					lo, hi := p[0], p[2]
					if lo > hi {
						lo, hi = hi, lo
					}
					if s[0] >= lo && s[0] <= hi {
						matched = true
					}
					p = p[3:]
				default:
					if p[0] == s[0] {
						matched = true
					}
					p = p[1:]
				}
			}
			if len(p) > 0 {
				p = p[1:] // the ']'
			}
			if matched == not {
				return false
			}
			s = s[1:]
		case '\\':
			if len(p) >= 2 {
				p = p[1:]
			}
			fallthrough
		default:
			if len(s) == 0 || p[0] != s[0] {
				return false
			}
			s = s[1:]
			p = p[1:]
		}
	}
	return len(s) == 0
}
