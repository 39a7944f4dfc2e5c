package acl

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
)

// ErrWrongPass is the reply to a failed AUTH: no such user, a wrong
// password, or a user that is off. Its text is Redis's reply.
var ErrWrongPass = errors.New("WRONGPASS invalid username-password pair or user is disabled.")

// ErrDeleteDefault refuses to delete the default user.
var ErrDeleteDefault = errors.New("The 'default' user cannot be removed")

// ErrPubsubDefault refuses a value of acl-pubsub-default other than
// allchannels and resetchannels (CONFIG SET's text adds the name).
var ErrPubsubDefault = errors.New("argument(s) must be one of the following: allchannels, resetchannels")

// ErrBadUsername refuses a user name an ACL file could not hold.
var ErrBadUsername = errors.New("Usernames can't contain spaces or null characters")

// RuleError is a rule ACL SETUSER could not apply; nothing was changed.
type RuleError struct {
	Rule string
	Err  error
}

// Error returns ACL SETUSER's reply text, without the ERR code.
func (e *RuleError) Error() string {
	return "Error in ACL SETUSER modifier '" + e.Rule + "': " + e.Err.Error()
}

// Unwrap returns the rule's error (ErrSyntax, ErrUnknownCommand, ...).
func (e *RuleError) Unwrap() error { return e.Err }

// Config configures a Table.
type Config struct {
	// RequirePass is the default user's password; empty: nopass.
	RequirePass string
	// File is the ACL file: loaded by NewTable and ACL LOAD, written by
	// ACL SAVE. Empty: no file, and ACL LOAD and SAVE answer Redis's
	// error.
	File string
	// Log receives what ACL SAVE could not write; nil discards it.
	Log *slog.Logger
	// PubsubDefault is acl-pubsub-default at start ("" for Redis 7's
	// resetchannels): it applies to the users of File too.
	PubsubDefault string
}

// Table is a server's users. It is safe for concurrent use.
type Table struct {
	cmds   *Commands
	file   string
	log    Log
	logger *slog.Logger

	// mu guards users and requirePass; the perms the users point to are
	// immutable.
	mu          sync.RWMutex
	users       map[string]*User
	requirePass string
}

