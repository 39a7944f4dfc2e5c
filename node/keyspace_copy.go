package node

import (
	"strings"
)

// cmdCopy serves COPY source destination [DB n] [REPLACE]. vcache has one
// database, so DB names 0 or is out of range.
func cmdCopy(cx *Ctx) {
	replace := false
	for i := 3; i < len(cx.Args); i++ {
		switch {
		case strings.EqualFold(string(cx.Args[i]), "replace"):
			replace = true
		case strings.EqualFold(string(cx.Args[i]), "db") && i+1 < len(cx.Args):
			db, msg := parseDBIndex(cx.Args[i+1])
			if msg != "" {
				cx.Error(msg)
				return
			}
			if db != 0 {
				cx.Error("ERR DB index is out of range")
				return
			}
			i++
		default:
			cx.SyntaxError()
			return
		}
	}
	ok, err := cx.Node.ks.Copy(cx.Args[1], cx.Args[2], replace)
	replyDone(cx, ok, err)
}
