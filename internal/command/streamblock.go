package command

import "strings"

// streamBlocks reports whether an XREAD or XREADGROUP line's options,
// before STREAMS, include BLOCK (in any case, as the node's parser
// reads them).
func streamBlocks(args [][]byte) bool {
	for i := 1; i < len(args); i++ {
		switch {
		case strings.EqualFold(string(args[i]), "streams"):
			return false
		case strings.EqualFold(string(args[i]), "block"):
			return true
		case strings.EqualFold(string(args[i]), "group"): // its group and consumer names
			i += 2
		case strings.EqualFold(string(args[i]), "count"):
			i++
		}
	}
	return false
}
