package front

import (
	"strconv"
	"time"

	"github.com/vcache/vcache/internal/command"
)

// Client answers CLIENT's subcommands: SETNAME, GETNAME, ID, INFO, LIST,
// SETINFO, KILL, PAUSE, UNPAUSE, NO-EVICT, NO-TOUCH and HELP.
func Client(c Conn, args [][]byte) {
	sub, argc := lower(args[1]), len(args)
	switch {
	case sub == "setname" && argc == 3:
		name := string(args[2])
		if !command.ValidClientName(name) {
			c.Error(command.MsgBadName)
			return
		}
		c.SetClientName(name)
		c.Simple("OK")
	case sub == "getname" && argc == 2:
		if name := c.ClientName(); name != "" {
			c.BulkString(name)
		} else {
			c.Null()
		}
	case sub == "id" && argc == 2:
		c.Int(c.ClientID())
	case sub == "info" && argc == 2:
		now := time.Now()
		c.Verbatim(string(c.Info(now).appendTo(nil, now)) + "\n")
	case sub == "list":
		clientList(c, args[2:])
	case sub == "setinfo" && argc == 4:
		attr, val := lower(args[2]), string(args[3])
		if !command.ValidClientName(val) {
			c.Error("ERR " + attr + " cannot contain spaces, newlines or special characters.")
			return
		}
		switch attr {
		case "lib-name":
			c.SetLib(&val, nil)
		case "lib-ver":
			c.SetLib(nil, &val)
		default:
			c.Error("ERR Unrecognized option '" + string(args[2]) + "'")
			return
		}
		c.Simple("OK")
	case sub == "pause" && argc >= 3:
		clientPause(c, c.Server().Pause(), args)
	case sub == "unpause" && argc == 2:
		c.Server().Pause().End()
		c.Server().Pause().settle()
		c.Simple("OK")
	case sub == "kill" && argc >= 3:
		clientKill(c, args[2:])
	case (sub == "no-evict" || sub == "no-touch") && argc == 3:
		switch lower(args[2]) {
		case "on", "off":
			c.Simple("OK")
		default:
			c.Error(command.MsgSyntax)
		}
	case sub == "help" && argc != 2:
		c.Error(command.ArityError("client|help"))
	case sub == "help":
		lines := []string{
			"CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
			"GETNAME", "SETNAME <name>", "ID", "INFO",
			"LIST [TYPE normal] [ID <id> [<id> ...]]",
			"KILL <ip:port> | <filter> <value> ... (filters: ID, ADDR, LADDR, USER, SKIPME yes|no)",
			"SETINFO <LIB-NAME|LIB-VER> <value>",
			"PAUSE <timeout> [WRITE|ALL]", "UNPAUSE",
			"NO-EVICT <ON|OFF>", "NO-TOUCH <ON|OFF>",
			"HELP",
		}
		c.Array(len(lines))
		for _, l := range lines {
			c.Simple(l)
		}
	default:
		// The dispatcher refuses an unknown subcommand or the wrong number
		// of words (Spec.SubError); these are the subcommands the server
		// answers elsewhere, or not at all.
		if msg := c.Server().Commands().Lookup(args[0]).SubError(args); msg != "" {
			c.Error(msg)
			return
		}
		c.Error("ERR unknown subcommand '" + clipSub(string(args[1])) + "'. Try CLIENT HELP.")
	}
}

// clipSub shortens a subcommand name quoted in an error, as Redis does.
func clipSub(s string) string {
	if len(s) > 128 {
		return s[:128]
	}
	return s
}

