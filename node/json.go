package node

import (
	"errors"
	"strconv"
	"strings"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/resp"
)

// JSON documents: RedisJSON's commands over cache's JSON type.

// jsonErr answers a JSON command's error in RedisJSON's words.
func jsonErr(cx *Ctx, err error) {
	if errors.Is(err, cache.ErrJSONPathType) {
		cx.Error("WRONGTYPE " + err.Error())
		return
	}
	cx.Err(err)
}

// jsonPath parses a path argument, answering the error itself.
func jsonPath(cx *Ctx, arg []byte) (*cache.JSONPath, bool) {
	p, err := cache.ParseJSONPath(string(arg))
	if err != nil {
		jsonErr(cx, err)
		return nil, false
	}
	return p, true
}

// jsonPathOr parses the optional path at cx.Args[i] ("." when absent).
func jsonPathOr(cx *Ctx, i int, def string) (*cache.JSONPath, bool) {
	if i < len(cx.Args) {
		return jsonPath(cx, cx.Args[i])
	}
	return jsonPath(cx, []byte(def))
}

// jsonReply writes a JSON command's reply.
func jsonReply(cx *Ctx, r cache.JSONReply) {
	switch r.Kind {
	case cache.JSONNull:
		cx.Null()
	case cache.JSONInt:
		cx.Int(r.Int)
	case cache.JSONBulk:
		cx.BulkString(r.Str)
	case cache.JSONSimple:
		cx.Simple(r.Str)
	case cache.JSONDouble:
		if cx.Proto() == 3 {
			cx.raw(resp.AppendDouble(cx.buf[:0], r.Float))
		} else {
			cx.BulkString(strconv.FormatFloat(r.Float, 'g', 17, 64))
		}
	case cache.JSONArray:
		cx.Array(len(r.Elems))
		for _, e := range r.Elems {
			jsonReply(cx, e)
		}
	}
}

func jsonReplyErr(cx *Ctx, r cache.JSONReply, err error) {
	if err != nil {
		jsonErr(cx, err)
		return
	}
	jsonReply(cx, r)
}

// JSON.SET key path value [NX|XX]
func cmdJSONSet(cx *Ctx) {
	mode := cache.JSONSetAlways
	for _, a := range cx.Args[4:] {
		switch {
		case strings.EqualFold(string(a), "nx") && mode == cache.JSONSetAlways:
			mode = cache.JSONSetNX
		case strings.EqualFold(string(a), "xx") && mode == cache.JSONSetAlways:
			mode = cache.JSONSetXX
		default:
			cx.SyntaxError()
			return
		}
	}
	p, ok := jsonPath(cx, cx.Args[2])
	if !ok {
		return
	}
	set, err := cx.Node.ks.JSONSet(cx.Args[1], p, cx.Args[3], mode)
	switch {
	case err != nil:
		jsonErr(cx, err)
	case set:
		cx.OK()
	default:
		cx.Null()
	}
}

// JSON.MERGE key path value
func cmdJSONMerge(cx *Ctx) {
	if len(cx.Args) > 4 {
		cx.SyntaxError()
		return
	}
	p, ok := jsonPath(cx, cx.Args[2])
	if !ok {
		return
	}
	set, err := cx.Node.ks.JSONMerge(cx.Args[1], p, cx.Args[3])
	switch {
	case err != nil:
		jsonErr(cx, err)
	case set:
		cx.OK()
	default:
		cx.Null()
	}
}

// JSON.MSET key path value [key path value ...]
func cmdJSONMSet(cx *Ctx) {
	if (len(cx.Args)-1)%3 != 0 {
		cx.Error("ERR wrong number of arguments for 'json.mset' command")
		return
	}
	var sets []cache.JSONSetArgs
	for i := 1; i < len(cx.Args); i += 3 {
		p, ok := jsonPath(cx, cx.Args[i+1])
		if !ok {
			return
		}
		sets = append(sets, cache.JSONSetArgs{Key: cx.Args[i], Path: p, Text: cx.Args[i+2]})
	}
	if err := cx.Node.ks.JSONMSet(sets); err != nil {
		jsonErr(cx, err)
		return
	}
	cx.OK()
}

