package acl

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/vcache/vcache/internal/resp"
)

// Command runs the ACL command (args[0] is "acl") for a connection
// authenticated as u (nil: an internal connection, shown as the default
// user) and appends its reply to dst: SETUSER, GETUSER, DELUSER, LIST,
// USERS, WHOAMI, CAT, LOAD, SAVE, LOG, GENPASS and HELP, as Redis 7
// answers them.
func (t *Table) Command(dst []byte, u *User, args [][]byte) []byte {
	argc := len(args)
	sub := ""
	if argc > 1 {
		sub = strings.ToLower(string(args[1]))
	}
	switch {
	case sub == "setuser" && argc >= 3:
		rules := make([]string, argc-3)
		for i, r := range args[3:] {
			rules[i] = string(r)
		}
		if err := t.SetUser(string(args[2]), rules); err != nil {
			return errReply(dst, err)
		}
		return resp.AppendSimple(dst, "OK")
	case sub == "getuser" && argc == 3:
		return t.getUser(dst, string(args[2]))
	case sub == "deluser" && argc >= 3:
		names := make([]string, argc-2)
		for i, a := range args[2:] {
			names[i] = string(a)
		}
		n, err := t.DelUsers(names...)
		if err != nil {
			return errReply(dst, err)
		}
		return resp.AppendInt(dst, int64(n))
	case sub == "list" && argc == 2:
		return appendStrings(dst, t.List())
	case sub == "users" && argc == 2:
		return appendStrings(dst, t.Names())
	case sub == "whoami" && argc == 2:
		if u == nil {
			return resp.AppendBulk(dst, "default")
		}
		return resp.AppendBulk(dst, u.Name())
	case sub == "cat" && argc == 2:
		return appendStrings(dst, t.cmds.Categories())
	case sub == "cat" && argc == 3:
		cat := strings.ToLower(string(args[2]))
		names, ok := t.cmds.InCategory(cat)
		if !ok {
			return resp.AppendError(dst, "ERR Unknown category '"+string(args[2])+"'") // as written
		}
		return appendStrings(dst, names)
	case (sub == "load" || sub == "save") && t.file == "":
		return errReply(dst, ErrNoFile)
	case sub == "load" && argc == 2:
		if err := t.Load(); err != nil {
			return resp.AppendError(dst, "ERR "+err.Error()+" WARNING: ACL errors detected, no change to the previously active ACL rules was performed")
		}
		return resp.AppendSimple(dst, "OK")
	case sub == "save" && argc == 2:
		if err := t.Save(); err != nil {
			return errReply(dst, err)
		}
		return resp.AppendSimple(dst, "OK")
	case sub == "log" && argc <= 3:
		return t.logReply(dst, args[2:])
	case sub == "genpass" && argc <= 3:
		bits := int64(256)
		if argc == 3 {
			var err error
			if bits, err = strconv.ParseInt(string(args[2]), 10, 64); err != nil {
				return resp.AppendError(dst, "ERR value is not an integer or out of range")
			}
		}
		if bits <= 0 || bits > 4096 {
			return resp.AppendError(dst, "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096")
		}
		b := make([]byte, (bits+7)/8)
		rand.Read(b)
		return resp.AppendBulk(dst, hex.EncodeToString(b)[:(bits+3)/4])
	case sub == "help" && argc == 2:
		return appendStrings(dst, helpLines)
	}
	name := ""
	if argc > 1 {
		name = string(args[1])
	}
	return resp.AppendError(dst, "ERR unknown subcommand or wrong number of arguments for '"+name+"'. Try ACL HELP.")
}

