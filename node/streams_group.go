package node

import (
	"errors"
	"strconv"
	"strings"

	"github.com/vcache/vcache/cache"
)

// Consumer group commands.

// noGroup is NOGROUP's text naming the key and group, as the commands
// that read a group word it.
func noGroup(key []byte, group string) string {
	return "NOGROUP No such key '" + string(key) + "' or consumer group '" + group + "'"
}

// errGroup answers err, with NOGROUP worded by msg.
func errGroup(cx *Ctx, err error, msg string) {
	if errors.Is(err, cache.ErrNoGroup) {
		cx.Error(msg)
		return
	}
	cx.Err(err)
}

var xgroupHelp = []string{
	"XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"CREATE <key> <groupname> <id|$> [option]",
	"    Create a new consumer group. Options are:",
	"    * MKSTREAM",
	"      Create the empty stream if it does not exist.",
	"    * ENTRIESREAD entries_read",
	"      Set the group's entries_read counter (internal use).",
	"CREATECONSUMER <key> <groupname> <consumer>",
	"    Create a new consumer in the specified group.",
	"DELCONSUMER <key> <groupname> <consumer>",
	"    Remove the specified consumer.",
	"DESTROY <key> <groupname>",
	"    Remove the specified group.",
	"SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
	"    Set the current group ID and entries_read counter.",
	"HELP",
	"    Prints this help.",
}

// xgroupArity is each XGROUP subcommand's arity, as Redis's subcommand
// table gives it.
var xgroupArity = map[string]int{"create": -5, "setid": -5, "destroy": 4, "createconsumer": 5, "delconsumer": 5, "help": 2}

// subcommandOK checks a container command's subcommand name and arity.
func subcommandOK(cx *Ctx, arity map[string]int) (string, bool) {
	sub := strings.ToLower(string(cx.Args[1]))
	ar, ok := arity[sub]
	if !ok {
		cx.Error("ERR unknown subcommand '" + string(cx.Args[1]) + "'. Try " + strings.ToUpper(cx.Name()) + " HELP.")
		return "", false
	}
	if n := len(cx.Args); (ar >= 0 && n != ar) || (ar < 0 && n < -ar) {
		cx.Error("ERR wrong number of arguments for '" + cx.Name() + "|" + sub + "' command")
		return "", false
	}
	return sub, true
}

func subSyntax(cx *Ctx) {
	cx.Error("ERR unknown subcommand or wrong number of arguments for '" + string(cx.Args[1]) + "'. Try " + strings.ToUpper(cx.Name()) + " HELP.")
}

func cmdXGroup(cx *Ctx) {
	sub, ok := subcommandOK(cx, xgroupArity)
	if !ok {
		return
	}
	if sub == "help" {
		replyHelp(cx, xgroupHelp)
		return
	}
	key, group := cx.Args[2], string(cx.Args[3])
	mkstream, entriesRead := false, int64(-1)
	if (sub == "create" && len(cx.Args) >= 6) || (sub == "setid" && len(cx.Args) >= 6) {
		for i := 5; i < len(cx.Args); {
			switch o := string(cx.Args[i]); {
			case sub == "create" && strings.EqualFold(o, "mkstream"):
				mkstream = true
				i++
			case strings.EqualFold(o, "entriesread") && i+1 < len(cx.Args):
				n, ok := streamInt(cx.Args[i+1])
				if !ok {
					cx.Error(msgNotInteger)
					return
				}
				if n < -1 {
					cx.Error("ERR value for ENTRIESREAD must be positive or -1")
					return
				}
				entriesRead = n
				i += 2
			default:
				subSyntax(cx)
				return
			}
		}
	}
	nogroup := "NOGROUP No such consumer group '" + group + "' for key name '" + string(key) + "'"
	ks := cx.Node.ks
	switch {
	case sub == "create" && len(cx.Args) <= 8:
		// Redis checks the key and type before the ID.
		if _, found, err := ks.StreamLastID(key); err != nil || (!found && !mkstream) {
			if err == nil {
				err = cache.ErrXGroupKeyRequired
			}
			cx.Err(err)
			return
		}
		var id cache.StreamID
		dollar := string(cx.Args[4]) == "$"
		if !dollar {
			var msg string
			if id, msg = parseStrictID(cx.Args[4]); msg != "" {
				cx.Error(msg)
				return
			}
		}
		if err := ks.XGroupCreate(key, group, id, dollar, mkstream, entriesRead); err != nil {
			cx.Err(err)
			return
		}
		cx.OK()
	case sub == "setid" && (len(cx.Args) == 5 || len(cx.Args) == 7):
		var id cache.StreamID
		dollar := string(cx.Args[4]) == "$"
		if err := ks.XGroupCheck(key, group); err != nil {
			errGroup(cx, err, nogroup) // existence first, as Redis
			return
		}
		if !dollar {
			var err error
			if id, err = cache.ParseStreamID(cx.Args[4], 0, false, nil); err != nil {
				cx.Error(msgInvalidID)
				return
			}
		}
		if err := ks.XGroupSetID(key, group, id, dollar, entriesRead); err != nil {
			errGroup(cx, err, nogroup)
			return
		}
		cx.OK()
	case sub == "destroy":
		ok, err := ks.XGroupDestroy(key, group)
		if err != nil {
			cx.Err(err)
			return
		}
		cx.Int(int64(b2i(ok)))
	case sub == "createconsumer":
		ok, err := ks.XGroupCreateConsumer(key, group, string(cx.Args[4]))
		if err != nil {
			errGroup(cx, err, nogroup)
			return
		}
		cx.Int(int64(b2i(ok)))
	case sub == "delconsumer":
		n, err := ks.XGroupDelConsumer(key, group, string(cx.Args[4]))
		if err != nil {
			errGroup(cx, err, nogroup)
			return
		}
		cx.Int(int64(n))
	default:
		subSyntax(cx)
	}
}

