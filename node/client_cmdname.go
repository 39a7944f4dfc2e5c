package node

import (
	"strconv"
	"strings"
)

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

// requestSize is how many bytes args take as a RESP request: what
// Redis's query buffer holds while it runs the command.
func requestSize(args [][]byte) int64 {
	n := 1 + len(strconv.Itoa(len(args))) + 2
	for _, a := range args {
		n += 1 + len(strconv.Itoa(len(a))) + 2 + len(a) + 2
	}
	return int64(n)
}
