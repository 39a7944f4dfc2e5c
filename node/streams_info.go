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
			cx.Array(6)
			cx.BulkString("name")
			cx.BulkString(c.Name)
			cx.BulkString("pending")
			cx.Int(c.Pending)
			cx.BulkString("idle")
			cx.Int(c.IdleMs)
		}
	case "groups":
		gs, err := ks.XInfoGroups(key)
		if err != nil {
			cx.Err(err)
			return
		}
		cx.Array(len(gs))
		for _, g := range gs {
			cx.Array(12)
			cx.BulkString("name")
			cx.BulkString(g.Name)
			cx.BulkString("consumers")
			cx.Int(g.Consumers)
			cx.BulkString("pending")
			cx.Int(g.Pending)
			cx.BulkString("last-delivered-id")
			replyID(cx, g.LastID)
			replyGroupCounters(cx, g)
		}
	case "stream":
		xinfoStream(cx, key)
	}
}

// replyGroupCounters writes a group's entries-read and lag fields.
func replyGroupCounters(cx *Ctx, g cache.GroupInfo) {
	cx.BulkString("entries-read")
	if g.EntriesRead >= 0 {
		cx.Int(g.EntriesRead)
	} else {
		cx.Null()
	}
	cx.BulkString("lag")
	if g.LagKnown {
		cx.Int(g.Lag)
	} else {
		cx.Null()
	}
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
	if full {
		cx.Array(18)
	} else {
		cx.Array(20)
	}
	cx.BulkString("length")
	cx.Int(in.Length)
	cx.BulkString("radix-tree-keys")
	cx.Int(in.RadixKeys)
	cx.BulkString("radix-tree-nodes")
	cx.Int(in.RadixNodes)
	cx.BulkString("last-generated-id")
	replyID(cx, in.LastID)
	cx.BulkString("max-deleted-entry-id")
	replyID(cx, in.MaxDeleted)
	cx.BulkString("entries-added")
	cx.Int(in.EntriesAdded)
	cx.BulkString("recorded-first-entry-id")
	replyID(cx, in.FirstRecorded)
	if !full {
		cx.BulkString("groups")
		cx.Int(in.Groups)
		for i, e := range []*cache.StreamEntry{in.First, in.Last} {
			cx.BulkString([]string{"first-entry", "last-entry"}[i])
			if e == nil {
				cx.Null()
			} else {
				replyEntry(cx, *e)
			}
		}
		return
	}
	cx.BulkString("entries")
	replyEntries(cx, in.Entries)
	cx.BulkString("groups")
	cx.Array(len(in.GroupsFull))
	for _, g := range in.GroupsFull {
		cx.Array(14)
		cx.BulkString("name")
		cx.BulkString(g.Name)
		cx.BulkString("last-delivered-id")
		replyID(cx, g.LastID)
		replyGroupCounters(cx, g.GroupInfo)
		cx.BulkString("pel-count")
		cx.Int(g.GroupInfo.Pending)
		cx.BulkString("pending")
		cx.Array(len(g.Pending))
		for _, p := range g.Pending {
			cx.Array(4)
			replyID(cx, p.ID)
			cx.BulkString(p.Consumer)
			cx.Int(p.Delivered)
			cx.Int(int64(p.Count))
		}
		cx.BulkString("consumers")
		cx.Array(len(g.Consumers))
		for _, c := range g.Consumers {
			cx.Array(8)
			cx.BulkString("name")
			cx.BulkString(c.Name)
			cx.BulkString("seen-time")
			cx.Int(c.Seen)
			cx.BulkString("pel-count")
			cx.Int(c.PELCount)
			cx.BulkString("pending")
			cx.Array(len(c.Pending))
			for _, p := range c.Pending {
				cx.Array(3)
				replyID(cx, p.ID)
				cx.Int(p.Delivered)
				cx.Int(int64(p.Count))
			}
		}
	}
}
