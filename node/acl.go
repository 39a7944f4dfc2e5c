package node

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
)

// Access control lists, as Redis 6+ has them: users with passwords,
// allowed commands (by name or category) and key patterns. The "default"
// user is the one requirepass sets a password for. A connection
// authenticates as a user and holds a reference to that user's current
// permissions, so ACL SETUSER applies to its connections at once. Users
// are this node's own (ACL commands are not sent to other nodes).
//
// The check costs nothing for a user with every command and key (such as
// the default user): one pointer load and a flag.

// aclPerms are one user's permissions; a value is never modified once
// published.
type aclPerms struct {
	name      string
	on        bool
	nopass    bool
	passwords []string // SHA-256, hex
	cmds      []uint64 // allowed commands, by cmdEntry.id
	allKeys   bool
	patterns  []string
	cmdRules  string // the command rules in the form ACL LIST shows
	all       bool   // every command and every key: no checks
}

// aclUser is a user's slot; connections hold it.
type aclUser struct{ perms atomic.Pointer[aclPerms] }

// aclState is the node's users.
type aclState struct {
	mu    sync.RWMutex // guards users
	users map[string]*aclUser
}

var (
	errWrongPass = errors.New("WRONGPASS invalid username-password pair or user is disabled.")
)

func hashPass(p string) string {
	h := sha256.Sum256([]byte(p))
	return hex.EncodeToString(h[:])
}

// initACL makes the default user: every command and key, with
// requirepass as its password (nopass without one).
func (n *Node) initACL() {
	n.acl.users = map[string]*aclUser{}
	p := &aclPerms{name: "default", on: true, allKeys: true, cmdRules: "+@all"}
	p.cmds = n.allCommandBits()
	if pass := n.cfg.RequirePass; pass != "" {
		p.passwords = []string{hashPass(pass)}
	} else {
		p.nopass = true
	}
	p.all = true
	u := &aclUser{}
	u.perms.Store(p)
	n.acl.users["default"] = u
}

// setDefaultPassword follows CONFIG SET requirepass.
func (n *Node) setDefaultPassword(pass string) {
	n.acl.mu.Lock()
	defer n.acl.mu.Unlock()
	u := n.acl.users["default"]
	if u == nil {
		return
	}
	p := *u.perms.Load()
	if pass == "" {
		p.nopass, p.passwords = true, nil
	} else {
		p.nopass, p.passwords = false, []string{hashPass(pass)}
	}
	u.perms.Store(&p)
}

func (n *Node) allCommandBits() []uint64 {
	bits := make([]uint64, (len(n.cmdList)+63)/64)
	for i := range n.cmdList {
		bits[i/64] |= 1 << (i % 64)
	}
	return bits
}

// authenticate returns the user that name and pass open, or
// errWrongPass.
func (n *Node) authenticate(name, pass string) (*aclUser, error) {
	if name == "" {
		name = "default"
	}
	n.acl.mu.RLock()
	u := n.acl.users[name]
	n.acl.mu.RUnlock()
	if u == nil {
		return nil, errWrongPass
	}
	p := u.perms.Load()
	if !p.on {
		return nil, errWrongPass
	}
	if p.nopass {
		return u, nil
	}
	h := hashPass(pass)
	for _, want := range p.passwords {
		if subtle.ConstantTimeCompare([]byte(h), []byte(want)) == 1 {
			return u, nil
		}
	}
	return nil, errWrongPass
}

// aclDenied returns the NOPERM error for running args as the client's
// user, or "".
func (n *Node) aclDenied(c *client, e *cmdEntry, args [][]byte) string {
	if c.user == nil || e.spec.Has(command.NoAuth) {
		return ""
	}
	p := c.user.perms.Load()
	if p.all {
		return ""
	}
	if !p.on {
		return "NOPERM User " + p.name + " has no permissions to run the '" + e.spec.Name + "' command"
	}
	if p.cmds[e.id/64]&(1<<(e.id%64)) == 0 {
		return "NOPERM User " + p.name + " has no permissions to run the '" + e.spec.Name + "' command"
	}
	if p.allKeys {
		return ""
	}
	for _, i := range e.spec.KeyIndexes(args) {
		k := string(args[i])
		if !slices.ContainsFunc(p.patterns, func(pat string) bool { return cache.Match(pat, k) }) {
			return "NOPERM No permissions to access a key"
		}
	}
	return ""
}

