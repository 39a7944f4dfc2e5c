package front

import "github.com/vcache/vcache/internal/command"

// Command answers COMMAND [COUNT | INFO [name ...] | DOCS [name ...] |
// LIST [FILTERBY MODULE|ACLCAT|PATTERN x] | GETKEYS line... | GETKEYSANDFLAGS line...]
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
		if len(args) != 2 {
			c.Error(command.ArityError("command|count"))
			return
		}
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
		commandList(c, all, args[2:])
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
	case "help":
		commandHelpReply(c, args)
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
		c.Simple("movablekeys")
	}
	first, last, step := legacyKeyRange(s)
	c.Int(int64(first))
	c.Int(int64(last))
	c.Int(int64(step))
	c.Set(1)
	c.Simple("@" + s.Group)
	c.Set(0) // tips
	c.Set(0) // key specs
	c.Set(0) // subcommands
}

// legacyKeyRange is the first key, last key and step COMMAND INFO gives,
// as Redis 7 derives them from its key specs: the fixed keys before any
// movable ones (ZUNIONSTORE's and SORT's 1 1 1), 0 0 0 when the first key
// already moves (ZUNION's after numkeys, XREAD's after STREAMS) and for a
// container, whose keys its subcommands name (OBJECT ENCODING key).
func legacyKeyRange(s *command.Spec) (first, last, step int) {
	if r := s.LegacyRange; r[0] > 0 {
		return r[0], r[1], r[2]
	}
	if s.FirstKey <= 0 || s.Has(command.Container) || s.KeyNum > 0 && s.FirstKey > s.KeyNum {
		return 0, 0, 0
	}
	return s.FirstKey, s.LastKey, s.Step
}
