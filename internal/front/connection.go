package front

import (
	"strconv"

	"github.com/vcache/vcache/internal/command"
)

// RedisVersion is the Redis version vcache answers as (HELLO, INFO), so
// clients enable the features it supports.
const RedisVersion = "7.2.0"

// Ping answers PING [message].
func Ping(c Conn, args [][]byte) {
	switch len(args) {
	case 1:
		c.Simple("PONG")
	case 2:
		c.Bulk(args[1])
	default:
		c.Error(command.ArityError("ping"))
	}
}

// Echo answers ECHO message.
func Echo(c Conn, args [][]byte) { c.Bulk(args[1]) }

// Quit answers QUIT and closes the connection after the reply.
func Quit(c Conn, _ [][]byte) {
	c.Simple("OK")
	c.Quit()
}

// OK answers +OK and does nothing else (commands that are no-ops here).
func OK(c Conn, _ [][]byte) { c.Simple("OK") }

// Select answers SELECT db: only database 0 exists.
func Select(c Conn, args [][]byte) {
	db, err := strconv.ParseInt(string(args[1]), 10, 64)
	switch {
	case err != nil:
		c.Error(command.MsgNotInt)
	case db != 0:
		c.Error(command.MsgDBRange)
	default:
		c.Simple("OK")
	}
}

// Reset answers RESET.
func Reset(c Conn, _ [][]byte) {
	c.Reset()
	c.Simple("RESET")
}

// Auth answers AUTH [user] pass.
func Auth(c Conn, args [][]byte) {
	var user, pass string
	switch len(args) {
	case 2:
		pass = string(args[1])
	case 3:
		user, pass = string(args[1]), string(args[2])
	default:
		c.Error(command.MsgSyntax)
		return
	}
	if user == "" && c.Server().ACL().DefaultNoPass() {
		c.Error(command.MsgNoPassSet)
		return
	}
	if !c.Authenticate(user, pass) {
		c.Error(command.MsgWrongPass)
		return
	}
	c.Simple("OK")
}

// Hello answers HELLO [protover [AUTH user pass] [SETNAME name]]: it
// authenticates, switches the connection to RESP2 or RESP3 and names it,
// in Redis's order, then describes the server in the protocol now spoken
// (a map in RESP3).
func Hello(c Conn, args [][]byte) {
	h, msg := command.ParseHello(args[1:])
	if msg != "" {
		c.Error(msg)
		return
	}
	if h.Auth && !c.Authenticate(h.User, h.Pass) {
		c.Error(command.MsgWrongPass)
		return
	}
	if !c.Authed() {
		c.Error(command.MsgHelloNoAuth)
		return
	}
	if h.Proto != 0 {
		c.SetProto(h.Proto)
	}
	if h.SetName {
		c.SetClientName(h.Name)
	}
	c.Map(7)
	c.BulkString("server")
	c.BulkString("redis")
	c.BulkString("version")
	c.BulkString(RedisVersion)
	c.BulkString("proto")
	c.Int(int64(c.Proto()))
	c.BulkString("id")
	c.Int(c.ClientID())
	mode, role := c.Server().Mode()
	c.BulkString("mode")
	c.BulkString(mode)
	c.BulkString("role")
	c.BulkString(role)
	c.BulkString("modules")
	c.Array(0)
}