// categories returns the ACL categories of a command, derived from the
// shared command table.
func categories(s *command.Spec) []string {
	var out []string
	if s.Has(command.Readonly) {
		out = append(out, "read")
	}
	if s.Has(command.Write) {
		out = append(out, "write")
	}
	if s.Has(command.Admin) {
		out = append(out, "admin", "dangerous")
	}
	switch s.Group {
	case "generic":
		out = append(out, "keyspace")
	case "string", "hash", "connection", "search", "transactions", "cluster":
		out = append(out, strings.TrimSuffix(s.Group, "s"))
	case "vectorset":
		out = append(out, "vectorset")
	case "server":
		out = append(out, "server")
	}
	switch s.Name {
	case "flushall", "flushdb", "keys", "shutdown", "config":
		if !slices.Contains(out, "dangerous") {
			out = append(out, "dangerous")
		}
	}
	if s.Has(command.Blocking) {
		out = append(out, "blocking")
	}
	return out
}

// allCategories lists every category any command has, sorted, with "all".
func (n *Node) allCategories() []string {
	set := map[string]bool{}
	for _, e := range n.cmdList {
		for _, c := range categories(e.spec) {
			set[c] = true
		}
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// applyRule changes p by one ACL SETUSER rule.
func (n *Node) applyRule(p *aclPerms, rule string) error {
	lower := strings.ToLower(rule)
	setCmd := func(on bool, match func(e *cmdEntry) bool) {
		for i, e := range n.cmdList {
			if match(e) {
				if on {
					p.cmds[i/64] |= 1 << (i % 64)
				} else {
					p.cmds[i/64] &^= 1 << (i % 64)
				}
			}
		}
	}
	switch {
	case lower == "on":
		p.on = true
	case lower == "off":
		p.on = false
	case lower == "nopass":
		p.nopass, p.passwords = true, nil
	case lower == "resetpass":
		p.nopass, p.passwords = false, nil
	case strings.HasPrefix(rule, ">"):
		h := hashPass(rule[1:])
		if !slices.Contains(p.passwords, h) {
			p.passwords = append(p.passwords, h)
		}
		p.nopass = false
	case strings.HasPrefix(rule, "<"):
		h := hashPass(rule[1:])
		p.passwords = slices.DeleteFunc(p.passwords, func(x string) bool { return x == h })
	case strings.HasPrefix(rule, "#") && len(rule) == 65:
		p.passwords = append(p.passwords, strings.ToLower(rule[1:]))
		p.nopass = false
	case lower == "allkeys" || rule == "~*":
		p.allKeys, p.patterns = true, nil
	case lower == "resetkeys":
		p.allKeys, p.patterns = false, nil
	case strings.HasPrefix(rule, "~") || strings.HasPrefix(rule, "%RW~") || strings.HasPrefix(rule, "%R~") || strings.HasPrefix(rule, "%W~"):
		if !p.allKeys {
			p.patterns = append(p.patterns, rule[strings.Index(rule, "~")+1:])
		}
	case lower == "allchannels" || lower == "resetchannels" || strings.HasPrefix(rule, "&"):
		// vcache has no pub/sub: channel rules are accepted and ignored.
	case lower == "allcommands" || lower == "+@all":
		setCmd(true, func(*cmdEntry) bool { return true })
		p.cmdRules = "+@all"
	case lower == "nocommands" || lower == "-@all":
		setCmd(false, func(*cmdEntry) bool { return true })
		p.cmdRules = "-@all"
	case strings.HasPrefix(lower, "+@") || strings.HasPrefix(lower, "-@"):
		cat := lower[2:]
		if !slices.Contains(n.allCategories(), cat) {
			return errors.New("Unknown command or category name in ACL")
		}
		setCmd(lower[0] == '+', func(e *cmdEntry) bool { return slices.Contains(categories(e.spec), cat) })
		p.cmdRules += " " + lower
	case strings.HasPrefix(lower, "+") || strings.HasPrefix(lower, "-"):
		name := lower[1:]
		if strings.Contains(name, "|") {
			name, _, _ = strings.Cut(name, "|") // subcommands: the whole command
		}
		if n.lookup([]byte(name)) == nil {
			return errors.New("Unknown command or category name in ACL")
		}
		setCmd(lower[0] == '+', func(e *cmdEntry) bool { return e.spec.Name == name })
		p.cmdRules += " " + lower
	case lower == "reset":
		*p = aclPerms{name: p.name, cmds: make([]uint64, len(p.cmds)), cmdRules: "-@all"}
	default:
		return errors.New("Syntax error")
	}
	return nil
}

// describe renders a user as ACL LIST does.
func (p *aclPerms) describe() string {
	parts := []string{"user", p.name, map[bool]string{true: "on", false: "off"}[p.on]}
	if p.nopass {
		parts = append(parts, "nopass")
	}
	for _, h := range p.passwords {
		parts = append(parts, "#"+h)
	}
	parts = append(parts, p.keysRule(), "&*", strings.TrimSpace(p.cmdRules))
	return strings.Join(parts, " ")
}

func (p *aclPerms) keysRule() string {
	if p.allKeys {
		return "~*"
	}
	var b []string
	for _, pat := range p.patterns {
		b = append(b, "~"+pat)
	}
	if len(b) == 0 {
		return "resetkeys"
	}
	return strings.Join(b, " ")
}

func cmdACL(cx *Ctx) {
	n := cx.Node
	args := cx.Args
	switch sub := strings.ToLower(string(args[1])); {
	case sub == "setuser" && len(args) >= 3:
		name := string(args[2])
		n.acl.mu.Lock()
		defer n.acl.mu.Unlock()
		u := n.acl.users[name]
		var p aclPerms
		if u != nil {
			p = *u.perms.Load()
			p.cmds = slices.Clone(p.cmds)
			p.passwords = slices.Clone(p.passwords)
			p.patterns = slices.Clone(p.patterns)
		} else {
			p = aclPerms{name: name, cmds: make([]uint64, (len(n.cmdList)+63)/64), cmdRules: "-@all"}
		}
		for _, r := range args[3:] {
			if err := n.applyRule(&p, string(r)); err != nil {
				cx.Error("ERR Error in ACL SETUSER modifier '" + string(r) + "': " + err.Error())
				return
			}
		}
		p.all = p.allKeys && slices.Equal(p.cmds, n.allCommandBits())
		if u == nil {
			u = &aclUser{}
			n.acl.users[name] = u
		}
		u.perms.Store(&p)
		cx.OK()
	case sub == "getuser" && len(args) == 3:
		n.acl.mu.RLock()
		u := n.acl.users[string(args[2])]
		n.acl.mu.RUnlock()
		if u == nil {
			cx.Null()
			return
		}
		p := u.perms.Load()
		cx.Array(12)
		cx.BulkString("flags")
		flags := []string{map[bool]string{true: "on", false: "off"}[p.on]}
		if p.nopass {
			flags = append(flags, "nopass")
		}
		cx.Array(len(flags))
		for _, f := range flags {
			cx.BulkString(f)
		}
		cx.BulkString("passwords")
		cx.Array(len(p.passwords))
		for _, h := range p.passwords {
			cx.BulkString(h)
		}
		cx.BulkString("commands")
		cx.BulkString(strings.TrimSpace(p.cmdRules))
		cx.BulkString("keys")
		if k := p.keysRule(); k == "resetkeys" {
			cx.BulkString("")
		} else {
			cx.BulkString(k)
		}
		cx.BulkString("channels")
		cx.BulkString("&*")
		cx.BulkString("selectors")
		cx.Array(0)
	case sub == "deluser" && len(args) >= 3:
		n.acl.mu.Lock()
		defer n.acl.mu.Unlock()
		deleted := 0
		for _, a := range args[2:] {
			name := string(a)
			if name == "default" {
				cx.Error("ERR The 'default' user cannot be removed")
				return
			}
			if u := n.acl.users[name]; u != nil {
				// Its connections lose every permission.
				off := *u.perms.Load()
				off.on, off.all = false, false
				u.perms.Store(&off)
				delete(n.acl.users, name)
				deleted++
			}
		}
		cx.Int(int64(deleted))
	case sub == "list" && len(args) == 2:
		lines := n.aclLines(func(p *aclPerms) string { return p.describe() })
		cx.Array(len(lines))
		for _, l := range lines {
			cx.BulkString(l)
		}
	case sub == "users" && len(args) == 2:
		lines := n.aclLines(func(p *aclPerms) string { return p.name })
		cx.Array(len(lines))
		for _, l := range lines {
			cx.BulkString(l)
		}
	case sub == "whoami" && len(args) == 2:
		if cx.cl.user == nil {
			cx.BulkString("default")
			return
		}
		cx.BulkString(cx.cl.user.perms.Load().name)
	case sub == "cat" && len(args) <= 3:
		if len(args) == 2 {
			cats := n.allCategories()
			cx.Array(len(cats))
			for _, c := range cats {
				cx.BulkString(c)
			}
			return
		}
		cat := strings.ToLower(string(args[2]))
		if !slices.Contains(n.allCategories(), cat) {
			cx.Error("ERR Unknown category '" + cat + "'")
			return
		}
		var names []string
		for _, e := range n.cmdList {
			if slices.Contains(categories(e.spec), cat) {
				names = append(names, e.spec.Name)
			}
		}
		cx.Array(len(names))
		for _, s := range names {
			cx.BulkString(s)
		}
	default:
		cx.Error("ERR unknown subcommand or wrong number of arguments for '" + string(args[1]) + "'. Try ACL HELP.")
	}
}

// aclLines renders every user with f, by name.
func (n *Node) aclLines(f func(*aclPerms) string) []string {
	n.acl.mu.RLock()
	defer n.acl.mu.RUnlock()
	names := make([]string, 0, len(n.acl.users))
	for name := range n.acl.users {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]string, len(names))
	for i, name := range names {
		out[i] = f(n.acl.users[name].perms.Load())
	}
	return out
}
