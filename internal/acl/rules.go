package acl

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
)

// Errors of ACL rules, in Redis's words (ACL SETUSER puts them after
// "Error in ACL SETUSER modifier '<rule>': ").
var (
	ErrUnknownCommand  = errors.New("Unknown command or category name in ACL")
	ErrSyntax          = errors.New("Syntax error")
	ErrBadHash         = errors.New("The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters")
	ErrNoSuchPassword  = errors.New("The password you are trying to remove from the user does not exist")
	ErrPatternAfterAll = errors.New("Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns")
)

// HashPassword returns a password's SHA-256 in lower-case hex, the form
// Redis stores and ACL LIST shows (#<hash>).
func HashPassword(pass string) string {
	h := sha256.Sum256([]byte(pass))
	return hex.EncodeToString(h[:])
}

// newPerms returns the permissions of a new user: off, no password, no
// command, no key, and every channel or none as acl-pubsub-default says
// (SetPubsubDefault).
func (c *Commands) newPerms(name string) *Perms {
	return &Perms{name: name, cmds: c.bits(), cmdRules: "-@all", allChannels: c.pubsubAll.Load()}
}

// defaultPerms returns the default user's permissions: on, every command
// and key, with pass as its password (nopass without one).
func (c *Commands) defaultPerms(pass string) *Perms {
	p := &Perms{name: "default", on: true, cmds: c.allBits(), allKeys: true, allChannels: true, cmdRules: "+@all", all: true}
	if pass == "" {
		p.nopass = true
	} else {
		p.passwords = []string{HashPassword(pass)}
	}
	return p
}

// applyRules applies ACL SETUSER rules to a copy of p and returns it; on
// the first bad rule it returns that rule's index and error, and p is
// unchanged.
func (c *Commands) applyRules(p *Perms, rules []string) (*Perms, int, error) {
	q := p.clone()
	for i, r := range rules {
		if err := c.apply(q, r); err != nil {
			return nil, i, err
		}
	}
	q.all = q.allKeys && q.allChannels && slices.Equal(q.cmds, c.allBits()) &&
		!slices.ContainsFunc(q.subs, func(r subRule) bool { return !r.allow })
	return q, -1, nil
}

// apply changes p by one rule.
func (c *Commands) apply(p *Perms, rule string) error {
	lower := strings.ToLower(rule)
	switch {
	case lower == "on":
		p.on = true
	case lower == "off":
		p.on = false
	case lower == "sanitize-payload":
		p.sanitize = 1
	case lower == "skip-sanitize-payload":
		p.sanitize = -1
	case lower == "nopass":
		p.nopass, p.passwords = true, nil
	case lower == "resetpass":
		p.nopass, p.passwords = false, nil
	case strings.HasPrefix(rule, ">"):
		h := HashPassword(rule[1:])
		if !slices.Contains(p.passwords, h) {
			p.passwords = append(p.passwords, h)
		}
		p.nopass = false
	case strings.HasPrefix(rule, "<"):
		h := HashPassword(rule[1:])
		if !slices.Contains(p.passwords, h) {
			return ErrNoSuchPassword
		}
		p.passwords = slices.DeleteFunc(p.passwords, func(x string) bool { return x == h })
	case strings.HasPrefix(rule, "#"):
		h := strings.ToLower(rule[1:])
		if _, err := hex.DecodeString(h); err != nil || len(h) != 64 {
			return ErrBadHash
		}
		if !slices.Contains(p.passwords, h) {
			p.passwords = append(p.passwords, h)
		}
		p.nopass = false
	case lower == "allkeys" || rule == "~*":
		p.allKeys, p.patterns = true, nil
	case lower == "resetkeys":
		p.allKeys, p.patterns = false, nil
	case strings.HasPrefix(rule, "~") || strings.HasPrefix(rule, "%"):
		return p.addPattern(rule)
	case lower == "allchannels" || lower == "resetchannels" || strings.HasPrefix(rule, "&"):
		return p.applyChannelRule(rule)
	case lower == "allcommands" || lower == "+@all":
		p.setCommands(c, true, func(int) bool { return true })
		p.cmdRules = "+@all"
	case lower == "nocommands" || lower == "-@all":
		p.setCommands(c, false, func(int) bool { return true })
		p.cmdRules = "-@all"
	case strings.HasPrefix(lower, "+@") || strings.HasPrefix(lower, "-@"):
		cat := lower[2:]
		if !slices.Contains(c.cats, cat) {
			return ErrUnknownCommand
		}
		p.setCommands(c, lower[0] == '+', func(id int) bool { return slices.Contains(c.catOf[id], cat) })
		p.cmdRules += " " + lower
	case strings.HasPrefix(lower, "+") || strings.HasPrefix(lower, "-"):
		name, sub, isSub := strings.Cut(lower[1:], "|")
		id, ok := c.ids[name]
		if !ok || (isSub && (sub == "" || strings.Contains(sub, "|"))) {
			return ErrUnknownCommand
		}
		if isSub {
			// One subcommand (+config|get, -acl|setuser), apart from the
			// rest of its command.
			p.subs = slices.DeleteFunc(p.subs, func(r subRule) bool { return r.id == id && r.sub == sub })
			p.subs = append(p.subs, subRule{id: id, sub: sub, allow: lower[0] == '+'})
		} else {
			p.setCommands(c, lower[0] == '+', func(i int) bool { return i == id })
		}
		p.cmdRules += " " + lower
	case lower == "reset":
		*p = *c.newPerms(p.name)
		p.sanitize = 1
	default:
		return ErrSyntax
	}
	return nil
}

// setCommands allows (or denies) the commands match accepts, whole: their
// subcommand rules go.
func (p *Perms) setCommands(c *Commands, on bool, match func(id int) bool) {
	c.set(p.cmds, on, match)
	p.subs = slices.DeleteFunc(p.subs, func(r subRule) bool { return match(r.id) })
}

// addPattern adds a key pattern: ~glob (read and write), %R~glob,
// %W~glob or %RW~glob.
func (p *Perms) addPattern(rule string) error {
	pat := pattern{read: true, write: true}
	if rule[0] == '%' {
		// Redis takes each of R and W once, then "~" and the glob; without
		// a "~" the glob is empty (no key but ""). No flag at all ("%~",
		// "%") is refused since CVE-2024-51741.
		flags, glob, _ := strings.Cut(rule[1:], "~")
		pat.read, pat.write = false, false
		for _, f := range flags {
			switch {
			case (f == 'R' || f == 'r') && !pat.read:
				pat.read = true
			case (f == 'W' || f == 'w') && !pat.write:
				pat.write = true
			default:
				return ErrSyntax
			}
		}
		if flags == "" {
			return ErrSyntax
		}
		pat.glob = glob
	} else {
		pat.glob = rule[1:]
	}
	if p.allKeys {
		return ErrPatternAfterAll
	}
	if pat.read && pat.write && pat.glob == "*" {
		p.allKeys, p.patterns = true, nil
		return nil
	}
	if !slices.Contains(p.patterns, pat) {
		p.patterns = append(p.patterns, pat)
	}
	return nil
}
