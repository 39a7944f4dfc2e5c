package node

import "strings"

// subcommandName is "container|sub" as Redis names a subcommand of a
// command.Container command (CLIENT LIST's cmd=, "client|list").
func subcommandName(container string, sub []byte) string {
	return container + "|" + strings.ToLower(string(sub))
}