// replyHelp replies with a command's HELP lines, as simple strings.
func replyHelp(cx *Ctx, lines []string) {
	cx.Array(len(lines))
	for _, l := range lines {
		cx.Simple(l)
	}
}

// cmdXReadGroup serves XREADGROUP; with BLOCK, a read of new entries
// (">") that finds none waits (streams_block.go).
func cmdXReadGroup(cx *Ctx) {
	a, msg := parseXRead(cx.Args, true)
	if msg != "" {
		cx.Error(msg)
		return
	}
	if refuseBlockInScript(cx, a.block) {
		return
	}
	if a.block {
		r := &cx.Node.blocked
		r.mu.Lock()
		defer r.mu.Unlock()
	}
	ks := cx.Node.ks
	reads := make([]cache.XReadGroupArgs, len(a.keys))
	for i, k := range a.keys {
		if err := ks.StreamHasGroup(k, a.group); err != nil {
			errGroup(cx, err, "NOGROUP No such key '"+string(k)+"' or consumer group '"+a.group+"' in XREADGROUP with GROUP option")
			return
		}
		r := cache.XReadGroupArgs{Group: a.group, Consumer: a.consumer, Count: a.count, NoAck: a.noack}
		switch string(a.ids[i]) {
		case "$":
			cx.Error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")
			return
		case ">":
			r.New = true
		default:
			if r.After, msg = parseStrictID(a.ids[i]); msg != "" {
				cx.Error(msg)
				return
			}
		}
		reads[i] = r
	}
	var out []streamRead
	var seen []cache.StreamID
	for i, k := range a.keys {
		if a.block {
			last, _, _ := ks.StreamLastID(k)
			seen = append(seen, last)
		}
		es, ok, err := ks.XReadGroup(k, reads[i])
		if err != nil {
			errGroup(cx, err, "NOGROUP No such key '"+string(k)+"' or consumer group '"+a.group+"' in XREADGROUP with GROUP option")
			return
		}
		if ok {
			out = append(out, streamRead{k, es})
		}
	}
	if len(out) > 0 {
		replyStreams(cx, out)
		return
	}
	if !a.block {
		cx.NullArray()
		return
	}
	// Only ">" reads come here: the others always answer.
	blockStreams(cx, a.keys, &streamWait{seen: seen, group: a.group, consumer: a.consumer, count: a.count, noack: a.noack}, a.blockMs)
}

func cmdXAck(cx *Ctx) {
	ids := make([]cache.StreamID, 0, len(cx.Args)-3)
	for _, b := range cx.Args[3:] {
		id, msg := parseStrictID(b)
		if msg != "" {
			cx.Error(msg)
			return
		}
		ids = append(ids, id)
	}
	n, err := cx.Node.ks.XAck(cx.Args[1], string(cx.Args[2]), ids)
	if err != nil {
		cx.Err(err)
		return
	}
	cx.Int(n)
}

