package command

import (
	"strconv"
	"strings"
)

// Reply texts of the connection commands that nodes and the proxy both
// answer themselves.
const (
	MsgNoProto     = "NOPROTO unsupported protocol version"
	MsgBadName     = "ERR Client names cannot contain spaces, newlines or special characters."
	MsgHelloNoAuth = "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"
)

// Hello is what a HELLO command asks for besides the protocol version.
type Hello struct {
	Proto      int  // 2 or 3, the protocol asked for; 0: keep the connection's
	Auth       bool // AUTH user pass was given
	User, Pass string
	SetName    bool // SETNAME name was given
	Name       string
}

// ParseHello reads HELLO's arguments (after the command name) as Redis
// does: an optional protocol version, 2 (RESP2) or 3 (RESP3), then AUTH
// user pass and SETNAME name in any order. On bad input (a bad client name
// too) it returns the error reply. Authenticating, switching protocol and
// naming are the caller's, in that order, as in Redis.
func ParseHello(args [][]byte) (Hello, string) {
	var h Hello
	if len(args) > 0 {
		ver, err := strconv.ParseInt(string(args[0]), 10, 64)
		if err != nil {
			return h, "ERR Protocol version is not an integer or out of range"
		}
		if ver != 2 && ver != 3 {
			return h, MsgNoProto
		}
		h.Proto = int(ver)
		args = args[1:]
	}
	for len(args) > 0 {
		opt := strings.ToLower(string(args[0]))
		switch {
		case opt == "auth" && len(args) >= 3:
			h.Auth, h.User, h.Pass = true, string(args[1]), string(args[2])
			args = args[3:]
		case opt == "setname" && len(args) >= 2:
			h.SetName, h.Name = true, string(args[1])
			if !ValidClientName(h.Name) {
				return h, MsgBadName
			}
			args = args[2:]
		default:
			return h, "ERR Syntax error in HELLO option '" + string(args[0]) + "'"
		}
	}
	return h, ""
}

// ValidClientName reports whether s may name a connection: printable
// ASCII without spaces (the empty name clears it where that is allowed).
func ValidClientName(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '!' || s[i] > '~' {
			return false
		}
	}
	return true
}

// GetKeys answers COMMAND GETKEYS for line, a command and its arguments
// whose spec the caller looked up (nil if it knows no such command): the
// positions of its keys in line, or the error reply, checked in Redis 7's
// order.
func GetKeys(spec *Spec, line [][]byte) ([]int, string) {
	switch {
	case len(line) < 2:
		return nil, ArityError("command|getkeys")
	case spec == nil:
		return nil, "ERR Invalid command specified"
	case spec.FirstKey <= 0 && !spec.Movable():
		return nil, "ERR The command has no key arguments"
	case !spec.ArityOK(len(line)):
		return nil, "ERR Invalid number of arguments specified for command"
	}
	idx := spec.KeyIndexes(line)
	if !numKeysFit(spec, line) {
		idx = nil
	}
	if len(idx) == 0 && !noMandatoryKeys(spec.Name) {
		return nil, "ERR Invalid arguments specified for command"
	}
	return idx, ""
}

// trackingOn reports whether a CLIENT line turns tracking on (CLIENT
// TRACKING ON [options]).
func trackingOn(args [][]byte) bool {
	return len(args) > 2 && EqualFold(args[1], "tracking") && EqualFold(args[2], "on")
}

// clientArity is CLIENT's subcommands with their arities as Redis 7.0
// declares them, and vcache's NO-TOUCH and SETINFO (Redis 7.2's): the
// dispatcher refuses any other subcommand, and a wrong count, before
// CLIENT runs or is queued in MULTI (Spec.SubError).
var clientArity = map[string]int{
	"caching": 3, "getname": 2, "getredir": 2, "help": 2, "id": 2, "info": 2, "kill": -3,
	"list": -2, "no-evict": 3, "no-touch": 3, "pause": -3, "reply": 3, "setinfo": 4,
	"setname": 3, "tracking": -3, "trackinginfo": 2, "unblock": -3, "unpause": 2,
}
