package node

import (
	"errors"
	"strings"
	"time"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/rdb"
)

// cmdDump serves DUMP: the key's value in Redis 7.0's RDB form, so that
// redis-server can RESTORE it (and vcache what redis-server dumps). A
// value with no RDB form (a vector set, a JSON document, a hash with field
// TTLs) gets vcache's own payload (cache/dump_native.go).
func cmdDump(cx *Ctx) {
	p, ok, err := cx.Node.ks.Dump(cx.Args[1])
	switch {
	case err != nil:
		cx.Err(err)
	case !ok:
		cx.Null()
	default:
		cx.Bulk(p)
	}
}

// cmdRestore serves RESTORE key ttl payload [REPLACE] [ABSTTL]
// [IDLETIME s] [FREQ f] with Redis 7.0's checks in its order.
func cmdRestore(cx *Ctx) {
	o := cache.RestoreOptions{IdleSecs: -1, Freq: -1}
	absTTL := false
	args := cx.Args
	for j := 4; j < len(args); j++ {
		more := len(args) - j - 1
		switch opt := strings.ToLower(string(args[j])); {
		case opt == "replace":
			o.Replace = true
		case opt == "absttl":
			absTTL = true
		case opt == "idletime" && more >= 1 && o.Freq == -1:
			n, err := cache.ParseInt(args[j+1])
			if err != nil {
				cx.Err(err)
				return
			}
			if n < 0 {
				cx.Error("ERR Invalid IDLETIME value, must be >= 0")
				return
			}
			o.IdleSecs = n
			j++
		case opt == "freq" && more >= 1 && o.IdleSecs == -1:
			n, err := cache.ParseInt(args[j+1])
			if err != nil {
				cx.Err(err)
				return
			}
			if n < 0 || n > 255 {
				cx.Error("ERR Invalid FREQ value, must be >= 0 and <= 255")
				return
			}
			o.Freq = n
			j++
		default:
			cx.SyntaxError()
			return
		}
	}
	if !o.Replace && cx.Node.ks.Exists(args[1]) > 0 {
		cx.Err(cache.ErrBusyKey)
		return
	}
	ttl, err := cache.ParseInt(args[2])
	if err != nil {
		cx.Err(err)
		return
	}
	if ttl < 0 {
		cx.Error("ERR Invalid TTL value, must be >= 0")
		return
	}
	if ttl != 0 && !absTTL {
		ttl += time.Now().UnixMilli()
	}
	o.ExpireAt = ttl
	if err := cx.Node.ks.Restore(args[1], args[3], o); err != nil {
		switch {
		case errors.Is(err, rdb.ErrChecksum), errors.Is(err, rdb.ErrFormat):
			cx.Error("ERR " + err.Error())
		default:
			cx.Err(err)
		}
		return
	}
	cx.OK()
}
