package node

import (
	"strings"
	"testing"
)

// TestSlowlogRedactsPasswords: with every command in the slow log, the
// passwords of AUTH, HELLO AUTH, CONFIG SET requirepass and ACL SETUSER
// show as "(redacted)", as Redis shows them, and the other arguments stay.
func TestSlowlogRedactsPasswords(t *testing.T) {
	const secret = "Sl0wl0g-S3cret"
	tn := startNode(t, func(c *Config) { c.RequirePass = secret })
	rc := tn.raw(t)
	for _, c := range [][]string{
		{"AUTH", secret},
		{"CONFIG", "SET", "slowlog-log-slower-than", "0"},
		{"SLOWLOG", "RESET"},
		{"AUTH", "default", secret},
		{"HELLO", "2", "AUTH", "default", secret, "SETNAME", "kept-name"},
		{"ACL", "SETUSER", "bob", "on", ">" + secret, "~*", "+@all"},
		{"CONFIG", "SET", "requirepass", secret, "slowlog-max-len", "128"},
	} {
		if got := rc.do(c...); strings.HasPrefix(got, "(error)") {
			t.Fatalf("%v: %s", c, got)
		}
	}
	got := rc.do("SLOWLOG", "GET", "-1")
	if strings.Contains(got, secret) {
		t.Fatalf("SLOWLOG GET shows the password:\n%s", got)
	}
	for _, want := range []string{`"(redacted)"`, `"kept-name"`, `"slowlog-max-len"`, `"bob"`, `"~*"`} {
		if !strings.Contains(got, want) {
			t.Errorf("SLOWLOG GET lacks %s:\n%s", want, got)
		}
	}
	// AUTH default <pass>: 2, HELLO's AUTH pair: 2, the SETUSER rule: 1,
	// the requirepass value: 1.
	if n := strings.Count(got, `"(redacted)"`); n != 6 {
		t.Errorf("%d redacted arguments, want 6:\n%s", n, got)
	}
}
