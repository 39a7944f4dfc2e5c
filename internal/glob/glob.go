// Package glob matches strings against Redis's glob patterns, the ones
// KEYS, SCAN MATCH, HSCAN MATCH and ACL key patterns use: * ? [abc] [^a]
// [a-z] and backslash escapes. The cache's SCAN and the ACL rules of the
// node and the proxy share it, so a pattern means the same everywhere.
package glob

// Match reports whether s matches the glob pattern as Redis's
// stringmatch does: * ? [abc] [^a] [a-z] and \ escapes.
//
// A star records where matching resumes; on a mismatch the last star
// takes one more byte of s and matching restarts after it. Only the last
// star needs to be retried (a later star can absorb anything an earlier
// one could), so a match costs at most len(pattern)*len(s) steps, not the
// exponential time of trying every star's every length: a pattern such
// as "a*a*a*...*b" against a long run of "a" answers at once.
//
// As Redis's matcher (since CVE-2024-31228) recurses once per run of
// stars and gives up past maxNesting levels, a pattern with more than
// maxNesting runs of stars before its last other element matches
// nothing.
func Match(pattern, s string) bool {
	if !match(pattern, s) {
		return false
	}
	return len(pattern) <= maxNesting || nestedStars(pattern) <= maxNesting
}

// maxNesting is how deep Redis's matcher nests (a level per run of stars
// that something follows) before it answers no match.
const maxNesting = 1000

// nestedStars counts the runs of stars in pattern that another element
// follows: the levels Redis's matcher nests to match it.
func nestedStars(pattern string) int {
	n, star := 0, false
	for p := 0; p < len(pattern); {
		if pattern[p] == '*' {
			star = true
			p++
			continue
		}
		if star {
			n, star = n+1, false
		}
		k, _ := matchOne(pattern[p:], 0)
		p += k
	}
	return n
}

// match is Match without the nesting limit.
func match(pattern, s string) bool {
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		if p < len(pattern) {
			if pattern[p] == '*' {
				for p < len(pattern) && pattern[p] == '*' {
					p++
				}
				if p == len(pattern) {
					return true
				}
				starP, starI = p, i
				continue
			}
			if n, ok := matchOne(pattern[p:], s[i]); ok {
				p += n
				i++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		starI++
		p, i = starP, starI
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// matchOne matches c against the pattern element at the start of p (not
// a star): ?, a [class], an escaped byte or a literal. It returns how many
// bytes of p the element takes, and whether c matches it.
func matchOne(p string, c byte) (int, bool) {
	switch p[0] {
	case '?':
		return 1, true
	case '[':
		i := 1
		not := i < len(p) && p[i] == '^'
		if not {
			i++
		}
		matched := false
		for i < len(p) && p[i] != ']' {
			switch {
			case p[i] == '\\' && i+1 < len(p):
				matched = matched || p[i+1] == c
				i += 2
			case i+2 < len(p) && p[i+1] == '-' && p[i+2] != ']':
				lo, hi := p[i], p[i+2]
				if lo > hi {
					lo, hi = hi, lo
				}
				matched = matched || (c >= lo && c <= hi)
				i += 3
			default:
				matched = matched || p[i] == c
				i++
			}
		}
		if i < len(p) {
			i++ // the ']'
		}
		return i, matched != not
	case '\\':
		if len(p) >= 2 {
			return 2, p[1] == c
		}
	}
	return 1, p[0] == c
}
