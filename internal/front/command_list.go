package front

import (
	"slices"
	"strings"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/glob"
)

// commandList answers COMMAND LIST [FILTERBY MODULE name | ACLCAT cat |
// PATTERN p]: every command and subcommand ("config|get") the filter
// keeps. vcache loads no modules, so FILTERBY MODULE keeps none.
func commandList(c Conn, all []*command.Spec, args [][]byte) {
	keep := func(string, *command.Spec) bool { return true }
	switch {
	case len(args) == 0:
	case len(args) == 3 && lower(args[0]) == "filterby":
		arg := string(args[2])
		switch lower(args[1]) {
		case "module":
			keep = func(string, *command.Spec) bool { return false }
		case "aclcat":
			var in []string
			if a := c.Server().ACL(); a != nil {
				in, _ = a.Commands().InCategory(strings.ToLower(arg))
			}
			keep = func(_ string, s *command.Spec) bool { return slices.Contains(in, s.Name) }
		case "pattern":
			p := strings.ToLower(arg)
			keep = func(name string, _ *command.Spec) bool { return glob.Match(p, name) }
		default:
			c.Error(command.MsgSyntax)
			return
		}
	default:
		c.Error(command.MsgSyntax)
		return
	}
	var names []string
	for _, s := range all {
		if keep(s.Name, s) {
			names = append(names, s.Name)
		}
		for _, sub := range s.Subcommands() {
			if name := s.Name + "|" + sub; keep(name, s) {
				names = append(names, name)
			}
		}
	}
	c.Array(len(names))
	for _, name := range names {
		c.BulkString(name)
	}
}
