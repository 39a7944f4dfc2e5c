package acl

import (
	"strings"
	"sync/atomic"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/glob"
)

// User is a user's slot in a Table; connections hold it. Its permissions
// change as a whole when the user is changed, deleted or reloaded.
type User struct{ perms atomic.Pointer[Perms] }

// Perms returns the user's current permissions.
func (u *User) Perms() *Perms { return u.perms.Load() }

// Name returns the user's name.
func (u *User) Name() string { return u.Perms().name }

// Perms are one user's permissions at one moment. A value is never
// modified once published.
type Perms struct {
	name   string
	on     bool
	nopass bool
	// sanitize is the user's RESTORE payload flag: +1 sanitize-payload,
	// -1 skip-sanitize-payload, 0 neither (shown only: vcache checks
	// every payload whole).
	sanitize  int8
	passwords []string  // SHA-256, lower-case hex
	cmds      []uint64  // allowed commands, by Commands id
	subs      []subRule // subcommands allowed or denied apart from their command
	allKeys   bool
	patterns  []pattern
	// allChannels, channels: the pub/sub channels the user may use
	// (channels.go).
	allChannels bool
	channels    []string
	cmdRules    string // the command rules as ACL LIST shows them
	all         bool   // every command and every key: nothing to check
}

// subRule allows (+config|get) or denies (-config|set) one subcommand
// whatever its command's bit says.
type subRule struct {
	id    int
	sub   string // lower-case
	allow bool
}

// pattern is a key pattern and the access it grants (~ both, %R~ read,
// %W~ write).
type pattern struct {
	glob        string
	read, write bool
}

// Name returns the user's name.
func (p *Perms) Name() string { return p.name }

// Enabled reports whether the user is on.
func (p *Perms) Enabled() bool { return p.on }

// Denial says why a user may not run a command line. Its Error is the
// reply Redis 7 gives, NOPERM code included.
type Denial struct {
	// Reason is "command" or "key", as ACL LOG words it.
	Reason string
	// User is the user's name.
	User string
	// Object is the command's name or the key (for an index, the prefix
	// its user's key patterns do not cover).
	Object string
	// Index says the denial is of a search index's prefixes: the reply
	// is then RediSearch's (MsgIndexNoPerm).
	Index bool
}

// Error returns Redis's NOPERM reply text for the denial.
func (d *Denial) Error() string {
	if d.Index {
		return MsgIndexNoPerm
	}
	if d.Reason == ReasonKey {
		return "NOPERM No permissions to access a key"
	}
	if d.Reason == ReasonChannel {
		return MsgChannelNoPerm
	}
	return "NOPERM User " + d.User + " has no permissions to run the '" + d.Object + "' command"
}

// Reasons of denials, as ACL LOG names them.
const (
	ReasonCommand = "command"
	ReasonKey     = "key"
	ReasonAuth    = "auth"
)

// Check returns why the user may not run args (args[0] is the command's
// name; id and spec are the command's), or nil if it may. Every key of
// the command is checked. Commands that run before authentication
// (spec.NoAuth) are the caller's to exempt. As in Redis, turning a user
// off only stops new authentications; a deleted user's connections lose
// every right.
func (p *Perms) Check(id int, spec *command.Spec, args [][]byte) *Denial {
	if p.all {
		return nil
	}
	return p.check(id, spec, args)
}

func (p *Perms) check(id int, spec *command.Spec, args [][]byte) *Denial {
	allowed := id >= 0 && id/64 < len(p.cmds) && p.cmds[id/64]&(1<<(id%64)) != 0
	name := spec.Name
	if len(p.subs) > 0 && len(args) > 1 {
		// A command with subcommand rules is named with its subcommand,
		// as Redis names subcommands ('config|set').
		for _, r := range p.subs {
			if r.id != id {
				continue
			}
			name = spec.Name + "|" + strings.ToLower(string(args[1]))
			if r.sub == strings.ToLower(string(args[1])) {
				allowed = r.allow
				break
			}
		}
	}
	if !allowed {
		return &Denial{Reason: ReasonCommand, User: p.name, Object: name}
	}
	if spec.Group == "pubsub" {
		// Shard channels are keys to routing, channels to ACL.
		return p.checkChannels(spec, args)
	}
	if p.allKeys {
		return nil
	}
	read, write := spec.KeyAccess(args)
	for _, i := range spec.KeyIndexes(args) {
		if !p.keyAllowed(string(args[i]), read, write) {
			return &Denial{Reason: ReasonKey, User: p.name, Object: string(args[i])}
		}
	}
	return nil
}

// keyAllowed reports whether a pattern grants the access to key.
func (p *Perms) keyAllowed(key string, read, write bool) bool {
	for _, pat := range p.patterns {
		if (pat.read || !read) && (pat.write || !write) && glob.Match(pat.glob, key) {
			return true
		}
	}
	return false
}

// Describe renders the user as a line of ACL LIST and of an ACL file:
// "user alice on #<sha256> ~app:* &* -@all +get".
func (p *Perms) Describe() string {
	parts := append([]string{"user", p.name}, p.flags()...)
	for _, h := range p.passwords {
		parts = append(parts, "#"+h)
	}
	if k := p.keysRule(); k != "" {
		parts = append(parts, k)
	}
	parts = append(parts, p.channelsRule(), strings.TrimSpace(p.cmdRules))
	return strings.Join(parts, " ")
}

// flags returns the user's flags in Redis 7.0's order: on or off, then
// nopass, skip-sanitize-payload and sanitize-payload where they hold.
func (p *Perms) flags() []string {
	flags := []string{"off"}
	if p.on {
		flags[0] = "on"
	}
	if p.nopass {
		flags = append(flags, "nopass")
	}
	switch p.sanitize {
	case -1:
		flags = append(flags, "skip-sanitize-payload")
	case 1:
		flags = append(flags, "sanitize-payload")
	}
	return flags
}

// keysRule renders the key rules: "~*", the patterns, or "" for none (as
// Redis 7.0 shows a user without keys).
func (p *Perms) keysRule() string {
	if p.allKeys {
		return "~*"
	}
	if len(p.patterns) == 0 {
		return ""
	}
	b := make([]string, len(p.patterns))
	for i, pat := range p.patterns {
		switch {
		case pat.read && pat.write:
			b[i] = "~" + pat.glob
		case pat.read:
			b[i] = "%R~" + pat.glob
		default:
			b[i] = "%W~" + pat.glob
		}
	}
	return strings.Join(b, " ")
}

// clone returns a copy of p that shares nothing mutable with it.
func (p *Perms) clone() *Perms {
	q := *p
	q.passwords = append([]string(nil), p.passwords...)
	q.cmds = append([]uint64(nil), p.cmds...)
	q.patterns = append([]pattern(nil), p.patterns...)
	q.channels = append([]string(nil), p.channels...)
	q.subs = append([]subRule(nil), p.subs...)
	return &q
}