// NewTable returns the users of a server serving cmds: the default user
// (every command and key, password cfg.RequirePass), then those of
// cfg.File if set. A file that cannot be read or has a bad line is an
// error that names the file and the line.
func NewTable(cmds *Commands, cfg Config) (*Table, error) {
	t := &Table{cmds: cmds, file: cfg.File, logger: cfg.Log, users: map[string]*User{}, requirePass: cfg.RequirePass}
	if t.logger == nil {
		t.logger = slog.New(slog.DiscardHandler)
	}
	u := &User{}
	u.perms.Store(cmds.defaultPerms(cfg.RequirePass))
	t.users["default"] = u
	if cfg.PubsubDefault != "" {
		if err := t.SetPubsubDefault(cfg.PubsubDefault); err != nil {
			return nil, fmt.Errorf("acl-pubsub-default: %w", err)
		}
	}
	if cfg.File != "" {
		if err := t.Load(); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Commands returns the commands the table grants.
func (t *Table) Commands() *Commands { return t.cmds }

// File returns the ACL file's path, or "".
func (t *Table) File() string { return t.file }

// Log returns the table's log of denials.
func (t *Table) Log() *Log { return &t.log }

// User returns the named user, or nil.
func (t *Table) User(name string) *User {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.users[name]
}

// DefaultIfOpen returns the default user when it is on and needs no
// password (new connections start as it), else nil.
func (t *Table) DefaultIfOpen() *User {
	u := t.User("default")
	if u == nil {
		return nil
	}
	if p := u.Perms(); p.on && p.nopass {
		return u
	}
	return nil
}

// DefaultNoPass reports whether the default user has nopass, when
// Redis answers AUTH <password> with an error.
func (t *Table) DefaultNoPass() bool {
	u := t.User("default")
	return u != nil && u.Perms().nopass
}

// SetRequirePass makes pass the default user's only password (nopass if
// empty), as CONFIG SET requirepass does.
func (t *Table) SetRequirePass(pass string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.requirePass = pass
	u := t.users["default"]
	p := u.Perms().clone()
	if pass == "" {
		p.nopass, p.passwords = true, nil
	} else {
		p.nopass, p.passwords = false, []string{HashPassword(pass)}
	}
	u.perms.Store(p)
}

// Authenticate returns the user that name and pass open ("" is the
// default user), or ErrWrongPass.
func (t *Table) Authenticate(name, pass string) (*User, error) {
	if name == "" {
		name = "default"
	}
	u := t.User(name)
	if u == nil {
		return nil, ErrWrongPass
	}
	p := u.Perms()
	if !p.on {
		return nil, ErrWrongPass
	}
	if p.nopass {
		return u, nil
	}
	h := HashPassword(pass)
	ok := 0
	for _, want := range p.passwords {
		ok |= subtle.ConstantTimeCompare([]byte(h), []byte(want))
	}
	if ok == 1 {
		return u, nil
	}
	return nil, ErrWrongPass
}

// SetUser creates or changes a user by ACL SETUSER rules, all or
// nothing: a bad rule is a *RuleError and changes nothing.
func (t *Table) SetUser(name string, rules []string) error {
	if name == "" || strings.ContainsAny(name, " \t\r\n\x00") {
		return ErrBadUsername
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	u := t.users[name]
	p := t.cmds.newPerms(name)
	if u != nil {
		p = u.Perms()
	}
	q, i, err := t.cmds.applyRules(p, rules)
	if err != nil {
		return &RuleError{Rule: rules[i], Err: err}
	}
	if u == nil {
		u = &User{}
		t.users[name] = u
	}
	u.perms.Store(q)
	return nil
}

// DelUsers deletes users and returns how many existed. Their open
// connections lose every right. The default user cannot be deleted
// (ErrDeleteDefault, and nothing is deleted).
func (t *Table) DelUsers(names ...string) (int, error) {
	for _, n := range names {
		if n == "default" {
			return 0, ErrDeleteDefault
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	deleted := 0
	for _, n := range names {
		if u := t.users[n]; u != nil {
			t.revoke(u)
			delete(t.users, n)
			deleted++
		}
	}
	return deleted, nil
}

// revoke takes every right from a user that is going away.
func (t *Table) revoke(u *User) {
	p := t.cmds.newPerms(u.Perms().name)
	p.allChannels = false
	u.perms.Store(p)
}

// PubsubDefault returns acl-pubsub-default: "allchannels" or
// "resetchannels" (Redis 7's default).
func (t *Table) PubsubDefault() string {
	if t.cmds.pubsubAll.Load() {
		return "allchannels"
	}
	return "resetchannels"
}

// SetPubsubDefault sets acl-pubsub-default ("allchannels" or
// "resetchannels", in any case): the channels of users created or reset
// from now on; existing users keep theirs. Another value is an error.
func (t *Table) SetPubsubDefault(v string) error {
	switch strings.ToLower(v) {
	case "allchannels":
		t.cmds.pubsubAll.Store(true)
	case "resetchannels":
		t.cmds.pubsubAll.Store(false)
	default:
		return ErrPubsubDefault
	}
	return nil
}

// List returns every user described as ACL LIST does, by name.
func (t *Table) List() []string {
	return t.each(func(p *Perms) string { return p.Describe() })
}

// Names returns every user's name, sorted.
func (t *Table) Names() []string {
	return t.each(func(p *Perms) string { return p.name })
}

func (t *Table) each(f func(*Perms) string) []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	names := make([]string, 0, len(t.users))
	for n := range t.users {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = f(t.users[n].Perms())
	}
	return out
}

// replace installs a whole new set of users (ACL LOAD): users that stay
// keep their slots, so their connections follow the new rules; users
// that go lose their rights.
func (t *Table) replace(next map[string]*Perms) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for name, u := range t.users {
		if p, ok := next[name]; ok {
			u.perms.Store(p)
		} else {
			t.revoke(u)
			delete(t.users, name)
		}
	}
	for name, p := range next {
		if t.users[name] == nil {
			u := &User{}
			u.perms.Store(p)
			t.users[name] = u
		}
	}
}
