package node

import "strings"

// cmdObject serves OBJECT: ENCODING names the representation of a key's
// value in Redis's terms (cache.Keyspace.Encoding decides it per type);
// HELP lists the subcommands.
func cmdObject(cx *Ctx) {
	sub := strings.ToLower(string(cx.Args[1]))
	switch {
	case sub == "help" && len(cx.Args) == 2:
		lines := []string{
			"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
			"ENCODING <key>",
			"    Return the kind of internal representation used in order to store the value",
			"    associated with a <key>.",
			"HELP",
			"    Prints this help.",
		}
		cx.Array(len(lines))
		for _, l := range lines {
			cx.Simple(l)
		}
	case sub == "encoding" && len(cx.Args) == 3:
		enc, ok := cx.Node.ks.Encoding(cx.Args[2])
		if !ok {
			cx.Null()
			return
		}
		cx.BulkString(enc)
	case sub == "help" || sub == "encoding":
		cx.Error("ERR wrong number of arguments for 'object|" + sub + "' command")
	default:
		cx.Error("ERR unknown subcommand '" + string(cx.Args[1]) + "'. Try OBJECT HELP.")
	}
}
