package node

import (
	"strings"

	"github.com/vcache/vcache/cache"
)

// cmdObject serves OBJECT ENCODING, naming the representation vcache
// keeps for the key's type (one per type: a sorted set is always a
// skiplist, a hash a hash table). Redis's own test suite asks for it.
func cmdObject(cx *Ctx) {
	if !strings.EqualFold(string(cx.Args[1]), "encoding") {
		cx.Error("ERR unknown subcommand '" + string(cx.Args[1]) + "'. Try OBJECT HELP.")
		return
	}
	if len(cx.Args) != 3 {
		cx.Error("ERR wrong number of arguments for 'object|encoding' command")
		return
	}
	switch typ := cx.Node.ks.Type(cx.Args[2]); typ {
	case "none":
		cx.Null()
	case "string":
		v, err := cx.Node.ks.Get(cx.Args[2])
		if err != nil {
			cx.Err(err)
			return
		}
		cx.BulkString(stringEncoding(v))
	case "hash":
		cx.BulkString("hashtable")
	case "zset":
		cx.BulkString("skiplist")
	default:
		cx.BulkString("raw")
	}
}

// stringEncoding is the encoding Redis would report for a string value.
func stringEncoding(v []byte) string {
	if len(v) <= 20 {
		if _, err := cache.ParseInt(v); err == nil {
			return "int"
		}
	}
	if len(v) <= 44 {
		return "embstr"
	}
	return "raw"
}