// JSON.GET key [INDENT s] [NEWLINE s] [SPACE s] [path ...]
func cmdJSONGet(cx *Ctx) {
	var f cache.JSONFormat
	formatted := false
	var paths []*cache.JSONPath
	for i := 2; i < len(cx.Args); i++ {
		a := string(cx.Args[i])
		switch {
		case strings.EqualFold(a, "indent"), strings.EqualFold(a, "newline"), strings.EqualFold(a, "space"):
			if i+1 >= len(cx.Args) {
				cx.Error("ERR wrong number of arguments for 'json.get' command")
				return
			}
			i++
			switch strings.ToLower(a) {
			case "indent":
				f.Indent = string(cx.Args[i])
			case "newline":
				f.Newline = string(cx.Args[i])
			default:
				f.Space = string(cx.Args[i])
			}
			formatted = true
		case strings.EqualFold(a, "noescape"):
		default:
			p, ok := jsonPath(cx, cx.Args[i])
			if !ok {
				return
			}
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		p, _ := cache.ParseJSONPath(".")
		paths = append(paths, p)
	}
	var fp *cache.JSONFormat
	if formatted {
		fp = &f
	}
	text, found, err := cx.Node.ks.JSONGet(cx.Args[1], paths, fp)
	switch {
	case err != nil:
		jsonErr(cx, err)
	case !found:
		cx.Null()
	default:
		cx.Bulk(text)
	}
}

// JSON.MGET key [key ...] path
func cmdJSONMGet(cx *Ctx) {
	p, ok := jsonPath(cx, cx.Args[len(cx.Args)-1])
	if !ok {
		return
	}
	keys := cx.Args[1 : len(cx.Args)-1]
	paths := []*cache.JSONPath{p}
	cx.Array(len(keys))
	for _, k := range keys {
		text, found, err := cx.Node.ks.JSONGet(k, paths, nil)
		if err != nil || !found {
			cx.Null()
			continue
		}
		cx.Bulk(text)
	}
}

// JSON.DEL key [path]
func cmdJSONDel(cx *Ctx) { jsonCount(cx, (*cache.Keyspace).JSONDel) }

// JSON.TYPE key [path]
func cmdJSONType(cx *Ctx) {
	p, ok := jsonPathOr(cx, 2, ".")
	if !ok {
		return
	}
	r, err := cx.Node.ks.JSONType(cx.Args[1], p)
	if err == nil && cx.Proto() == 3 { // RedisJSON wraps every RESP3 answer in an array
		r = cache.JSONReply{Kind: cache.JSONArray, Elems: []cache.JSONReply{r}}
	}
	jsonReplyErr(cx, r, err)
}

func cmdJSONNumIncrBy(cx *Ctx) { jsonNumOp(cx, false) }
func cmdJSONNumMultBy(cx *Ctx) { jsonNumOp(cx, true) }

func jsonNumOp(cx *Ctx, mult bool) {
	p, ok := jsonPath(cx, cx.Args[2])
	if !ok {
		return
	}
	r, err := cx.Node.ks.JSONNumOp(cx.Args[1], p, cx.Args[3], mult, cx.Proto() == 3)
	jsonReplyErr(cx, r, err)
}

// JSON.STRAPPEND key [path] value
func cmdJSONStrAppend(cx *Ctx) {
	pathArg, val := []byte("."), cx.Args[2]
	if len(cx.Args) > 3 {
		pathArg, val = cx.Args[2], cx.Args[3]
	}
	p, ok := jsonPath(cx, pathArg)
	if !ok {
		return
	}
	r, err := cx.Node.ks.JSONStrAppend(cx.Args[1], p, val)
	jsonReplyErr(cx, r, err)
}

// JSON.STRLEN key [path]
func cmdJSONStrLen(cx *Ctx) { jsonQuery(cx, (*cache.Keyspace).JSONStrLen) }

// JSON.TOGGLE key path
func cmdJSONToggle(cx *Ctx) {
	p, ok := jsonPath(cx, cx.Args[2])
	if !ok {
		return
	}
	r, err := cx.Node.ks.JSONToggle(cx.Args[1], p)
	jsonReplyErr(cx, r, err)
}

// JSON.CLEAR key [path]
func cmdJSONClear(cx *Ctx) { jsonCount(cx, (*cache.Keyspace).JSONClear) }

// JSON.ARRAPPEND key path value [value ...]
func cmdJSONArrAppend(cx *Ctx) {
	p, ok := jsonPath(cx, cx.Args[2])
	if !ok {
		return
	}
	r, err := cx.Node.ks.JSONArrAppend(cx.Args[1], p, cx.Args[3:])
	jsonReplyErr(cx, r, err)
}

// jsonInt parses an integer argument, answering Redis's error.
func jsonInt(cx *Ctx, b []byte) (int64, bool) {
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		cx.Err(cache.ErrNotInteger)
		return 0, false
	}
	return n, true
}

// JSON.ARRINDEX key path value [start [stop]]
func cmdJSONArrIndex(cx *Ctx) {
	if len(cx.Args) > 6 {
		cx.Error("ERR wrong number of arguments for 'json.arrindex' command")
		return
	}
	var start, stop int64
	var ok bool
	if len(cx.Args) > 4 {
		if start, ok = jsonInt(cx, cx.Args[4]); !ok {
			return
		}
	}
	if len(cx.Args) > 5 {
		if stop, ok = jsonInt(cx, cx.Args[5]); !ok {
			return
		}
	}
	p, ok := jsonPath(cx, cx.Args[2])
	if !ok {
		return
	}
	r, err := cx.Node.ks.JSONArrIndex(cx.Args[1], p, cx.Args[3], start, stop)
	jsonReplyErr(cx, r, err)
}

