package node

import (
	"strings"

	"github.com/vcache/vcache/cache"
)

// objectHelp is OBJECT HELP's text, as Redis 7.0 words it.
var objectHelp = []string{
	"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"ENCODING <key>",
	"    Return the kind of internal representation used in order to store the value",
	"    associated with a <key>.",
	"FREQ <key>",
	"    Return the access frequency index of the <key>. The returned integer is",
	"    proportional to the logarithm of the recent access frequency of the key.",
	"IDLETIME <key>",
	"    Return the idle time of the <key>, that is the approximated number of",
	"    seconds elapsed since the last access to the key.",
	"REFCOUNT <key>",
	"    Return the number of references of the value associated with the specified",
	"    <key>.",
	"HELP",
	"    Prints this help.",
}

// sharedRefcount is what Redis answers OBJECT REFCOUNT for its shared
// small integers (0..9999 while no LRU/LFU policy is set).
const sharedRefcount = 2147483647

// cmdObject serves OBJECT: ENCODING names the representation of a key's
// value in Redis's terms (cache.Keyspace.Encoding decides it per type);
// FREQ and IDLETIME read the key's LFU counter or LRU clock (each only
// under the policy that keeps it, with Redis's errors otherwise);
// REFCOUNT answers as Redis does for an unshared value; HELP lists the
// subcommands. None of them counts as an access.
func cmdObject(cx *Ctx) {
	sub := strings.ToLower(string(cx.Args[1]))
	switch {
	case sub == "help" && len(cx.Args) == 2:
		replyHelp(cx, objectHelp)
	case sub == "encoding" && len(cx.Args) == 3:
		enc, ok := cx.Node.ks.Encoding(cx.Args[2])
		if !ok {
			cx.Null()
			return
		}
		cx.BulkString(enc)
	case sub == "refcount" && len(cx.Args) == 3:
		enc, ok := cx.Node.ks.Encoding(cx.Args[2])
		if !ok {
			cx.Null()
			return
		}
		cx.Int(objectRefcount(cx, enc))
	case sub == "idletime" && len(cx.Args) == 3:
		a, ok := cx.Node.ks.Access(cx.Args[2])
		switch {
		case !ok:
			cx.Null()
		case lfuPolicy(cx.Node.ks.Policy()):
			cx.Error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
		default:
			cx.Int(int64(a.Idle.Seconds()))
		}
	case sub == "freq" && len(cx.Args) == 3:
		a, ok := cx.Node.ks.Access(cx.Args[2])
		switch {
		case !ok:
			cx.Null()
		case !lfuPolicy(cx.Node.ks.Policy()):
			cx.Error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
		default:
			cx.Int(int64(a.Freq))
		}
	case sub == "help" || sub == "encoding" || sub == "refcount" || sub == "idletime" || sub == "freq":
		cx.Error("ERR wrong number of arguments for 'object|" + sub + "' command")
	default:
		cx.Error("ERR unknown subcommand '" + string(cx.Args[1]) + "'. Try OBJECT HELP.")
	}
}

func lfuPolicy(p cache.Policy) bool { return p == cache.AllKeysLFU || p == cache.VolatileLFU }

// objectRefcount is 1, or Redis's shared-object count for a small integer
// string (0..9999) while the policy lets Redis share them (no maxmemory,
// or a policy that is neither LRU nor LFU).
func objectRefcount(cx *Ctx, enc string) int64 {
	if enc != "int" {
		return 1
	}
	v, err := cx.Node.ks.Get(cx.Args[2])
	if err != nil {
		return 1
	}
	n, err := cache.ParseInt(v)
	if err != nil || n < 0 || n >= 10000 {
		return 1
	}
	p := cx.Node.ks.Policy()
	lru := p == cache.AllKeysLRU || p == cache.VolatileLRU || lfuPolicy(p)
	if cx.Node.ks.MaxMemory() == 0 || !lru {
		return sharedRefcount
	}
	return 1
}
