package front

import (
	"path"

	"github.com/vcache/vcache/internal/command"
)

// Command answers COMMAND [COUNT | INFO [name ...] | DOCS [name ...] |
// LIST [FILTERBY PATTERN p] | GETKEYS line... | GETKEYSANDFLAGS line...]
// over the server's table.
func Command(c Conn, args [][]byte) {
	t := c.Server().Commands()
	all := t.All()
	if len(args) == 1 {
		c.Array(len(all))
		for _, s := range all {
			commandInfo(c, s)
		}
		return
	}
	switch lower(args[1]) {
	case "count":
		c.Int(int64(len(all)))
	case "info":
		names := args[2:]
		if len(names) == 0 {
			c.Array(len(all))
			for _, s := range all {
				commandInfo(c, s)
			}
			return
		}
		c.Array(len(names))
		for _, name := range names {
			if s := t.Lookup(name); s != nil {
				commandInfo(c, s)
			} else {
				c.NullArray()
			}
		}
	case "docs":
		specs := all
		if names := args[2:]; len(names) > 0 {
			specs = nil
			for _, name := range names {
				if s := t.Lookup(name); s != nil {
					specs = append(specs, s)
				}
			}
		}
		c.Map(len(specs))
		for _, s := range specs {
			c.BulkString(s.Name)
			c.Map(3)
			c.BulkString("summary")
			c.BulkString(s.Summary)
			c.BulkString("since")
			c.BulkString("1.0.0")
			c.BulkString("group")
			c.BulkString(s.Group)
		}
	case "list":
		pattern := ""
		if len(args) == 5 && lower(args[2]) == "filterby" && lower(args[3]) == "pattern" {
			pattern = string(args[4])
		} else if len(args) != 2 {
			c.Error(command.MsgSyntax)
			return
		}
		var names []string
		for _, s := range all {
			if ok, _ := path.Match(pattern, s.Name); pattern == "" || ok {
				names = append(names, s.Name)
			}
		}
		c.Array(len(names))
		for _, name := range names {
			c.BulkString(name)
		}
	case "getkeys":
		line := args[2:]
		var spec *command.Spec
		if len(line) > 0 {
			spec = t.Lookup(line[0])
		}
		idx, msg := command.GetKeys(spec, line)
		if msg != "" {
			c.Error(msg)
			return
		}
		c.Array(len(idx))
		for _, i := range idx {
			c.Bulk(line[i])
		}
	case "getkeysandflags":
		commandGetKeysAndFlags(c, t, args[2:])
	default:
		c.Error("ERR unknown subcommand '" + string(args[1]) + "'. Try COMMAND HELP.")
	}
}

// commandFlags are the flags COMMAND INFO names, in its order.
var commandFlags = []struct {
	flag command.Flag
	name string
}{
	{command.Write, "write"}, {command.Readonly, "readonly"}, {command.DenyOOM, "denyoom"},
	{command.Admin, "admin"}, {command.NoAuth, "no_auth"}, {command.Loading, "loading"},
}

// commandInfo writes one COMMAND INFO entry in Redis 7's shape.
func commandInfo(c Conn, s *command.Spec) {
	c.Array(10)
	c.BulkString(s.Name)
	c.Int(int64(s.Arity))
	n := 0
	for _, f := range commandFlags {
		if s.Has(f.flag) {
			n++
		}
	}
	if s.Movable() {
		n++
	}
	c.Set(n)
	for _, f := range commandFlags {
		if s.Has(f.flag) {
			c.Simple(f.name)
		}
	}
	if s.Movable() {
		// Movable keys: COMMAND GETKEYS finds them; the range is 0 0 0.
		c.Simple("movablekeys")
		c.Int(0)
		c.Int(0)
		c.Int(0)
	} else {
		c.Int(int64(s.FirstKey))
		c.Int(int64(s.LastKey))
		c.Int(int64(s.Step))
	}
	c.Set(1)
	c.Simple("@" + s.Group)
	c.Set(0) // tips
	c.Set(0) // key specs
	c.Set(0) // subcommands
}
