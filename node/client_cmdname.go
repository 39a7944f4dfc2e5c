package node

import "strings"

// containerCmds are the commands Redis 7.0 splits into subcommands:
// CLIENT LIST's cmd= names the subcommand too ("client|list").
var containerCmds = map[string]bool{
	"acl": true, "client": true, "cluster": true, "command": true, "config": true,
	"function": true, "latency": true, "memory": true, "module": true, "object": true,
	"pubsub": true, "script": true, "slowlog": true, "xgroup": true, "xinfo": true,
}

// subcommandName is "container|sub" as Redis names a subcommand.
func subcommandName(container string, sub []byte) string {
	return container + "|" + strings.ToLower(string(sub))
}