// JSON.ARRINSERT key path index value [value ...]
func cmdJSONArrInsert(cx *Ctx) {
	index, ok := jsonInt(cx, cx.Args[3])
	if !ok {
		return
	}
	p, ok := jsonPath(cx, cx.Args[2])
	if !ok {
		return
	}
	r, err := cx.Node.ks.JSONArrInsert(cx.Args[1], p, index, cx.Args[4:])
	jsonReplyErr(cx, r, err)
}

// JSON.ARRLEN key [path]
func cmdJSONArrLen(cx *Ctx) { jsonQuery(cx, (*cache.Keyspace).JSONArrLen) }

// JSON.ARRPOP key [path [index]]
func cmdJSONArrPop(cx *Ctx) {
	p, ok := jsonPathOr(cx, 2, ".")
	if !ok {
		return
	}
	index := int64(-1)
	if len(cx.Args) > 3 {
		// RedisJSON reads an unparsable index as -1.
		if n, err := strconv.ParseInt(string(cx.Args[3]), 10, 64); err == nil {
			index = n
		}
	}
	r, err := cx.Node.ks.JSONArrPop(cx.Args[1], p, index)
	jsonReplyErr(cx, r, err)
}

// JSON.ARRTRIM key path start stop
func cmdJSONArrTrim(cx *Ctx) {
	start, ok := jsonInt(cx, cx.Args[3])
	if !ok {
		return
	}
	stop, ok := jsonInt(cx, cx.Args[4])
	if !ok {
		return
	}
	p, ok := jsonPath(cx, cx.Args[2])
	if !ok {
		return
	}
	r, err := cx.Node.ks.JSONArrTrim(cx.Args[1], p, start, stop)
	jsonReplyErr(cx, r, err)
}

// JSON.OBJKEYS key [path]
func cmdJSONObjKeys(cx *Ctx) { jsonQuery(cx, (*cache.Keyspace).JSONObjKeys) }

// JSON.OBJLEN key [path]
func cmdJSONObjLen(cx *Ctx) { jsonQuery(cx, (*cache.Keyspace).JSONObjLen) }

// JSON.RESP key [path]
func cmdJSONResp(cx *Ctx) { jsonQuery(cx, (*cache.Keyspace).JSONResp) }

// JSON.DEBUG MEMORY key [path] | HELP
func cmdJSONDebug(cx *Ctx) {
	switch sub := strings.ToLower(string(cx.Args[1])); {
	case sub == "memory" && len(cx.Args) >= 3:
		p, ok := jsonPathOr(cx, 3, ".")
		if !ok {
			return
		}
		r, err := cx.Node.ks.JSONDebugMemory(cx.Args[2], p)
		jsonReplyErr(cx, r, err)
	case sub == "memory":
		cx.Error("ERR wrong number of arguments for 'json.debug' command")
	case sub == "help":
		cx.Array(2)
		cx.BulkString("MEMORY <key> [path] - reports memory usage")
		cx.BulkString("HELP                - this message")
	default:
		cx.Error("ERR unknown subcommand - try `JSON.DEBUG HELP`")
	}
}

// JSON.NUMPOWBY key path value
func cmdJSONNumPowBy(cx *Ctx) {
	p, ok := jsonPath(cx, cx.Args[2])
	if !ok {
		return
	}
	r, err := cx.Node.ks.JSONNumPowBy(cx.Args[1], p, cx.Args[3], cx.Proto() == 3)
	jsonReplyErr(cx, r, err)
}

// jsonQuery serves NAME key [path] (path "." when absent) with what read
// answers for the key's values at the path.
func jsonQuery(cx *Ctx, read func(ks *cache.Keyspace, key []byte, p *cache.JSONPath) (cache.JSONReply, error)) {
	p, ok := jsonPathOr(cx, 2, ".")
	if !ok {
		return
	}
	r, err := read(cx.Node.ks, cx.Args[1], p)
	jsonReplyErr(cx, r, err)
}

// jsonCount serves NAME key [path] (path "$" when absent) with the count
// of values change changed at the path.
func jsonCount(cx *Ctx, change func(ks *cache.Keyspace, key []byte, p *cache.JSONPath) (int64, error)) {
	p, ok := jsonPathOr(cx, 2, "$")
	if !ok {
		return
	}
	n, err := change(cx.Node.ks, cx.Args[1], p)
	if err != nil {
		jsonErr(cx, err)
		return
	}
	cx.Int(n)
}
