package node

import (
	"strings"

	"github.com/vcache/vcache/cache"
)

var xinfoHelp = []string{
	"XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"CONSUMERS <key> <groupname>",
	"    Show consumers of <groupname>.",
	"GROUPS <key>",
	"    Show the stream consumer groups.",
	"STREAM <key> [FULL [COUNT <count>]",
	"    Show information about the stream.",
	"HELP",
	"    Prints this help.",
}

var xinfoArity = map[string]int{"stream": -3, "groups": 3, "consumers": 4, "help": 2}

func cmdXInfo(cx *Ctx) {
	sub, ok := subcommandOK(cx, xinfoArity)
	if !ok {
		return
	}
	ks, key := cx.Node.ks, []byte(nil)
	if sub != "help" {
		key = cx.Args[2]
	}
	switch sub {
	case "help":
		replyHelp(cx, xinfoHelp)
	case "consumers":
		cs, err := ks.XInfoConsumers(key, string(cx.Args[3]))
		if err != nil {
			errGroup(cx, err, "NOGROUP No such consumer group '"+string(cx.Args[3])+"' for key name '"+string(key)+"'")
			return
		}
		cx.Array(len(cs))
		for _, c := range cs {
			r := xinfoPairs(cx, 3)
			r.str("name", c.Name)
			r.int("pending", c.Pending)
			r.int("idle", c.IdleMs)
		}
	case "groups":
		gs, err := ks.XInfoGroups(key)
		if err != nil {
			cx.Err(err)
			return
		}
		cx.Array(len(gs))
		for _, g := range gs {
			r := xinfoPairs(cx, 6)
			r.str("name", g.Name)
			r.int("consumers", g.Consumers)
			r.int("pending", g.Pending)
			r.id("last-delivered-id", g.LastID)
			r.groupCounters(g)
		}
	case "stream":
		xinfoStream(cx, key)
	}
}

// xinfoReply writes the name/value pairs of an XINFO reply, in Redis's
// flat array (RESP3's map is made from it at the edge).
type xinfoReply struct{ cx *Ctx }

// xinfoPairs starts a reply of n pairs.
func xinfoPairs(cx *Ctx, n int) xinfoReply {
	cx.Array(2 * n)
	return xinfoReply{cx}
}

func (r xinfoReply) str(name, v string) {
	r.cx.BulkString(name)
	r.cx.BulkString(v)
}

func (r xinfoReply) int(name string, v int64) {
	r.cx.BulkString(name)
	r.cx.Int(v)
}

func (r xinfoReply) id(name string, v cache.StreamID) {
	r.cx.BulkString(name)
	replyID(r.cx, v)
}

// intOrNull writes v if ok, else a null.
func (r xinfoReply) intOrNull(name string, v int64, ok bool) {
	r.cx.BulkString(name)
	if ok {
		r.cx.Int(v)
	} else {
		r.cx.Null()
	}
}

// name writes a name whose value the caller writes next.
func (r xinfoReply) name(name string) { r.cx.BulkString(name) }

// groupCounters writes a group's entries-read and lag pairs.
func (r xinfoReply) groupCounters(g cache.GroupInfo) {
	r.intOrNull("entries-read", g.EntriesRead, g.EntriesRead >= 0)
	r.intOrNull("lag", g.Lag, g.LagKnown)
}

// replyPending writes a pending entry of XINFO STREAM FULL: its id, its
// consumer unless withConsumer is false, its delivery time and count.
func replyPending(cx *Ctx, p cache.PendingFull, withConsumer bool) {
	if withConsumer {
		cx.Array(4)
	} else {
		cx.Array(3)
	}
	replyID(cx, p.ID)
	if withConsumer {
		cx.BulkString(p.Consumer)
	}
	cx.Int(p.Delivered)
	cx.Int(int64(p.Count))
}

func xinfoStream(cx *Ctx, key []byte) {
	args := cx.Args[3:]
	full, count := false, int64(10)
	switch {
	case len(args) == 0:
	case (len(args) == 1 || len(args) == 3) && strings.EqualFold(string(args[0]), "full"):
		full = true
		if len(args) == 3 {
			if !strings.EqualFold(string(args[1]), "count") {
				subSyntax(cx)
				return
			}
			n, ok := streamInt(args[2])
			if !ok {
				cx.Error(msgNotInteger)
				return
			}
			if count = n; n < 0 {
				count = 10
			}
		}
	default:
		subSyntax(cx)
		return
	}
	in, err := cx.Node.ks.XInfoStream(key, full, int(min(count, 1<<31)))
	if err != nil {
		cx.Err(err)
		return
	}
	pairs := 10
	if full {
		pairs = 9
	}
	r := xinfoPairs(cx, pairs)
	r.int("length", in.Length)
	r.int("radix-tree-keys", in.RadixKeys)
	r.int("radix-tree-nodes", in.RadixNodes)
	r.id("last-generated-id", in.LastID)
	r.id("max-deleted-entry-id", in.MaxDeleted)
	r.int("entries-added", in.EntriesAdded)
	r.id("recorded-first-entry-id", in.FirstRecorded)
	if !full {
		r.int("groups", in.Groups)
		for i, e := range []*cache.StreamEntry{in.First, in.Last} {
			r.name([]string{"first-entry", "last-entry"}[i])
			if e == nil {
				cx.Null()
			} else {
				replyEntry(cx, *e)
			}
		}
		return
	}
	r.name("entries")
	replyEntries(cx, in.Entries)
	r.name("groups")
	cx.Array(len(in.GroupsFull))
	for _, g := range in.GroupsFull {
		gr := xinfoPairs(cx, 7)
		gr.str("name", g.Name)
		gr.id("last-delivered-id", g.LastID)
		gr.groupCounters(g.GroupInfo)
		gr.int("pel-count", g.GroupInfo.Pending)
		gr.name("pending")
		cx.Array(len(g.Pending))
		for _, p := range g.Pending {
			replyPending(cx, p, true)
		}
		gr.name("consumers")
		cx.Array(len(g.Consumers))
		for _, c := range g.Consumers {
			cr := xinfoPairs(cx, 4)
			cr.str("name", c.Name)
			cr.int("seen-time", c.Seen)
			cr.int("pel-count", c.PELCount)
			cr.name("pending")
			cx.Array(len(c.Pending))
			for _, p := range c.Pending {
				replyPending(cx, p, false)
			}
		}
	}
}
