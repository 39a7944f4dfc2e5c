package acl

import (
	"strings"

	"github.com/vcache/vcache/internal/glob"
)

// Search indexes and key patterns. A search command works on every key
// under its index's prefixes, so (as RediSearch does with Redis's key
// prefix permissions) a user may run it only if its key patterns cover
// each prefix: for every key that starts with the prefix, some pattern
// with the access needed matches it. An index with no prefix covers the
// whole keyspace.

// MsgIndexNoPerm is RediSearch's reply to a search command on an index
// whose prefixes the user's key patterns do not cover.
const MsgIndexNoPerm = "NOPERM User does not have the required permissions to query the index"

// CheckPrefixes returns why the user may not use an index over prefixes
// (none: every key) with the access read and write say, or nil if it may.
// The denial's Reason is ReasonKey and its Object the first prefix not
// covered.
func (p *Perms) CheckPrefixes(prefixes []string, read, write bool) *Denial {
	if p.all || p.allKeys {
		return nil
	}
	if len(prefixes) == 0 {
		prefixes = []string{""}
	}
	for _, pre := range prefixes {
		if !p.coversPrefix(pre, read, write) {
			return &Denial{Reason: ReasonKey, User: p.name, Object: pre, Index: true}
		}
	}
	return nil
}

// UnrestrictedKeys reports whether the user may touch every key, so that
// no index needs checking.
func (p *Perms) UnrestrictedKeys() bool { return p.all || p.allKeys }

// coversPrefix reports whether some pattern granting the access matches
// every key that starts with prefix.
func (p *Perms) coversPrefix(prefix string, read, write bool) bool {
	for _, pat := range p.patterns {
		if (pat.read || !read) && (pat.write || !write) && PatternCovers(pat.glob, prefix) {
			return true
		}
	}
	return false
}

// PatternCovers reports whether the glob pattern matches every string
// that starts with prefix. It errs on the side of false: it is true only
// when the pattern is a head of literal characters, '?' and '*' followed
// by a trailing '*', and some beginning of prefix matches that head (then
// the trailing '*' takes whatever follows). Patterns with classes or
// escapes are never taken to cover a prefix.
func PatternCovers(pattern, prefix string) bool {
	head := strings.TrimRight(pattern, "*")
	if len(head) == len(pattern) || strings.ContainsAny(head, `[\`) {
		return false
	}
	for i := 0; i <= len(prefix); i++ {
		if glob.Match(head, prefix[:i]) {
			return true
		}
	}
	return false
}

// MayRead reports whether the user may read key's value.
func (p *Perms) MayRead(key string) bool {
	return p.all || p.allKeys || p.keyAllowed(key, true, false)
}
