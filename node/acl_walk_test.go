package node

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/command"
)

// walkSecrets are strings found only in the data outside app:* (and the
// admin's password): a reply to the restricted user holding one leaks.
var walkSecrets = []string{"secret", "1234567", "1234568", "adminpw"}

// walkStep is one command line of an invocation. deny says its reply
// must be a NOPERM (or, for EXEC, the transaction's abort or a NOPERM in
// it; after RESET, NOAUTH); a step naming a key outside app:* in its key positions must be
// denied whatever deny says.
type walkStep struct {
	args []string
	deny bool
}

func allow(args ...string) walkStep { return walkStep{args: args} }
func deny(args ...string) walkStep  { return walkStep{args: args, deny: true} }

// walkInvocations are plausible invocations of every command in the
// command table, aimed at other:'s keys and indexes. A command added to
// the table without an entry here fails TestACLWalk.
func walkInvocations() map[string][][]walkStep {
	one := func(steps ...walkStep) [][]walkStep { return [][]walkStep{steps} }
	each := func(steps ...walkStep) [][]walkStep {
		out := make([][]walkStep, len(steps))
		for i, s := range steps {
			out[i] = []walkStep{s, deny("GET", "other:str")}
		}
		return out
	}
	return map[string][][]walkStep{
		"ping":      one(allow("PING")),
		"echo":      one(allow("ECHO", "x")),
		"quit":      one(allow("QUIT")),
		"select":    one(allow("SELECT", "0"), deny("GET", "other:str")),
		"auth":      each(allow("AUTH", "default", "wrong"), allow("AUTH", "app", "pw")),
		"acl":       each(deny("ACL", "SETUSER", "app", "~*"), deny("ACL", "SETUSER", "app", "allkeys"), allow("ACL", "WHOAMI"), deny("ACL", "GETUSER", "default")),
		"hello":     each(allow("HELLO", "2", "AUTH", "default", "wrong"), allow("HELLO", "2")),
		"client":    each(allow("CLIENT", "LIST"), allow("CLIENT", "INFO"), allow("CLIENT", "SETNAME", "x")),
		"reset":     one(allow("RESET"), allow("GET", "other:str")), // NOAUTH: the default user has a password
		"readonly":  one(allow("READONLY"), deny("GET", "other:str")),
		"readwrite": one(allow("READWRITE")),
		"asking":    one(allow("ASKING"), deny("GET", "other:str")),
		"command":   each(allow("COMMAND", "INFO", "get"), allow("COMMAND", "GETKEYS", "GET", "other:str"), allow("COMMAND", "COUNT")),
		"info":      each(allow("INFO"), allow("INFO", "keyspace")),
		"config":    each(deny("CONFIG", "GET", "*"), deny("CONFIG", "SET", "requirepass", "x")),
		"dbsize":    one(allow("DBSIZE")),
		"role":      one(deny("ROLE")),
		"lolwut":    one(allow("LOLWUT")),
		"swapdb":    one(deny("SWAPDB", "0", "0")),
		"move":      one(deny("MOVE", "other:str", "1")),
		"flushall":  one(deny("FLUSHALL")),
		"flushdb":   one(deny("FLUSHDB")),
		"time":      one(allow("TIME")),
		"shutdown":  one(deny("SHUTDOWN", "NOSAVE")),
		"save":      one(deny("SAVE")),
		"bgsave":    one(deny("BGSAVE")),
		"lastsave":  one(allow("LASTSAVE")),
		"memory":    one(deny("MEMORY", "USAGE", "other:str")),
		"slowlog":   one(deny("SLOWLOG", "GET")),
		"latency":   one(deny("LATENCY", "LATEST")),
		"monitor":   one(deny("MONITOR")),
		"wait":      one(allow("WAIT", "0", "0")),

		"get":         one(deny("GET", "other:str")),
		"set":         each(deny("SET", "other:str", "x"), deny("SET", "other:str", "x", "GET")),
		"setnx":       one(deny("SETNX", "other:new", "x")),
		"setex":       one(deny("SETEX", "other:str", "10", "x")),
		"psetex":      one(deny("PSETEX", "other:str", "10000", "x")),
		"getset":      one(deny("GETSET", "other:str", "x")),
		"getdel":      one(deny("GETDEL", "other:str")),
		"getex":       one(deny("GETEX", "other:str", "EX", "10")),
		"mget":        one(deny("MGET", "app:str", "other:str")),
		"mset":        one(deny("MSET", "app:str", "1", "other:str", "x")),
		"msetnx":      one(deny("MSETNX", "app:new", "1", "other:new", "x")),
		"incr":        one(deny("INCR", "other:n")),
		"decr":        one(deny("DECR", "other:n")),
		"incrby":      one(deny("INCRBY", "other:n", "1")),
		"decrby":      one(deny("DECRBY", "other:n", "1")),
		"incrbyfloat": one(deny("INCRBYFLOAT", "other:n", "1")),
		"append":      one(deny("APPEND", "other:str", "x")),
		"strlen":      one(deny("STRLEN", "other:str")),
		"getrange":    one(deny("GETRANGE", "other:str", "0", "-1")),
		"substr":      one(deny("SUBSTR", "other:str", "0", "-1")),
		"setrange":    one(deny("SETRANGE", "other:str", "0", "x")),

		"hset":         one(deny("HSET", "other:h1", "title", "x")),
		"hmset":        one(deny("HMSET", "other:h1", "title", "x")),
		"hsetnx":       one(deny("HSETNX", "other:h1", "new", "x")),
		"hget":         one(deny("HGET", "other:h1", "title")),
		"hmget":        one(deny("HMGET", "other:h1", "title", "n")),
		"hgetall":      one(deny("HGETALL", "other:h1")),
		"hdel":         one(deny("HDEL", "other:h1", "title")),
		"hexists":      one(deny("HEXISTS", "other:h1", "title")),
		"hlen":         one(deny("HLEN", "other:h1")),
		"hkeys":        one(deny("HKEYS", "other:h1")),
		"hvals":        one(deny("HVALS", "other:h1")),
		"hincrby":      one(deny("HINCRBY", "other:h1", "n", "1")),
		"hincrbyfloat": one(deny("HINCRBYFLOAT", "other:h1", "n", "1")),
		"hstrlen":      one(deny("HSTRLEN", "other:h1", "title")),
		"hscan":        one(deny("HSCAN", "other:h1", "0")),
		"hrandfield":   one(deny("HRANDFIELD", "other:h1", "-5", "WITHVALUES")),
		"hexpire":      one(deny("HEXPIRE", "other:h1", "100", "FIELDS", "1", "title")),
		"hpexpire":     one(deny("HPEXPIRE", "other:h1", "100", "FIELDS", "1", "title")),
		"hexpireat":    one(deny("HEXPIREAT", "other:h1", "100", "FIELDS", "1", "title")),
		"hpexpireat":   one(deny("HPEXPIREAT", "other:h1", "100", "FIELDS", "1", "title")),
		"httl":         one(deny("HTTL", "other:h1", "FIELDS", "1", "title")),
		"hpttl":        one(deny("HPTTL", "other:h1", "FIELDS", "1", "title")),
		"hexpiretime":  one(deny("HEXPIRETIME", "other:h1", "FIELDS", "1", "title")),
		"hpexpiretime": one(deny("HPEXPIRETIME", "other:h1", "FIELDS", "1", "title")),
		"hpersist":     one(deny("HPERSIST", "other:h1", "FIELDS", "1", "title")),
		"hgetex":       one(deny("HGETEX", "other:h1", "FIELDS", "1", "title")),
		"hsetex":       one(deny("HSETEX", "other:h1", "FIELDS", "1", "title", "x")),
		"hgetdel":      one(deny("HGETDEL", "other:h1", "FIELDS", "1", "title")),

		"object":           one(deny("OBJECT", "ENCODING", "other:z")),
		"zadd":             one(deny("ZADD", "other:z", "1", "a")),
		"zincrby":          one(deny("ZINCRBY", "other:z", "1", "a")),
		"zrem":             one(deny("ZREM", "other:z", "a")),
		"zscore":           one(deny("ZSCORE", "other:z", "a")),
		"zmscore":          one(deny("ZMSCORE", "other:z", "a")),
		"zrank":            one(deny("ZRANK", "other:z", "a")),
		"zrevrank":         one(deny("ZREVRANK", "other:z", "a")),
		"zcard":            one(deny("ZCARD", "other:z")),
		"zcount":           one(deny("ZCOUNT", "other:z", "-inf", "+inf")),
		"zlexcount":        one(deny("ZLEXCOUNT", "other:z", "-", "+")),
		"zrange":           one(deny("ZRANGE", "other:z", "0", "-1")),
		"zrangestore":      each(deny("ZRANGESTORE", "app:z", "other:z", "0", "-1"), deny("ZRANGESTORE", "other:z", "app:z", "0", "-1")),
		"zrangebyscore":    one(deny("ZRANGEBYSCORE", "other:z", "-inf", "+inf")),
		"zrevrangebyscore": one(deny("ZREVRANGEBYSCORE", "other:z", "+inf", "-inf")),
		"zrangebylex":      one(deny("ZRANGEBYLEX", "other:z", "-", "+")),
		"zrevrangebylex":   one(deny("ZREVRANGEBYLEX", "other:z", "+", "-")),
		"zrevrange":        one(deny("ZREVRANGE", "other:z", "0", "-1")),
		"zpopmin":          one(deny("ZPOPMIN", "other:z")),
		"zpopmax":          one(deny("ZPOPMAX", "other:z")),
		"zmpop":            one(deny("ZMPOP", "2", "app:z", "other:z", "MIN")),
		"zunion":           one(deny("ZUNION", "2", "app:z", "other:z")),
		"zinter":           one(deny("ZINTER", "2", "app:z", "other:z")),
		"zdiff":            one(deny("ZDIFF", "2", "app:z", "other:z")),
		"zunionstore":      each(deny("ZUNIONSTORE", "app:d", "2", "app:z", "other:z"), deny("ZUNIONSTORE", "other:d", "1", "app:z")),
		"zinterstore":      one(deny("ZINTERSTORE", "app:d", "2", "app:z", "other:z", "WEIGHTS", "1", "2")),
		"zdiffstore":       one(deny("ZDIFFSTORE", "app:d", "2", "app:z", "other:z")),
		"zintercard":       one(deny("ZINTERCARD", "2", "app:z", "other:z")),
		// geo
		"geoadd":               one(deny("GEOADD", "other:z", "1", "1", "a")),
		"geopos":               one(deny("GEOPOS", "other:z", "a")),
		"geodist":              one(deny("GEODIST", "other:z", "a", "b")),
		"geohash":              one(deny("GEOHASH", "other:z", "a")),
		"geosearch":            one(deny("GEOSEARCH", "other:z", "FROMLONLAT", "0", "0", "BYRADIUS", "9", "km")),
		"geosearchstore":       each(deny("GEOSEARCHSTORE", "app:d", "other:z", "FROMLONLAT", "0", "0", "BYRADIUS", "9", "km"), deny("GEOSEARCHSTORE", "other:d", "app:z", "FROMLONLAT", "0", "0", "BYRADIUS", "9", "km")),
		"georadius":            each(deny("GEORADIUS", "other:z", "0", "0", "9", "km"), deny("GEORADIUS", "app:z", "0", "0", "9", "km", "STORE", "other:d")),
		"georadius_ro":         one(deny("GEORADIUS_RO", "other:z", "0", "0", "9", "km")),
		"georadiusbymember":    each(deny("GEORADIUSBYMEMBER", "other:z", "a", "9", "km"), deny("GEORADIUSBYMEMBER", "app:z", "a", "9", "km", "STOREDIST", "other:d")),
		"georadiusbymember_ro": one(deny("GEORADIUSBYMEMBER_RO", "other:z", "a", "9", "km")),
		// scripting: the restricted user has no @scripting
		"eval":             each(deny("EVAL", "return redis.call('get',KEYS[1])", "1", "other:str"), deny("EVAL", "return redis.pcall('get','other:str')", "0")),
		"evalsha":          one(deny("EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "1", "other:str")),
		"eval_ro":          one(deny("EVAL_RO", "return redis.call('get',KEYS[1])", "1", "other:str")),
		"evalsha_ro":       one(deny("EVALSHA_RO", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "1", "other:str")),
		"script":           each(deny("SCRIPT", "LOAD", "return 1"), deny("SCRIPT", "FLUSH"), deny("SCRIPT", "KILL")),
		"fcall":            one(deny("FCALL", "f", "1", "other:str")),
		"fcall_ro":         one(deny("FCALL_RO", "f", "1", "other:str")),
		"function":         each(deny("FUNCTION", "LOAD", "#!lua name=l\nredis.register_function('f', function(k) return redis.call('get', k[1]) end)"), deny("FUNCTION", "FLUSH"), deny("FUNCTION", "LIST")),
		"zrandmember":      one(deny("ZRANDMEMBER", "other:z", "-5", "WITHSCORES")),
		"zremrangebyscore": one(deny("ZREMRANGEBYSCORE", "other:z", "-inf", "+inf")),
		"zremrangebyrank":  one(deny("ZREMRANGEBYRANK", "other:z", "0", "-1")),
		"zremrangebylex":   one(deny("ZREMRANGEBYLEX", "other:z", "-", "+")),
		"zscan":            one(deny("ZSCAN", "other:z", "0")),

		"del":         one(deny("DEL", "app:str", "other:str")),
		"unlink":      one(deny("UNLINK", "other:str")),
		"exists":      one(deny("EXISTS", "other:str")),
		"type":        one(deny("TYPE", "other:str")),
		"touch":       one(deny("TOUCH", "other:str")),
		"rename":      each(deny("RENAME", "other:str", "app:stolen"), deny("RENAME", "app:str", "other:str")),
		"renamenx":    each(deny("RENAMENX", "other:str", "app:stolen"), deny("RENAMENX", "app:str", "other:new")),
		"expire":      one(deny("EXPIRE", "other:str", "1")),
		"pexpire":     one(deny("PEXPIRE", "other:str", "1")),
		"expireat":    one(deny("EXPIREAT", "other:str", "1")),
		"pexpireat":   one(deny("PEXPIREAT", "other:str", "1")),
		"ttl":         one(deny("TTL", "other:str")),
		"pttl":        one(deny("PTTL", "other:str")),
		"expiretime":  one(deny("EXPIRETIME", "other:str")),
		"pexpiretime": one(deny("PEXPIRETIME", "other:str")),
		"persist":     one(deny("PERSIST", "other:str")),
		"scan":        each(allow("SCAN", "0", "COUNT", "1000"), allow("SCAN", "0", "MATCH", "other:*", "TYPE", "hash")),
		"keys":        one(deny("KEYS", "*")),
		"randomkey":   one(allow("RANDOMKEY")),

		"setbit":      one(deny("SETBIT", "other:str", "7", "1")),
		"getbit":      one(deny("GETBIT", "other:str", "1")),
		"bitcount":    one(deny("BITCOUNT", "other:str")),
		"bitpos":      one(deny("BITPOS", "other:str", "1")),
		"bitop":       each(deny("BITOP", "OR", "app:dest", "app:str", "other:str"), deny("BITOP", "NOT", "other:str", "app:str")),
		"bitfield":    one(deny("BITFIELD", "other:str", "GET", "u8", "0")),
		"bitfield_ro": one(deny("BITFIELD_RO", "other:str", "GET", "u8", "0")),
		"pfadd":       one(deny("PFADD", "other:hll", "a")),
		"pfcount":     one(deny("PFCOUNT", "app:hll", "other:str")),
		"pfmerge":     each(deny("PFMERGE", "app:hll", "other:str"), deny("PFMERGE", "other:hll", "app:str")),
		"pfdebug":     one(deny("PFDEBUG", "ENCODING", "other:hll")),
		"pfselftest":  one(deny("PFSELFTEST")),

		"multi": [][]walkStep{
			{allow("MULTI"), deny("GET", "other:str"), deny("EXEC")},
			{allow("MULTI"), allow("FT.SEARCH", "oidx", "*"), deny("EXEC")},
			{allow("MULTI"), allow("FT.DROPINDEX", "oidx", "DD"), deny("EXEC")},
		},
		"exec":    one(allow("EXEC")),
		"discard": one(allow("MULTI"), deny("SET", "other:str", "x"), allow("DISCARD")),
		"watch":   one(deny("WATCH", "other:str")),
		"unwatch": one(allow("UNWATCH")),

		"vcache.apply":         one(deny("VCACHE.APPLY", "x")),
		"vcache.sync":          one(deny("VCACHE.SYNC", "0", "0", "16383")),
		"vcache.import":        one(deny("VCACHE.IMPORT", "x")),
		"vcache.txlock":        one(deny("VCACHE.TXLOCK", "t", "1000", "other:str")),
		"vcache.txunlock":      one(deny("VCACHE.TXUNLOCK", "t")),
		"vcache.waitkeys":      one(deny("VCACHE.WAITKEYS", "10", "LIST", "other:list")),
		"vcache.txran":         one(deny("VCACHE.TXRAN", "t", "other:str")),
		"vcache.txprepare":     one(deny("VCACHE.TXPREPARE", "t")),
		"vcache.txcommit":      one(deny("VCACHE.TXCOMMIT", "t")),
		"vcache.txstatus":      one(deny("VCACHE.TXSTATUS", "t")),
		"vcache.holdexpiry":    one(deny("VCACHE.HOLDEXPIRY", "p", "1000")),
		"vcache.releaseexpiry": one(deny("VCACHE.RELEASEEXPIRY", "p")),
		"vcache.maywrite":      one(deny("VCACHE.MAYWRITE", "FCALL", "f")),
		"cluster":              each(allow("CLUSTER", "INFO"), allow("CLUSTER", "KEYSLOT", "other:str"), allow("CLUSTER", "SHARDS")),

		"ft.create": each(
			deny("FT.CREATE", "stolen", "ON", "HASH", "PREFIX", "1", "other:", "SCHEMA", "title", "TEXT"),
			deny("FT.CREATE", "stolen", "ON", "HASH", "PREFIX", "2", "app:", "other:", "SCHEMA", "title", "TEXT"),
			deny("FT.CREATE", "stolen", "ON", "HASH", "SCHEMA", "title", "TEXT"),
			deny("FT.CREATE", "stolen", "ON", "HASH", "PREFIX", "1", "", "SCHEMA", "title", "TEXT"),
			deny("FT.CREATE", "stolen", "ON", "HASH", "PREFIX", "1", "app", "SCHEMA", "title", "TEXT"),
			allow("FT.CREATE", "mine", "ON", "HASH", "PREFIX", "1", "app:", "SCHEMA", "title", "TEXT"),
		),
		"ft.search": each(
			deny("FT.SEARCH", "oidx", "*"),
			deny("FT.SEARCH", "oidx", "*", "NOCONTENT"),
			deny("FT.SEARCH", "oidx", "*=>[KNN 2 @emb $B]", "PARAMS", "2", "B", walkBlob(0.5, 0.5), "DIALECT", "2"),
			deny("FT.SEARCH", "allidx", "*"),
			allow("FT.SEARCH", "aidx", "*"),
		),
		"ft.hybrid": each(
			deny("FT.HYBRID", "oidx", "SEARCH", "*", "VSIM", "@emb", "$B", "PARAMS", "2", "B", walkBlob(0.5, 0.5)),
			deny("FT.HYBRID", "oidx", "SEARCH", "*", "VSIM", "@emb", "$B", "LOAD", "1", "title", "PARAMS", "2", "B", walkBlob(0.5, 0.5)),
			deny("FT.HYBRID", "allidx", "SEARCH", "*", "VSIM", "@emb", "$B", "PARAMS", "2", "B", walkBlob(0.5, 0.5)),
			allow("FT.HYBRID", "aidx", "SEARCH", "*", "VSIM", "@emb", "$B", "PARAMS", "2", "B", walkBlob(0.5, 0.5)),
		),
		"ft.aggregate": each(
			deny("FT.AGGREGATE", "oidx", "*", "LOAD", "*"),
			deny("FT.AGGREGATE", "oidx", "*", "GROUPBY", "1", "@title", "REDUCE", "TOLIST", "1", "@title", "AS", "t"),
			deny("FT.AGGREGATE", "oidx", "*", "LOAD", "1", "@title", "WITHCURSOR", "COUNT", "1"),
			deny("FT.AGGREGATE", "allidx", "*", "LOAD", "*"),
			allow("FT.AGGREGATE", "aidx", "*", "LOAD", "*"),
		),
		"ft.cursor":    each(allow("FT.CURSOR", "READ", "oidx", "1"), allow("FT.CURSOR", "DEL", "oidx", "1")),
		"ft.info":      each(deny("FT.INFO", "oidx"), deny("FT.INFO", "allidx"), allow("FT.INFO", "aidx")),
		"ft.dropindex": each(deny("FT.DROPINDEX", "oidx", "DD"), deny("FT.DROPINDEX", "oidx"), deny("FT.DROPINDEX", "allidx", "DD")),
		"ft._list":     one(allow("FT._LIST")),
		"ft.alter":     each(deny("FT.ALTER", "oidx", "SCHEMA", "ADD", "x", "TEXT"), deny("FT.ALTER", "allidx", "SKIPINITIALSCAN", "SCHEMA", "ADD", "x", "TEXT")),

		// RediSearch's other commands (search_compat.go)
		"ft.drop":        each(deny("FT.DROP", "oidx"), deny("FT.DROP", "oidx", "KEEPDOCS"), deny("FT.DROP", "allidx"), deny("FT.DROP", "oalias")),
		"ft.tagvals":     each(deny("FT.TAGVALS", "oidx", "title"), deny("FT.TAGVALS", "oalias", "title"), allow("FT.TAGVALS", "aidx", "title")),
		"ft.explain":     each(deny("FT.EXPLAIN", "oidx", "secret"), deny("FT.EXPLAIN", "allidx", "*"), allow("FT.EXPLAIN", "aidx", "hello")),
		"ft.explaincli":  each(deny("FT.EXPLAINCLI", "oidx", "*"), allow("FT.EXPLAINCLI", "aidx", "hello")),
		"ft.config":      each(deny("FT.CONFIG", "GET", "*"), deny("FT.CONFIG", "SET", "TIMEOUT", "1")),
		"ft.aliasadd":    each(deny("FT.ALIASADD", "stolen", "oidx"), deny("FT.ALIASADD", "stolen", "allidx"), deny("FT.INFO", "oalias"), deny("FT.SEARCH", "oalias", "*"), allow("FT.ALIASADD", "mine", "aidx")),
		"ft.aliasupdate": each(deny("FT.ALIASUPDATE", "oalias", "aidx"), deny("FT.ALIASUPDATE", "mine2", "oidx")),
		"ft.aliasdel":    each(deny("FT.ALIASDEL", "oalias")),
		"ft.dictadd":     one(allow("FT.DICTADD", "appdict", "x")),
		"ft.dictdel":     one(allow("FT.DICTDEL", "appdict", "x")),
		"ft.dictdump":    one(allow("FT.DICTDUMP", "appdict")),
		"ft.synupdate":   each(deny("FT.SYNUPDATE", "oidx", "g", "a", "b"), deny("FT.SYNUPDATE", "oalias", "g", "a"), allow("FT.SYNUPDATE", "aidx", "g", "a", "b")),
		"ft.syndump":     each(deny("FT.SYNDUMP", "oidx"), allow("FT.SYNDUMP", "aidx")),
		"ft.spellcheck":  each(deny("FT.SPELLCHECK", "oidx", "secrt"), deny("FT.SPELLCHECK", "allidx", "secrt"), allow("FT.SPELLCHECK", "aidx", "titel")),
		"ft.profile":     each(deny("FT.PROFILE", "oidx", "SEARCH", "QUERY", "*"), deny("FT.PROFILE", "allidx", "SEARCH", "LIMITED", "QUERY", "secret")),
		"ft.sugadd":      each(deny("FT.SUGADD", "other:sug", "x", "1"), allow("FT.SUGADD", "app:sug", "x", "1")),
		"ft.sugget":      one(deny("FT.SUGGET", "other:sug", "sec", "WITHPAYLOADS")),
		"ft.sugdel":      one(deny("FT.SUGDEL", "other:sug", "secret sugg")),
		"ft.suglen":      one(deny("FT.SUGLEN", "other:sug")),

		"vadd":        one(deny("VADD", "other:vs", "VALUES", "3", "1", "2", "3", "e2")),
		"vsim":        each(deny("VSIM", "other:vs", "ELE", "secretelem", "WITHSCORES"), deny("VSIM", "other:vs", "VALUES", "3", "1", "1", "1")),
		"vrem":        one(deny("VREM", "other:vs", "secretelem")),
		"vcard":       one(deny("VCARD", "other:vs")),
		"vdim":        one(deny("VDIM", "other:vs")),
		"vemb":        one(deny("VEMB", "other:vs", "secretelem")),
		"vinfo":       one(deny("VINFO", "other:vs")),
		"vsetattr":    one(deny("VSETATTR", "other:vs", "secretelem", "{}")),
		"vgetattr":    one(deny("VGETATTR", "other:vs", "secretelem")),
		"vismember":   one(deny("VISMEMBER", "other:vs", "secretelem")),
		"vrandmember": one(deny("VRANDMEMBER", "other:vs", "5")),

		"sadd":        one(deny("SADD", "other:set", "x")),
		"srem":        one(deny("SREM", "other:set", "secretmember")),
		"sismember":   one(deny("SISMEMBER", "other:set", "secretmember")),
		"smismember":  one(deny("SMISMEMBER", "other:set", "secretmember", "x")),
		"smembers":    one(deny("SMEMBERS", "other:set")),
		"scard":       one(deny("SCARD", "other:set")),
		"spop":        one(deny("SPOP", "other:set", "5")),
		"srandmember": one(deny("SRANDMEMBER", "other:set", "-5")),
		"smove":       each(deny("SMOVE", "other:set", "app:s", "secretmember"), deny("SMOVE", "app:s", "other:set", "a")),
		"sinter":      one(deny("SINTER", "app:s", "other:set")),
		"sintercard":  each(deny("SINTERCARD", "2", "app:s", "other:set"), deny("SINTERCARD", "1", "other:set", "LIMIT", "1")),
		"sunion":      one(deny("SUNION", "app:s", "other:set")),
		"sdiff":       one(deny("SDIFF", "other:set", "app:s")),
		"sinterstore": each(deny("SINTERSTORE", "app:d", "other:set"), deny("SINTERSTORE", "other:set", "app:s")),
		"sunionstore": each(deny("SUNIONSTORE", "app:d", "other:set"), deny("SUNIONSTORE", "other:str", "app:s")),
		"sdiffstore":  each(deny("SDIFFSTORE", "app:d", "other:set"), deny("SDIFFSTORE", "other:set", "app:s", "app:s")),
		"sscan":       one(deny("SSCAN", "other:set", "0")),
		"lpush":       one(deny("LPUSH", "other:l", "x")),
		"rpush":       one(deny("RPUSH", "other:l", "x")),
		"lpushx":      one(deny("LPUSHX", "other:l", "x")),
		"rpushx":      one(deny("RPUSHX", "other:l", "x")),
		"lpop":        one(deny("LPOP", "other:l")),
		"rpop":        one(deny("RPOP", "other:l", "2")),
		"lrange":      one(deny("LRANGE", "other:l", "0", "-1")),
		"lindex":      one(deny("LINDEX", "other:l", "0")),
		"lset":        one(deny("LSET", "other:l", "0", "x")),
		"linsert":     one(deny("LINSERT", "other:l", "BEFORE", "x", "y")),
		"lrem":        one(deny("LREM", "other:l", "0", "x")),
		"ltrim":       one(deny("LTRIM", "other:l", "0", "0")),
		"llen":        one(deny("LLEN", "other:l")),
		"lpos":        one(deny("LPOS", "other:l", "x")),
		"lmove":       each(deny("LMOVE", "other:l", "app:l", "LEFT", "LEFT"), deny("LMOVE", "app:l", "other:l", "LEFT", "LEFT")),
		"rpoplpush":   each(deny("RPOPLPUSH", "other:l", "app:l"), deny("RPOPLPUSH", "app:l", "other:l")),
		"lmpop":       each(deny("LMPOP", "1", "other:l", "LEFT"), deny("LMPOP", "2", "app:none", "other:l", "LEFT")),
		"blpop":       each(deny("BLPOP", "other:l", "0"), deny("BLPOP", "app:none", "other:l", "0")),
		"brpop":       one(deny("BRPOP", "app:none", "other:l", "0")),
		"blmove":      each(deny("BLMOVE", "other:l", "app:l", "LEFT", "LEFT", "0"), deny("BLMOVE", "app:l", "other:l", "LEFT", "LEFT", "0")),
		"brpoplpush":  one(deny("BRPOPLPUSH", "other:l", "app:l", "0")),
		"blmpop":      each(deny("BLMPOP", "0", "1", "other:l", "LEFT"), deny("BLMPOP", "0", "2", "app:none", "other:l", "LEFT")),
		"bzpopmin":    each(deny("BZPOPMIN", "other:z", "0"), deny("BZPOPMIN", "app:none", "other:z", "0")),
		"bzpopmax":    one(deny("BZPOPMAX", "app:none", "other:z", "0")),
		"bzmpop":      each(deny("BZMPOP", "0", "1", "other:z", "MIN"), deny("BZMPOP", "0", "2", "app:none", "other:z", "MIN")),

		"xadd":       one(deny("XADD", "other:st", "9-1", "f", "v")),
		"xlen":       one(deny("XLEN", "other:st")),
		"xrange":     one(deny("XRANGE", "other:st", "-", "+")),
		"xrevrange":  one(deny("XREVRANGE", "other:st", "+", "-")),
		"xread":      each(deny("XREAD", "STREAMS", "other:st", "0"), deny("XREAD", "COUNT", "1", "STREAMS", "app:st", "other:st", "0", "0")),
		"xdel":       one(deny("XDEL", "other:st", "1-1")),
		"xtrim":      one(deny("XTRIM", "other:st", "MAXLEN", "0")),
		"xinfo":      one(deny("XINFO", "STREAM", "other:st")),
		"xgroup":     one(deny("XGROUP", "CREATE", "other:st", "g", "0")),
		"xreadgroup": one(deny("XREADGROUP", "GROUP", "g", "c", "STREAMS", "other:st", ">")),
		"xack":       one(deny("XACK", "other:st", "g", "1-1")),
		"xpending":   one(deny("XPENDING", "other:st", "g")),
		"xclaim":     one(deny("XCLAIM", "other:st", "g", "c", "0", "1-1")),
		"xautoclaim": one(deny("XAUTOCLAIM", "other:st", "g", "c", "0", "0")),
		"xsetid":     one(deny("XSETID", "other:st", "9-9")),

		"copy":    each(deny("COPY", "other:str", "app:stolen"), deny("COPY", "app:str", "other:str", "REPLACE")),
		"sort":    each(deny("SORT", "other:set"), deny("SORT", "app:s", "BY", "other:*", "GET", "other:*"), deny("SORT", "app:s", "STORE", "other:set")),
		"sort_ro": each(deny("SORT_RO", "other:set"), deny("SORT_RO", "app:s", "BY", "nosort", "GET", "other:*")),
		"dump":    one(deny("DUMP", "other:str")),
		"migrate": each(deny("MIGRATE", "127.0.0.1", "1", "other:str", "0", "100"), deny("MIGRATE", "127.0.0.1", "1", "", "0", "100", "KEYS", "app:str", "other:str")),
		"restore": one(deny("RESTORE", "other:str", "0", "\x00\x01x\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00", "REPLACE")),
		"lcs":     each(deny("LCS", "app:str", "other:str"), deny("LCS", "other:str", "app:str", "IDX")),

		"json.set":       one(deny("JSON.SET", "other:j", "$", "1")),
		"json.get":       one(deny("JSON.GET", "other:j")),
		"json.mget":      one(deny("JSON.MGET", "app:j", "other:j", "$")),
		"json.mset":      one(deny("JSON.MSET", "app:j", "$", "1", "other:j", "$", "1")),
		"json.merge":     one(deny("JSON.MERGE", "other:j", "$", "{}")),
		"json.del":       one(deny("JSON.DEL", "other:j")),
		"json.forget":    one(deny("JSON.FORGET", "other:j")),
		"json.type":      one(deny("JSON.TYPE", "other:j")),
		"json.numincrby": one(deny("JSON.NUMINCRBY", "other:j", "$", "1")),
		"json.nummultby": one(deny("JSON.NUMMULTBY", "other:j", "$", "2")),
		"json.numpowby":  one(deny("JSON.NUMPOWBY", "other:j", "$", "2")),
		"json.strappend": one(deny("JSON.STRAPPEND", "other:j", "$", `"x"`)),
		"json.strlen":    one(deny("JSON.STRLEN", "other:j")),
		"json.toggle":    one(deny("JSON.TOGGLE", "other:j", "$")),
		"json.clear":     one(deny("JSON.CLEAR", "other:j")),
		"json.arrappend": one(deny("JSON.ARRAPPEND", "other:j", "$", "1")),
		"json.arrindex":  one(deny("JSON.ARRINDEX", "other:j", "$", "1")),
		"json.arrinsert": one(deny("JSON.ARRINSERT", "other:j", "$", "0", "1")),
		"json.arrlen":    one(deny("JSON.ARRLEN", "other:j")),
		"json.arrpop":    one(deny("JSON.ARRPOP", "other:j")),
		"json.arrtrim":   one(deny("JSON.ARRTRIM", "other:j", "$", "0", "1")),
		"json.objkeys":   one(deny("JSON.OBJKEYS", "other:j")),
		"json.objlen":    one(deny("JSON.OBJLEN", "other:j")),
		"json.resp":      one(deny("JSON.RESP", "other:j")),
		"json.debug":     each(deny("JSON.DEBUG", "MEMORY", "other:j"), allow("JSON.DEBUG", "HELP")),
		// pub/sub: app has no channel and no @pubsub
		"subscribe": one(deny("SUBSCRIBE", "other:ch")), "psubscribe": one(deny("PSUBSCRIBE", "other:*")),
		"ssubscribe": one(deny("SSUBSCRIBE", "other:ch")), "unsubscribe": one(deny("UNSUBSCRIBE")),
		"punsubscribe": one(deny("PUNSUBSCRIBE")), "sunsubscribe": one(deny("SUNSUBSCRIBE", "other:ch")),
		"publish": one(deny("PUBLISH", "other:ch", "m")), "spublish": one(deny("SPUBLISH", "other:ch", "m")),
		"pubsub": one(deny("PUBSUB", "CHANNELS")), "vcache.publish": one(deny("VCACHE.PUBLISH", "other:ch", "m")),
	}
}

// walkBlob encodes a FLOAT32 vector as FT.SEARCH's PARAMS take it.
func walkBlob(v ...float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return string(b)
}

// walkSetup fills the keyspace: keys of each type under other: with the
// secrets, an index over other: and one over every key, and app:'s own.
func walkSetup(t *testing.T, admin *rawConn) {
	t.Helper()
	for _, args := range [][]string{
		{"SET", "other:str", "SECRET string"},
		{"SET", "other:n", "1234567"},
		{"HSET", "other:h1", "title", "SECRET title", "n", "1234567", "emb", walkBlob(0.5, 0.5)},
		{"HSET", "other:h2", "title", "SECRET two", "emb", walkBlob(0.25, 1)},
		{"VADD", "other:vs", "VALUES", "3", "0.5", "0.25", "0.125", "secretelem", "SETATTR", `{"a":"SECRET attr"}`},
		{"SADD", "other:set", "secretmember", "1234567"},
		{"SET", "app:str", "mine"},
		{"SADD", "app:s", "a"},
		{"RPUSH", "other:l", "SECRET elem"},
		{"HSET", "app:h", "title", "app title"},
		{"FT.CREATE", "oidx", "ON", "HASH", "PREFIX", "1", "other:", "SCHEMA", "title", "TEXT", "n", "NUMERIC",
			"emb", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2"},
		{"FT.CREATE", "allidx", "ON", "HASH", "SCHEMA", "title", "TEXT"},
		{"FT.CREATE", "aidx", "ON", "HASH", "PREFIX", "1", "app:", "SCHEMA", "title", "TEXT"},
		{"FT.ALIASADD", "oalias", "oidx"},
		{"FT.SUGADD", "other:sug", "secret sugg", "1", "PAYLOAD", "secret payload"},
		{"ACL", "SETUSER", "app", "on", ">pw", "~app:*", "+@read", "+@write", "-@dangerous", "+@transaction", "+@connection"},
	} {
		if got := admin.do(args...); strings.HasPrefix(got, "(error)") {
			t.Fatalf("%v: %s", args, got)
		}
	}
}

// walkFingerprint renders everything outside app:* an admin can see:
// every other key's type, value and time to live, and the other indexes.
func walkFingerprint(t *testing.T, admin *rawConn) string {
	t.Helper()
	var b strings.Builder
	keys := walkItems(admin.do("KEYS", "*"))
	slices.Sort(keys)
	for _, k := range keys {
		if strings.HasPrefix(k, "app:") {
			continue
		}
		typ := admin.do("TYPE", k)
		b.WriteString(k + " " + typ + " " + admin.do("TTL", k) + "\n")
		switch typ {
		case "string":
			b.WriteString(admin.do("GET", k))
		case "hash":
			fv := walkItems(admin.do("HGETALL", k))
			var pairs []string
			for i := 0; i+1 < len(fv); i += 2 {
				pairs = append(pairs, fv[i]+"="+fv[i+1])
			}
			slices.Sort(pairs)
			b.WriteString(strings.Join(pairs, "\n"))
		case "set":
			ms := walkItems(admin.do("SMEMBERS", k))
			slices.Sort(ms)
			b.WriteString(strings.Join(ms, "\n"))
		case "vectorset":
			b.WriteString(admin.do("VCARD", k) + admin.do("VEMB", k, "secretelem") + admin.do("VGETATTR", k, "secretelem"))
		}
		b.WriteString("\n")
	}
	for _, idx := range []string{"oidx", "allidx", "oalias"} {
		b.WriteString(admin.do("FT.INFO", idx) + "\n")
	}
	b.WriteString(admin.do("FT.SUGGET", "other:sug", "s", "WITHSCORES", "WITHPAYLOADS") + "\n")
	return b.String()
}

// TestACLWalk runs every command of the command table as a user limited
// to app:* (~app:* +@read +@write -@dangerous, and transactions) with
// invocations aimed at other:'s keys and indexes, and checks that none
// reads or changes anything outside app:*: keyed commands are denied, no
// reply holds other:'s data, and other:'s keys and indexes are the same
// afterwards.
func TestACLWalk(t *testing.T) {
	tn := startNode(t, func(c *Config) { c.RequirePass = "adminpw" })
	admin := tn.raw(t)
	admin.do("AUTH", "adminpw")
	walkSetup(t, admin)
	before := walkFingerprint(t, admin)
	if !strings.Contains(before, "SECRET title") || !strings.Contains(before, "SECRET attr") || !strings.Contains(before, "1) other:\n") {
		t.Fatalf("the fingerprint misses the data:\n%s", before)
	}
	inv := walkInvocations()
	table := command.NewTable(command.Specs())
	byName := map[string]*command.Spec{}
	for _, spec := range table.All() {
		byName[spec.Name] = spec
	}
	walked := 0
	for _, spec := range table.All() {
		cases, ok := inv[spec.Name]
		if !ok {
			t.Errorf("no invocation of %s for the walk: add one to walkInvocations", spec.Name)
			continue
		}
		for _, steps := range cases {
			rc := tn.raw(t)
			if got := rc.do("AUTH", "app", "pw"); got != "OK" {
				t.Fatalf("AUTH app: %s", got)
			}
			for _, st := range steps {
				rc.send(st.args...)
				got, err := rc.reply()
				if err != nil {
					if strings.EqualFold(st.args[0], "quit") {
						break
					}
					t.Fatalf("%v: %v", st.args, err)
				}
				walked++
				lower := strings.ToLower(got)
				for _, s := range walkSecrets {
					if strings.Contains(lower, s) {
						t.Errorf("%v as app: the reply holds %q:\n%s", st.args, s, got)
					}
				}
				mustDeny := st.deny
				if s, ok := byName[strings.ToLower(st.args[0])]; ok {
					for _, i := range s.KeyIndexes(toBytes(st.args)) {
						if !strings.HasPrefix(st.args[i], "app:") {
							mustDeny = true
						}
					}
				}
				if mustDeny && !strings.Contains(got, "NOPERM") && !strings.Contains(got, "EXECABORT") && !strings.HasPrefix(got, "(error) NOAUTH") {
					t.Errorf("%v as app: not denied: %s", st.args, got)
				}
				if strings.EqualFold(st.args[0], "quit") {
					break
				}
			}
			if after := walkFingerprint(t, admin); after != before {
				t.Fatalf("%v as app changed what is outside app:*:\nbefore:\n%s\nafter:\n%s", steps, before, after)
			}
		}
	}
	for name := range inv {
		if _, ok := byName[name]; !ok {
			t.Errorf("walkInvocations has %s, which the table does not", name)
		}
	}
	t.Logf("%d command lines walked over %d commands", walked, table.Len())
}

// walkItems returns the elements of a flat array reply as rendered by
// rawConn.do.
func walkItems(reply string) []string {
	var out []string
	for _, line := range strings.Split(reply, "\n") {
		if _, v, ok := strings.Cut(line, ") "); ok {
			if u, err := strconv.Unquote(v); err == nil {
				v = u
			}
			out = append(out, v)
		}
	}
	return out
}

func toBytes(args []string) [][]byte {
	b := make([][]byte, len(args))
	for i, a := range args {
		b[i] = []byte(a)
	}
	return b
}
