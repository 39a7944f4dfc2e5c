package node

import (
	"strconv"
	"strings"
)

// subcommandName is "container|sub" as Redis names a subcommand of a
// command.Container command (CLIENT LIST's cmd=, "client|list").
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