// clientList answers CLIENT LIST [TYPE type] [ID id ...]. Every client
// here is of type normal.
func clientList(c Conn, args [][]byte) {
	var ids map[int64]bool
	typeNormal := true
	for i := 0; i < len(args); {
		switch opt := lower(args[i]); {
		case opt == "type" && i+1 < len(args):
			switch lower(args[i+1]) {
			case "normal":
			case "master", "replica", "slave", "pubsub":
				typeNormal = false
			default:
				c.Error("ERR Unknown client type '" + string(args[i+1]) + "'")
				return
			}
			i += 2
		case opt == "id" && i+1 < len(args):
			ids = map[int64]bool{}
			for i++; i < len(args); i++ {
				id, err := strconv.ParseInt(string(args[i]), 10, 64)
				if err != nil {
					c.Error("ERR Invalid client ID")
					return
				}
				ids[id] = true
			}
		default:
			c.Error(command.MsgSyntax)
			return
		}
	}
	now := time.Now()
	var infos []ClientInfo
	self := c.ClientID()
	for _, p := range c.Server().Peers() {
		ci := p.Info(now)
		if ci.ID == self {
			ci = c.Info(now) // the caller's own view (its query buffer)
		}
		if typeNormal && (ids == nil || ids[ci.ID]) {
			infos = append(infos, ci)
		}
	}
	c.Verbatim(clientLines(infos, now))
}

// KillFilter picks the clients CLIENT KILL closes: every field given
// must match.
type KillFilter struct {
	ID          int64 // 0: any
	Addr, LAddr string
	User        string
	// SkipMe spares the calling client (the default).
	SkipMe bool
	// OtherType is a TYPE other than normal (master, replica, pubsub):
	// it matches no client, as every client here is of type normal.
	OtherType bool
}

// ParseKillFilter reads CLIENT KILL's filters (after KILL): pairs of
// ID, ADDR, LADDR, USER, TYPE and SKIPME. On bad input it returns the error
// reply.
func ParseKillFilter(args [][]byte) (KillFilter, string) {
	f := KillFilter{SkipMe: true}
	if len(args)%2 != 0 {
		return f, command.MsgSyntax
	}
	for i := 0; i < len(args); i += 2 {
		val := string(args[i+1])
		switch lower(args[i]) {
		case "id":
			id, err := strconv.ParseInt(val, 10, 64)
			if err != nil || id <= 0 {
				return f, "ERR client-id should be greater than 0"
			}
			f.ID = id
		case "addr":
			f.Addr = val
		case "laddr":
			f.LAddr = val
		case "user":
			f.User = val
		case "type":
			switch lower(args[i+1]) {
			case "normal":
			case "master", "replica", "slave", "pubsub":
				f.OtherType = true // every client here is of type normal
			default:
				return f, "ERR Unknown client type '" + val + "'"
			}
		case "skipme":
			switch lower(args[i+1]) {
			case "yes":
				f.SkipMe = true
			case "no":
				f.SkipMe = false
			default:
				return f, command.MsgSyntax
			}
		default:
			return f, command.MsgSyntax
		}
	}
	return f, ""
}

// Match reports whether the filter picks the client ci; self is the
// calling client's id.
func (f KillFilter) Match(ci ClientInfo, self int64) bool {
	switch {
	case f.SkipMe && ci.ID == self,
		f.ID != 0 && ci.ID != f.ID,
		f.Addr != "" && ci.Addr != f.Addr,
		f.LAddr != "" && ci.LAddr != f.LAddr,
		f.User != "" && userOrDefault(ci.User) != f.User,
		f.OtherType:
		return false
	}
	return true
}

func userOrDefault(u string) string {
	if u == "" {
		return "default"
	}
	return u
}

// clientKill closes the clients CLIENT KILL names: the old form by
// address (+OK, or an error when none matches), or filters that must all
// match, answered with how many were closed. The caller, when picked,
// closes after its reply.
func clientKill(c Conn, args [][]byte) {
	var f KillFilter
	if len(args) == 1 {
		f = KillFilter{Addr: string(args[0])}
	} else {
		var msg string
		if f, msg = ParseKillFilter(args); msg != "" {
			c.Error(msg)
			return
		}
		if f.User != "" && c.Server().ACL().User(f.User) == nil {
			c.Error("ERR No such user '" + f.User + "'")
			return
		}
	}
	now, self, killed := time.Now(), c.ClientID(), 0
	for _, p := range c.Server().Peers() {
		ci := p.Info(now)
		if !f.Match(ci, self) {
			continue
		}
		killed++
		if ci.ID == self {
			c.Quit()
		} else {
			p.Kill()
		}
	}
	switch {
	case len(args) > 1:
		c.Int(int64(killed))
	case killed == 0:
		c.Error("ERR No such client")
	default:
		c.Simple("OK")
	}
}
