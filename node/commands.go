package node

import (
	"sort"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
)

// handlers is the node's one table of handlers: every command it serves,
// by the name of its spec in internal/command. Adding a command is one
// spec there and one handler function and line here.
func handlers() map[string]Handler {
	return map[string]Handler{
		// connection (front's, shared with the proxy)
		"ping": cmdPing, "echo": frontCmd(front.Echo), "quit": frontCmd(front.Quit),
		"reset": frontCmd(front.Reset), "select": frontCmd(front.Select), "auth": frontCmd(front.Auth),
		"hello": frontCmd(front.Hello), "client": cmdClient, "command": frontCmd(front.Command),
		"readonly": cmdReadOnly, "readwrite": cmdReadWrite, "asking": cmdAsking,
		"monitor": cmdMonitor,

		// strings
		"get": cmdGet, "set": cmdSet, "setnx": cmdSetNX, "setex": cmdSetEX, "psetex": cmdPSetEX,
		"getset": cmdGetSet, "getdel": cmdGetDel, "getex": cmdGetEx, "mget": cmdMGet, "mset": cmdMSet,
		"msetnx": cmdMSetNX, "incr": cmdIncr, "decr": cmdDecr, "incrby": cmdIncrBy, "decrby": cmdDecrBy,
		"incrbyfloat": cmdIncrByFloat, "append": cmdAppend, "strlen": cmdStrLen, "getrange": cmdGetRange,
		"substr": cmdGetRange, "setrange": cmdSetRange,

		// hashes
		"hset": cmdHSet, "hmset": cmdHMSet, "hsetnx": cmdHSetNX, "hget": cmdHGet, "hmget": cmdHMGet,
		"hgetall": cmdHGetAll, "hkeys": cmdHKeys, "hvals": cmdHVals, "hdel": cmdHDel,
		"hexists": cmdHExists, "hlen": cmdHLen, "hstrlen": cmdHStrLen, "hincrby": cmdHIncrBy,
		"hincrbyfloat": cmdHIncrByFloat, "hrandfield": cmdHRandField, "hscan": cmdHScan,

		// keys
		"del": cmdDel, "unlink": cmdDel, "exists": cmdExists, "touch": cmdTouch, "type": cmdType,
		"rename": cmdRename, "renamenx": cmdRenameNX, "expire": cmdExpire, "pexpire": cmdPExpire,
		"expireat": cmdExpireAt, "pexpireat": cmdPExpireAt, "ttl": cmdTTL, "pttl": cmdPTTL,
		"expiretime": cmdExpireTime, "pexpiretime": cmdPExpireTime, "persist": cmdPersist,
		"scan": cmdScan, "keys": cmdKeys, "randomkey": cmdRandomKey, "memory": cmdMemory,

		// transactions
		"multi": cmdMulti, "discard": cmdDiscard, "watch": cmdWatch, "unwatch": cmdUnwatch,
		"exec": cmdExec, "vcache.txlock": cmdTxLock, "vcache.txunlock": cmdTxUnlock,

		// sorted sets
		"object": cmdObject, "zadd": cmdZAdd, "zincrby": cmdZIncrBy, "zrem": cmdZRem, "zscore": cmdZScore, "zmscore": cmdZMScore,
		"zrank": cmdZRank, "zrevrank": cmdZRevRank, "zcard": cmdZCard, "zcount": cmdZCount,
		"zlexcount": cmdZLexCount, "zrange": cmdZRange, "zrangestore": cmdZRangeStore,
		"zrangebyscore": cmdZRangeByScore, "zrevrangebyscore": cmdZRevRangeByScore,
		"zrangebylex": cmdZRangeByLex, "zrevrangebylex": cmdZRevRangeByLex, "zrevrange": cmdZRevRange,
		"zpopmin": cmdZPopMin, "zpopmax": cmdZPopMax, "zmpop": cmdZMPop, "zunion": cmdZUnion,
		"zinter": cmdZInter, "zdiff": cmdZDiff, "zunionstore": cmdZUnionStore, "zinterstore": cmdZInterStore,
		"zdiffstore": cmdZDiffStore, "zintercard": cmdZInterCard, "zrandmember": cmdZRandMember,
		"zremrangebyscore": cmdZRemRangeByScore, "zremrangebyrank": cmdZRemRangeByRank,
		"zremrangebylex": cmdZRemRangeByLex, "zscan": cmdZScan,
		// bitmaps and HyperLogLog (operations on strings)
		"setbit": cmdSetBit, "getbit": cmdGetBit, "bitcount": cmdBitCount, "bitpos": cmdBitPos,
		"bitop": cmdBitOp, "bitfield": cmdBitField, "bitfield_ro": cmdBitFieldRO,
		"pfadd": cmdPFAdd, "pfcount": cmdPFCount, "pfmerge": cmdPFMerge,
		"pfdebug": cmdPFDebug, "pfselftest": cmdPFSelfTest,
		// sets
		"sadd": cmdSAdd, "srem": cmdSRem, "sismember": cmdSIsMember, "smismember": cmdSMIsMember,
		"smembers": cmdSMembers, "scard": cmdSCard, "spop": cmdSPop, "srandmember": cmdSRandMember,
		"smove": cmdSMove, "sinter": cmdSInter, "sintercard": cmdSInterCard, "sunion": cmdSUnion,
		"sdiff": cmdSDiff, "sinterstore": cmdSInterStore, "sunionstore": cmdSUnionStore,
		"sdiffstore": cmdSDiffStore, "sscan": cmdSScan,
		// lists
		"lpush": cmdLPush, "rpush": cmdRPush, "lpushx": cmdLPushX, "rpushx": cmdRPushX,
		"lpop": cmdLPop, "rpop": cmdRPop, "lrange": cmdLRange, "lindex": cmdLIndex, "lset": cmdLSet,
		"linsert": cmdLInsert, "lrem": cmdLRem, "ltrim": cmdLTrim, "llen": cmdLLen, "lpos": cmdLPos,
		"lmove": cmdLMove, "rpoplpush": cmdRPopLPush, "lmpop": cmdLMPop,
		"blpop": cmdBLPop, "brpop": cmdBRPop, "blmove": cmdBLMove, "brpoplpush": cmdBRPopLPush,
		"blmpop": cmdBLMPop,
		// sorted sets, blocking
		"bzpopmin": cmdBZPopMin, "bzpopmax": cmdBZPopMax, "bzmpop": cmdBZMPop,
		// streams
		"xadd": cmdXAdd, "xlen": cmdXLen, "xrange": cmdXRange, "xrevrange": cmdXRevRange,
		"xread": cmdXRead, "xdel": cmdXDel, "xtrim": cmdXTrim, "xinfo": cmdXInfo, "xgroup": cmdXGroup,
		"xreadgroup": cmdXReadGroup, "xack": cmdXAck, "xpending": cmdXPending, "xclaim": cmdXClaim,
		"xautoclaim": cmdXAutoClaim, "xsetid": cmdXSetID,

		// server
		"config": cmdConfig, "info": cmdInfo, "dbsize": cmdDBSize, "flushall": cmdFlush,
		"flushdb": cmdFlush, "time": cmdTime, "save": cmdSave, "bgsave": cmdBGSave,
		"lastsave": cmdLastSave, "shutdown": cmdShutdown, "slowlog": cmdSlowlog, "acl": cmdACL,
		"cluster": cmdCluster, "vcache.import": cmdImport, "vcache.apply": cmdApply,
		"vcache.sync": cmdSync, "wait": cmdWait,

		// search (RediSearch dialect)
		"ft.create": cmdFTCreate, "ft.search": cmdFTSearch, "ft.info": cmdFTInfo,
		"ft.dropindex": cmdFTDrop, "ft._list": cmdFTList, "ft.alter": cmdFTAlter,
		"ft.drop": cmdFTDropLegacy, "ft.tagvals": cmdFTTagVals, "ft.explain": cmdFTExplain,
		"ft.explaincli": cmdFTExplainCLI, "ft.config": cmdFTConfig, "ft.aliasadd": cmdFTAliasAdd,
		"ft.aliasupdate": cmdFTAliasUpdate, "ft.aliasdel": cmdFTAliasDel, "ft.dictadd": cmdFTDictAdd,
		"ft.dictdel": cmdFTDictDel, "ft.dictdump": cmdFTDictDump, "ft.synupdate": cmdFTSynUpdate,
		"ft.syndump": cmdFTSynDump, "ft.spellcheck": cmdFTSpellCheck, "ft.sugadd": cmdFTSugAdd,
		"ft.sugget": cmdFTSugGet, "ft.sugdel": cmdFTSugDel, "ft.suglen": cmdFTSugLen,
		"ft.profile": cmdFTProfile, "ft.aggregate": cmdFTAggregate, "ft.cursor": cmdFTCursor,

		// vector sets
		"vadd": cmdVAdd, "vsim": cmdVSim, "vrem": cmdVRem, "vcard": cmdVCard, "vdim": cmdVDim,
		"vemb": cmdVEmb, "vinfo": cmdVInfo, "vsetattr": cmdVSetAttr, "vgetattr": cmdVGetAttr,
		"vismember": cmdVIsMember, "vrandmember": cmdVRandMember,

		// scripting
		"eval": cmdEval, "evalsha": cmdEvalSHA, "eval_ro": cmdEvalRO, "evalsha_ro": cmdEvalSHARO,
		"script": cmdScript,
		// keyspace, complete
		"copy": cmdCopy, "sort": cmdSort, "sort_ro": cmdSortRO, "lcs": cmdLCS,
		"dump": cmdDump, "restore": cmdRestore,
		// functions
		"fcall": cmdFCall, "fcall_ro": cmdFCallRO, "function": cmdFunction,
		// JSON documents
		"json.set": cmdJSONSet, "json.get": cmdJSONGet, "json.mget": cmdJSONMGet, "json.mset": cmdJSONMSet,
		"json.merge": cmdJSONMerge, "json.del": cmdJSONDel, "json.forget": cmdJSONDel,
		"json.type": cmdJSONType, "json.numincrby": cmdJSONNumIncrBy, "json.nummultby": cmdJSONNumMultBy,
		"json.strappend": cmdJSONStrAppend, "json.strlen": cmdJSONStrLen, "json.toggle": cmdJSONToggle,
		"json.clear": cmdJSONClear, "json.arrappend": cmdJSONArrAppend, "json.arrindex": cmdJSONArrIndex,
		"json.arrinsert": cmdJSONArrInsert, "json.arrlen": cmdJSONArrLen, "json.arrpop": cmdJSONArrPop,
		"json.arrtrim": cmdJSONArrTrim, "json.objkeys": cmdJSONObjKeys, "json.objlen": cmdJSONObjLen,
		"json.resp": cmdJSONResp, "json.debug": cmdJSONDebug,
		// pub/sub
		"subscribe": cmdSubscribe, "unsubscribe": cmdUnsubscribe, "psubscribe": cmdPSubscribe,
		"punsubscribe": cmdPUnsubscribe, "ssubscribe": cmdSSubscribe, "sunsubscribe": cmdSUnsubscribe,
		"publish": cmdPublish, "spublish": cmdSPublish, "pubsub": cmdPubSub, "vcache.publish": cmdVcachePublish,
		// hash field expiration
		"hexpire": cmdHExpire, "hpexpire": cmdHPExpire, "hexpireat": cmdHExpireAt, "hpexpireat": cmdHPExpireAt,
		"httl": cmdHTTL, "hpttl": cmdHPTTL, "hexpiretime": cmdHExpireTime, "hpexpiretime": cmdHPExpireTime,
		"hpersist": cmdHPersist, "hgetex": cmdHGetEx, "hsetex": cmdHSetEx, "hgetdel": cmdHGetDel,
		// geo
		"geoadd": cmdGeoAdd, "geopos": cmdGeoPos, "geodist": cmdGeoDist, "geohash": cmdGeoHash,
		"geosearch": cmdGeoSearch, "geosearchstore": cmdGeoSearchStore,
		"georadius": cmdGeoRadius, "georadius_ro": cmdGeoRadiusRO,
		"georadiusbymember":    cmdGeoRadiusByMember,
		"georadiusbymember_ro": cmdGeoRadiusByMemberRO,
	}
}

// frontCmd serves a connection command of internal/front.
func frontCmd(h func(front.Conn, [][]byte)) Handler {
	return func(cx *Ctx) { h(cx, cx.Args) }
}

// commandTable joins the shared command specs with this node's handlers:
// the table of the served specs and their entries, by spec ID. A spec
// without a handler is not served (it answers as unknown); a handler
// without a spec is a programming error caught by the tests.
func commandTable() (*command.Table, []*cmdEntry) {
	hs := handlers()
	t := command.NewTable(command.Specs()).Select(func(s *command.Spec) bool { return hs[s.Name] != nil })
	list := make([]*cmdEntry, t.Len())
	for _, s := range t.All() {
		list[s.ID] = &cmdEntry{spec: s, handler: hs[s.Name]}
	}
	return t, list
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
