package front

import "github.com/vcache/vcache/internal/command"

// commandHelp is COMMAND HELP's reply, as Redis words it.
var commandHelp = []string{
	"COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"(no subcommand)",
	"    Return details about all Redis commands.",
	"COUNT",
	"    Return the total number of commands in this Redis server.",
	"LIST",
	"    Return a list of all commands in this Redis server.",
	"INFO [<command-name> ...]",
	"    Return details about multiple Redis commands.",
	"    If no command names are given, documentation details for all",
	"    commands are returned.",
	"DOCS [<command-name> ...]",
	"    Return documentation details about multiple Redis commands.",
	"    If no command names are given, documentation details for all",
	"    commands are returned.",
	"GETKEYS <full-command>",
	"    Return the keys from a full Redis command.",
	"GETKEYSANDFLAGS <full-command>",
	"    Return the keys and the access flags from a full Redis command.",
	"HELP",
	"    Prints this help.",
}

// commandHelpReply answers COMMAND HELP (args are COMMAND's).
func commandHelpReply(c Conn, args [][]byte) {
	if len(args) != 2 {
		c.Error(command.ArityError("command|help"))
		return
	}
	c.Array(len(commandHelp))
	for _, line := range commandHelp {
		c.Simple(line)
	}
}