func cmdXPending(cx *Ctx) {
	args := cx.Args
	if len(args) != 3 && (len(args) < 6 || len(args) > 9) {
		cx.SyntaxError()
		return
	}
	key, group := args[1], string(args[2])
	if len(args) == 3 {
		s, err := cx.Node.ks.XPendingSummary(key, group)
		if err != nil {
			errGroup(cx, err, noGroup(key, group))
			return
		}
		cx.Array(4)
		cx.Int(s.Count)
		if s.Count == 0 {
			cx.Null()
			cx.Null()
			cx.NullArray()
			return
		}
		replyID(cx, s.First)
		replyID(cx, s.Last)
		cx.Array(len(s.Consumers))
		for _, c := range s.Consumers {
			cx.Array(2)
			cx.BulkString(c.Name)
			cx.BulkString(strconv.FormatInt(c.Pending, 10))
		}
		return
	}
	i := 3
	var minIdle int64
	if strings.EqualFold(string(args[3]), "idle") {
		n, ok := streamInt(args[4])
		if !ok {
			cx.Error(msgNotInteger)
			return
		}
		if len(args) < 8 {
			cx.SyntaxError()
			return
		}
		minIdle, i = n, 5
	}
	count, ok := streamInt(args[i+2])
	if !ok {
		cx.Error(msgNotInteger)
		return
	}
	start, msg := parseIntervalID(args[i], 0, true)
	if msg != "" {
		cx.Error(msg)
		return
	}
	end, msg := parseIntervalID(args[i+1], ^uint64(0), false)
	if msg != "" {
		cx.Error(msg)
		return
	}
	var consumer *string
	if i+3 < len(args) {
		c := string(args[i+3])
		consumer = &c
	}
	if i+4 < len(args) {
		cx.SyntaxError()
		return
	}
	ps, err := cx.Node.ks.XPendingRange(key, group, start, end, max(count, 0), minIdle, consumer)
	if err != nil {
		errGroup(cx, err, noGroup(key, group))
		return
	}
	cx.Array(len(ps))
	for _, p := range ps {
		cx.Array(4)
		replyID(cx, p.ID)
		cx.BulkString(p.Consumer)
		cx.Int(p.IdleMs)
		cx.Int(int64(p.Count))
	}
}

func cmdXClaim(cx *Ctx) {
	args := cx.Args
	key := args[1]
	a := cache.XClaimArgs{Group: string(args[2]), Consumer: string(args[3]), DeliveryTime: -1, RetryCount: -1}
	if err := cx.Node.ks.StreamHasGroup(key, a.Group); err != nil {
		errGroup(cx, err, noGroup(key, a.Group))
		return
	}
	n, ok := streamInt(args[4])
	if !ok {
		cx.Error("ERR Invalid min-idle-time argument for XCLAIM")
		return
	}
	a.MinIdle = max(n, 0)
	j := 5
	for ; j < len(args); j++ {
		id, err := cache.ParseStreamID(args[j], 0, true, nil)
		if err != nil {
			break
		}
		a.IDs = append(a.IDs, id)
	}
	now := cx.Node.ks.StreamClockMs()
	for ; j < len(args); j++ {
		more := len(args) - 1 - j
		switch o := string(args[j]); {
		case strings.EqualFold(o, "force"):
			a.Force = true
		case strings.EqualFold(o, "justid"):
			a.JustID = true
		case strings.EqualFold(o, "idle") && more > 0, strings.EqualFold(o, "time") && more > 0,
			strings.EqualFold(o, "retrycount") && more > 0:
			j++
			v, ok := streamInt(args[j])
			if !ok {
				cx.Error("ERR Invalid " + strings.ToUpper(o) + " option argument for XCLAIM")
				return
			}
			switch strings.ToLower(o) {
			case "idle":
				a.DeliveryTime = now - v
			case "time":
				a.DeliveryTime = v
			default:
				a.RetryCount = v
			}
		case strings.EqualFold(o, "lastid") && more > 0:
			j++
			id, msg := parseStrictID(args[j])
			if msg != "" {
				cx.Error(msg)
				return
			}
			a.LastID = id
		default:
			cx.Error("ERR Unrecognized XCLAIM option '" + o + "'")
			return
		}
	}
	es, err := cx.Node.ks.XClaim(key, a)
	if err != nil {
		errGroup(cx, err, noGroup(key, a.Group))
		return
	}
	cx.Array(len(es))
	for _, e := range es {
		if a.JustID {
			replyID(cx, e.ID)
		} else {
			replyEntry(cx, e)
		}
	}
}

func cmdXAutoClaim(cx *Ctx) {
	args := cx.Args
	minIdle, ok := streamInt(args[4])
	if !ok {
		cx.Error("ERR Invalid min-idle-time argument for XAUTOCLAIM")
		return
	}
	start, msg := parseIntervalID(args[5], 0, true)
	if msg != "" {
		cx.Error(msg)
		return
	}
	count, justID := int64(100), false
	for j := 6; j < len(args); j++ {
		switch o := string(args[j]); {
		case strings.EqualFold(o, "count") && j+1 < len(args):
			n, ok := streamInt(args[j+1])
			if !ok || n < 1 || n > (1<<63-1)/16 {
				cx.Error("ERR COUNT must be > 0")
				return
			}
			count = n
			j++
		case strings.EqualFold(o, "justid"):
			justID = true
		default:
			cx.SyntaxError()
			return
		}
	}
	key, group := args[1], string(args[2])
	next, es, deleted, err := cx.Node.ks.XAutoClaim(key, group, string(args[3]), max(minIdle, 0), start, int(min(count, 1<<24)), justID)
	if err != nil {
		errGroup(cx, err, noGroup(key, group))
		return
	}
	cx.Array(3)
	replyID(cx, next)
	cx.Array(len(es))
	for _, e := range es {
		if justID {
			replyID(cx, e.ID)
		} else {
			replyEntry(cx, e)
		}
	}
	cx.Array(len(deleted))
	for _, id := range deleted {
		replyID(cx, id)
	}
}
