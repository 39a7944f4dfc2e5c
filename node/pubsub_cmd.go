package node

import (
	"sort"
	"strings"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/glob"
)

// The pub/sub commands. A subscription's confirmation is queued in the
// subscriber's outbox while the subscriptions are locked, so it comes
// before any message published after it.

func cmdSubscribe(cx *Ctx)    { subscribe(cx, subChannel) }
func cmdPSubscribe(cx *Ctx)   { subscribe(cx, subPattern) }
func cmdSSubscribe(cx *Ctx)   { subscribe(cx, subShard) }
func cmdUnsubscribe(cx *Ctx)  { unsubscribe(cx, subChannel) }
func cmdPUnsubscribe(cx *Ctx) { unsubscribe(cx, subPattern) }
func cmdSUnsubscribe(cx *Ctx) { unsubscribe(cx, subShard) }

// msgSubscribeOnLoop answers a subscription made where the connection
// cannot receive messages: inside a MULTI run by an event loop.
const msgSubscribeOnLoop = "ERR SUBSCRIBE inside MULTI is not supported: subscribe before MULTI"

func subscribe(cx *Ctx, k subKind) {
	c := cx.cl
	rc, ok := c.conn.(*rconn)
	if !ok || !rc.goroutine {
		cx.Error(msgSubscribeOnLoop)
		return
	}
	n := cx.Node
	if c.out.Load() == nil {
		n.startOutbox(rc, c)
	}
	p := &n.pubsub
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, name := range cx.Args[1:] {
		p.add(c, k, string(name))
		cx.Push(3)
		cx.BulkString(subNames[k][0])
		cx.Bulk(name)
		cx.Int(subTotal(c, k))
	}
	n.flushNow(rc)
}

func unsubscribe(cx *Ctx, k subKind) {
	c := cx.cl
	n := cx.Node
	p := &n.pubsub
	p.mu.Lock()
	defer p.mu.Unlock()
	names := cx.Args[1:]
	if len(names) == 0 {
		for _, s := range c.subNamesOf(k) {
			names = append(names, []byte(s))
		}
	}
	if len(names) == 0 {
		cx.Push(3)
		cx.BulkString(subNames[k][1])
		cx.Null()
		cx.Int(subTotal(c, k))
	}
	for _, name := range names {
		p.remove(c, k, string(name))
		cx.Push(3)
		cx.BulkString(subNames[k][1])
		cx.Bulk(name)
		cx.Int(subTotal(c, k))
	}
	if rc, ok := c.conn.(*rconn); ok && c.out.Load() != nil {
		n.flushNow(rc)
	}
}

// subTotal is the count a (un)subscription reply carries: channels and
// patterns together, shard channels apart, as in Redis.
func subTotal(c *client, k subKind) int64 {
	if k == subShard {
		return c.subCount(subShard)
	}
	return c.subCount(subChannel) + c.subCount(subPattern)
}

// flushNow hands the replies written so far to c's outbox.
func (n *Node) flushNow(c *rconn) {
	if k := len(c.Buffer()); k > 0 && !c.counts {
		n.stats.netOut.Add(int64(k))
	}
	_ = c.Flush()
}

func cmdPublish(cx *Ctx) {
	cx.Int(cx.Node.publish(subChannel, cx.Args[1], cx.Args[2], cx.cl.deliv) + cx.Node.forwardPublish(cx.Args[1], cx.Args[2]))
}

func cmdSPublish(cx *Ctx) { cx.Int(cx.Node.publish(subShard, cx.Args[1], cx.Args[2], cx.cl.deliv)) }

// cmdPing is PING: in subscriber mode a RESP2 connection gets
// ["pong", message], as in Redis.
func cmdPing(cx *Ctx) {
	if len(cx.Args) <= 2 && cx.cl.subscribed() && !cx.cl.resp3.Load() {
		cx.Array(2)
		cx.BulkString("pong")
		if len(cx.Args) == 2 {
			cx.Bulk(cx.Args[1])
		} else {
			cx.BulkString("")
		}
		return
	}
	front.Ping(cx, cx.Args)
}

// subscriberDenied returns the error of a command a RESP2 connection in
// subscriber mode may not run, or "".
func subscriberDenied(c *client, spec *command.Spec, args [][]byte) string {
	if spec.Has(command.Subscriber) || !c.subscribed() || c.resp3.Load() {
		return ""
	}
	name := spec.Name
	if spec.Has(command.Container) && len(args) > 1 {
		name = subcommandName(name, args[1])
	}
	return "ERR Can't execute '" + name + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
}

var pubsubHelp = []string{
	"PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"CHANNELS [<pattern>]",
	"    Return the currently active channels matching a <pattern> (default: '*').",
	"NUMPAT",
	"    Return number of subscriptions to patterns.",
	"NUMSUB [<channel> ...]",
	"    Return the number of subscribers for the specified channels, excluding",
	"    pattern subscriptions(default: no channels).",
	"SHARDCHANNELS [<pattern>]",
	"    Return the currently active shard level channels matching a <pattern> (default: '*').",
	"SHARDNUMSUB [<shardchannel> ...]",
	"    Return the number of subscribers for the specified shard level channel(s)",
	"HELP",
	"    Prints this help.",
}

func cmdPubSub(cx *Ctx) {
	p := &cx.Node.pubsub
	sub := strings.ToLower(string(cx.Args[1]))
	argc := len(cx.Args)
	switch {
	case sub == "help" && argc == 2:
		replyHelp(cx, pubsubHelp)
	case (sub == "channels" || sub == "shardchannels") && argc <= 3:
		k := subChannel
		if sub == "shardchannels" {
			k = subShard
		}
		pat := ""
		if argc == 3 {
			pat = string(cx.Args[2])
		}
		p.mu.RLock()
		var out []string
		for name := range p.subs[k] {
			if pat == "" || glob.Match(pat, name) {
				out = append(out, name)
			}
		}
		p.mu.RUnlock()
		sort.Strings(out)
		cx.Array(len(out))
		for _, s := range out {
			cx.BulkString(s)
		}
	case sub == "numsub" || sub == "shardnumsub":
		k := subChannel
		if sub == "shardnumsub" {
			k = subShard
		}
		p.mu.RLock()
		counts := make([]int64, argc-2)
		for i, name := range cx.Args[2:] {
			counts[i] = int64(len(p.subs[k][string(name)]))
		}
		p.mu.RUnlock()
		cx.Array(2 * len(counts))
		for i, name := range cx.Args[2:] {
			cx.Bulk(name)
			cx.Int(counts[i])
		}
	case sub == "numpat" && argc == 2:
		p.mu.RLock()
		k := len(p.subs[subPattern])
		p.mu.RUnlock()
		cx.Int(int64(k))
	case sub == "help" || sub == "numpat":
		cx.Error("ERR wrong number of arguments for 'pubsub|" + sub + "' command")
	case sub == "channels" || sub == "shardchannels":
		cx.Error("ERR unknown subcommand or wrong number of arguments for '" + string(cx.Args[1]) + "'. Try PUBSUB HELP.")
	default:
		cx.Error("ERR unknown subcommand '" + string(cx.Args[1]) + "'. Try PUBSUB HELP.")
	}
}

// subscriber reports whether c's client has subscriptions or is a
// monitor (it is then not subject to the idle timeout, as in Redis).
func subscriber(c *rconn) bool {
	cl, _ := c.ctx.(*client)
	return cl != nil && (cl.subscribed() || cl.monitor.Load())
}
