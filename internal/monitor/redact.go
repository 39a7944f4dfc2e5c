package monitor

import "strings"

// Passwords never reach the slow log nor a monitor: as Redis does, the
// arguments that carry one are shown as "(redacted)". A proxy's backend
// password travels in its AUTH to the node, and SLOWLOG GET through the
// proxy would otherwise hand it to the proxy's clients.

// Redacted stands for an argument that carries a password.
const Redacted = "(redacted)"

// SecretArgs reports which arguments of a command line carry a password:
// AUTH's, HELLO's AUTH pair, MIGRATE's AUTH/AUTH2, CONFIG SET's
// requirepass and masterauth values, and ACL SETUSER's password rules.
func SecretArgs(args [][]byte) func(i int) bool {
	none := func(int) bool { return false }
	if len(args) == 0 {
		return none
	}
	word := func(i int) string { return strings.ToLower(string(args[i])) }
	switch word(0) {
	case "auth":
		return func(i int) bool { return i >= 1 }
	case "hello", "migrate":
		secret := map[int]bool{}
		for i := 1; i < len(args); i++ {
			switch word(i) {
			case "auth":
				n := 1
				if word(0) == "hello" {
					n = 2 // HELLO ... AUTH username password
				}
				for j := 1; j <= n; j++ {
					secret[i+j] = true
				}
			case "auth2":
				secret[i+1], secret[i+2] = true, true
			}
		}
		return func(i int) bool { return secret[i] }
	case "config":
		if len(args) < 2 || word(1) != "set" {
			return none
		}
		return func(i int) bool {
			if i < 3 || i%2 != 1 {
				return false
			}
			name := word(i - 1)
			return name == "requirepass" || name == "masterauth"
		}
	case "acl":
		if len(args) < 2 || word(1) != "setuser" {
			return none
		}
		return func(i int) bool {
			return i >= 3 && len(args[i]) > 0 && strings.ContainsRune("><#!", rune(args[i][0]))
		}
	}
	return none
}