var helpLines = []string{
	"ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"CAT [<category>]", "    List all commands that belong to <category>, or all command categories.",
	"DELUSER <username> [<username> ...]", "    Delete a list of users.",
	"GETUSER <username>", "    Get the user's details.",
	"GENPASS [<bits>]", "    Generate a secure 256-bit user password.",
	"LIST", "    Show users details in config file format.",
	"USERS", "    List all the registered usernames.",
	"SETUSER <username> <attribute> [<attribute> ...]", "    Create or modify a user with the specified attributes.",
	"WHOAMI", "    Return the current connection username.",
	"LOAD", "    Reload users from the ACL file.",
	"SAVE", "    Save the current config to the ACL file.",
	"LOG [<count> | RESET]", "    Show the ACL log entries.",
	"HELP", "    Print this help.",
}

// errReply appends err as an error reply with the ERR code.
func errReply(dst []byte, err error) []byte {
	return resp.AppendError(dst, "ERR "+err.Error())
}

func appendStrings(dst []byte, ss []string) []byte {
	dst = resp.AppendArray(dst, len(ss))
	for _, s := range ss {
		dst = resp.AppendBulk(dst, s)
	}
	return dst
}

// getUser appends ACL GETUSER's reply (RESP2: a flat array of fields and
// values), or a null for an unknown user.
func (t *Table) getUser(dst []byte, name string) []byte {
	u := t.User(name)
	if u == nil {
		return resp.AppendNull(dst)
	}
	p := u.Perms()
	dst = resp.AppendArray(dst, 12)
	dst = resp.AppendBulk(dst, "flags")
	dst = appendStrings(dst, p.flags())
	dst = resp.AppendBulk(dst, "passwords")
	dst = appendStrings(dst, p.passwords)
	dst = resp.AppendBulk(dst, "commands")
	dst = resp.AppendBulk(dst, strings.TrimSpace(p.cmdRules))
	dst = resp.AppendBulk(dst, "keys")
	dst = resp.AppendBulk(dst, p.keysRule())
	dst = resp.AppendBulk(dst, "channels")
	dst = resp.AppendBulk(dst, p.channelsValue())
	dst = resp.AppendBulk(dst, "selectors")
	return resp.AppendArray(dst, 0)
}

// logReply appends ACL LOG [count | RESET]'s reply: the newest entries
// (10 by default) with Redis 7.2's fields.
func (t *Table) logReply(dst []byte, args [][]byte) []byte {
	count := int64(10)
	if len(args) == 1 {
		if strings.EqualFold(string(args[0]), "reset") {
			t.log.Reset()
			return resp.AppendSimple(dst, "OK")
		}
		var err error
		if count, err = strconv.ParseInt(string(args[0]), 10, 64); err != nil {
			return resp.AppendError(dst, "ERR value is not an integer or out of range")
		}
		if count < 0 {
			return resp.AppendError(dst, "ERR value is out of range, must be positive")
		}
	}
	entries := t.log.Entries(int(min(count, logMax)))
	now := time.Now()
	dst = resp.AppendArray(dst, len(entries))
	for _, e := range entries {
		dst = resp.AppendArray(dst, 20)
		dst = resp.AppendBulk(dst, "count")
		dst = resp.AppendInt(dst, e.Count)
		for _, kv := range [][2]string{{"reason", e.Reason}, {"context", e.Context}, {"object", e.Object}, {"username", e.Username}} {
			dst = resp.AppendBulk(dst, kv[0])
			dst = resp.AppendBulk(dst, kv[1])
		}
		dst = resp.AppendBulk(dst, "age-seconds")
		dst = resp.AppendBulk(dst, strconv.FormatFloat(now.Sub(e.Updated).Seconds(), 'f', 3, 64))
		dst = resp.AppendBulk(dst, "client-info")
		dst = resp.AppendBulk(dst, e.ClientInfo)
		dst = resp.AppendBulk(dst, "entry-id")
		dst = resp.AppendInt(dst, e.ID)
		dst = resp.AppendBulk(dst, "timestamp-created")
		dst = resp.AppendInt(dst, e.Created.UnixMilli())
		dst = resp.AppendBulk(dst, "timestamp-last-updated")
		dst = resp.AppendInt(dst, e.Updated.UnixMilli())
	}
	return dst
}
