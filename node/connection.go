package node

import (
	"strconv"
	"strings"
	"time"

	"github.com/vcache/vcache/internal/acl"
	"github.com/vcache/vcache/internal/command"
)

func addConnectionHandlers(m map[string]Handler) {
	m["ping"] = func(cx *Ctx) {
		switch len(cx.Args) {
		case 1:
			cx.Simple("PONG")
		case 2:
			cx.Bulk(cx.Args[1])
		default:
			cx.Error("ERR wrong number of arguments for 'ping' command")
		}
	}
	m["echo"] = func(cx *Ctx) { cx.Bulk(cx.Args[1]) }
	m["quit"] = func(cx *Ctx) {
		cx.OK()
		cx.cl.conn.Close()
	}
	m["reset"] = func(cx *Ctx) {
		c := cx.cl
		c.multi = nil
		c.asking = false
		c.setName("")
		c.user = cx.Node.defaultUserIfOpen()
		c.authed = c.user != nil
		cx.Simple("RESET")
	}
	m["select"] = func(cx *Ctx) {
		db, err := strconv.ParseInt(string(cx.Args[1]), 10, 64)
		switch {
		case err != nil:
			cx.Error(msgNotInt)
		case db != 0:
			cx.Error(msgDBRange)
		default:
			cx.OK()
		}
	}
	m["auth"] = cmdAuth
	m["hello"] = cmdHello
	m["client"] = cmdClient
	m["readonly"] = func(cx *Ctx) {
		cx.cl.readonly = true
		cx.OK()
	}
	m["readwrite"] = func(cx *Ctx) {
		cx.cl.readonly = false
		cx.OK()
	}
	m["asking"] = func(cx *Ctx) {
		cx.cl.asking = true
		cx.OK()
	}
}

// defaultUserIfOpen returns the default user when it needs no password
// (new connections start as it), else nil.
func (n *Node) defaultUserIfOpen() *acl.User { return n.acl.DefaultIfOpen() }

func cmdAuth(cx *Ctx) {
	var user, pass string
	switch len(cx.Args) {
	case 2:
		pass = string(cx.Args[1])
	case 3:
		user, pass = string(cx.Args[1]), string(cx.Args[2])
	default:
		cx.SyntaxError()
		return
	}
	if user == "" && cx.Node.defaultUserIfOpen() != nil && cx.Node.config().RequirePass == "" {
		cx.Error(msgNoPassSet)
		return
	}
	u, err := cx.Node.authenticate(cx.cl, user, pass)
	if err != nil {
		cx.Error(msgWrongPass)
		return
	}
	cx.cl.authed, cx.cl.user = true, u
	cx.OK()
}

// cmdHello speaks RESP2 only: HELLO 3 answers NOPROTO, so clients fall back.
func cmdHello(cx *Ctx) {
	h, msg := command.ParseHello(cx.Args[1:])
	if msg != "" {
		cx.Error(msg)
		return
	}
	if h.Auth {
		u, err := cx.Node.authenticate(cx.cl, h.User, h.Pass)
		if err != nil {
			cx.Error(msgWrongPass)
			return
		}
		cx.cl.authed, cx.cl.user = true, u
	}
	if !cx.cl.authed {
		cx.Error(command.MsgHelloNoAuth)
		return
	}
	if h.SetName {
		if !command.ValidClientName(h.Name) {
			cx.Error(command.MsgBadName)
			return
		}
		cx.cl.setName(h.Name)
	}
	cx.Array(14)
	cx.BulkString("server")
	cx.BulkString("redis")
	cx.BulkString("version")
	cx.BulkString(redisCompatVersion)
	cx.BulkString("proto")
	cx.Int(2)
	cx.BulkString("id")
	cx.Int(cx.cl.id)
	cx.BulkString("mode")
	cx.BulkString("standalone")
	cx.BulkString("role")
	cx.BulkString("master")
	cx.BulkString("modules")
	cx.Array(0)
}

// redisCompatVersion is the Redis version vcache answers as, so clients
// enable the features it supports.
const redisCompatVersion = "7.2.0"

func cmdClient(cx *Ctx) {
	sub := strings.ToLower(string(cx.Args[1]))
	c := cx.cl
	argc := len(cx.Args)
	switch {
	case sub == "setname" && argc == 3:
		s := string(cx.Args[2])
		if !command.ValidClientName(s) {
			cx.Error(command.MsgBadName)
			return
		}
		c.setName(s)
		cx.OK()
	case sub == "getname" && argc == 2:
		if s := c.getName(); s != "" {
			cx.BulkString(s)
		} else {
			cx.Null()
		}
	case sub == "id" && argc == 2:
		cx.Int(c.id)
	case sub == "info" && argc == 2:
		cx.BulkString(c.info(time.Now()) + "\n")
	case sub == "list":
		cx.BulkString(cx.Node.clients.list(time.Now()))
	case sub == "setinfo" && argc == 4:
		attr, val := strings.ToLower(string(cx.Args[2])), string(cx.Args[3])
		if !command.ValidClientName(val) {
			cx.Error("ERR " + attr + " cannot contain spaces, newlines or special characters.")
			return
		}
		c.mu.Lock()
		switch attr {
		case "lib-name":
			c.libName = val
		case "lib-ver":
			c.libVer = val
		default:
			c.mu.Unlock()
			cx.Error("ERR Unrecognized option '" + string(cx.Args[2]) + "'")
			return
		}
		c.mu.Unlock()
		cx.OK()
	case sub == "kill" && argc >= 3:
		clientKill(cx)
	case sub == "no-evict" || sub == "no-touch":
		cx.OK()
	case sub == "help":
		lines := []string{
			"CLIENT <subcommand> [<arg> ...]. Subcommands are:",
			"GETNAME", "SETNAME <name>", "ID", "INFO", "LIST", "KILL <ip:port> | ID <id> | ADDR <ip:port>",
			"SETINFO <LIB-NAME|LIB-VER> <value>",
		}
		cx.Array(len(lines))
		for _, l := range lines {
			cx.Simple(l)
		}
	default:
		cx.Error("ERR unknown subcommand or wrong number of arguments for '" + string(cx.Args[1]) + "'. Try CLIENT HELP.")
	}
}

func clientKill(cx *Ctx) {
	args := cx.Args[2:]
	if len(args) == 1 {
		addr := string(args[0])
		if cx.Node.clients.kill(func(c *client) bool { return c.addr == addr }) == 0 {
			cx.Error("ERR No such client")
			return
		}
		cx.OK()
		return
	}
	if len(args)%2 != 0 {
		cx.SyntaxError()
		return
	}
	var preds []func(*client) bool
	for i := 0; i < len(args); i += 2 {
		val := string(args[i+1])
		switch strings.ToLower(string(args[i])) {
		case "id":
			id, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				cx.Error("ERR client-id should be greater than 0")
				return
			}
			preds = append(preds, func(c *client) bool { return c.id == id })
		case "addr":
			preds = append(preds, func(c *client) bool { return c.addr == val })
		case "laddr":
			preds = append(preds, func(c *client) bool { return c.laddr == val })
		default:
			cx.SyntaxError()
			return
		}
	}
	n := cx.Node.clients.kill(func(c *client) bool {
		for _, p := range preds {
			if !p(c) {
				return false
			}
		}
		return true
	})
	cx.Int(int64(n))
}
