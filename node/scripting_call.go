package node

import (
	"strings"
	"time"

	"github.com/vcache/vcache/internal/acl"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/script"
)

// scriptCaller runs a script's redis.call and redis.pcall: through the
// dispatcher's checks (unknown command, arity, not allowed from scripts,
// the caller's ACL rights, read-only scripts, cluster slot) and then
// run, which replicates writes, with the reply captured.
type scriptCaller struct {
	n        *Node
	c        *client // the script's own client: the caller's user, in EXEC mode (stripes held)
	run      *scriptRun
	readonly bool
	slot     int // in a cluster, the slot of the script's keys (-1: none yet)
	// key0 is the script's first declared key and slot0 its hash slot,
	// when the command that called the script knew it (key0 nil: not
	// known): its commands on that key do not hash it again.
	key0    []byte
	slot0   int
	capture capture
}

// reuseCaller returns the caller of run r of the client caller: the
// scripting state's one, set afresh (the client the commands run as is a
// new one each time, in the memory of the last), so that a script call
// does not allocate them (the caller's execMu is held).
func (s *scripting) reuseCaller(n *Node, caller *client, r *scriptRun, readonly bool, slot int) *scriptCaller {
	if s.caller == nil {
		s.caller = &scriptCaller{c: &client{}}
	}
	sc := s.caller
	c, stack := sc.c, sc.capture.stack[:0]
	*sc = scriptCaller{n: n, run: r, readonly: readonly, slot: slot}
	// (Cleared, then set field by field: a composite literal of caller's
	// fields would be built aside and copied, the client being large.)
	*c = client{}
	c.id, c.addr, c.laddr, c.created = caller.id, caller.addr, caller.laddr, caller.created
	c.conn, c.authed, c.user, c.inExec = caller.conn, true, caller.user, true
	c.readonly, c.script, c.scriptOf, c.deliv = caller.readonly, true, trackOwner(caller), caller.deliv
	c.userName = caller.userName
	c.cx.Node = n
	c.cx.cl = c
	sc.capture.stats = &n.errs
	sc.capture.stack = stack
	c.cx.w = &sc.capture
	sc.c = c
	return sc
}

// Call implements script.Caller. With resp3 the command runs as for a
// client that speaks RESP3 and its RESP3 reply is captured.
func (sc *scriptCaller) Call(args [][]byte, resp3 bool) script.Reply {
	n := sc.n
	e := n.scripts.names.lookup(n, args[0])
	if e == nil || len(args) > 1 && e.spec.Has(command.Container) && !e.spec.HasSubcommand(args[1]) {
		// (An unknown subcommand is no command to Redis either.)
		return script.ErrorReply("ERR Unknown Redis command called from script")
	}
	// A command refused here counts as rejected in INFO commandstats, as
	// Redis counts it.
	if !e.spec.ArityOK(len(args)) {
		n.reject(e, args)
		return script.ErrorReply("ERR Wrong number of args calling Redis command from script")
	}
	if e.spec.HasIn(args, command.NoScript) || e.spec.Has(command.Blocking) {
		n.reject(e, args)
		return script.ErrorReply("ERR This Redis command is not allowed from script")
	}
	if u := sc.c.user; u != nil && !e.spec.Has(command.NoAuth) {
		if d := u.Perms().Check(e.spec.ID, e.spec, args); d != nil {
			now := time.Now()
			n.acl.Log().Add(*d, false, sc.c.info(now), now)
			n.reject(e, args)
			return script.ErrorReply(scriptDenial(d))
		}
	}
	if sc.readonly && (e.spec.Has(command.Write) || e.spec.Has(command.MayReplicate)) {
		// A may-replicate command (PUBLISH, PFCOUNT) counts as a write
		// here, as in Redis: a read-only script may then run while
		// CLIENT PAUSE WRITE holds writes.
		n.reject(e, args)
		return script.ErrorReply("ERR Write commands are not allowed from read-only scripts.")
	}
	if n.cl.Load() != nil {
		if msg := sc.clusterCheck(e, args); msg != "" {
			n.reject(e, args)
			return script.ErrorReply(msg)
		}
	}
	if e.spec.Has(command.Write) {
		sc.run.wrote.Store(true)
	}
	sc.capture.reset()
	sc.c.resp3.Store(resp3)
	slot1 := 0
	if sc.key0 != nil && e.spec.FirstKey == 1 && len(args) > 1 && string(args[1]) == string(sc.key0) {
		slot1 = sc.slot0 + 1
	}
	n.run(sc.c, e, args, slot1)
	r := sc.capture.reply()
	if r.Kind == script.Error && (strings.HasPrefix(r.Str, "MOVED ") || strings.HasPrefix(r.Str, "ASK ")) {
		return script.ErrorReply("ERR Script attempted to access a non local key in a cluster node")
	}
	return r
}

// nameCache remembers the commands scripts called last by the exact
// bytes of their names: scripts call a few commands over and over, and
// comparing a short name is cheaper than folding its case and hashing
// it. The scripting state's execMu guards it.
type nameCache struct {
	ents [4]struct {
		name [maxCachedName]byte
		n    int
		e    *cmdEntry
	}
	next int
}

// maxCachedName bounds the names a nameCache keeps.
const maxCachedName = 24

// lookup is n.lookup through the cache.
func (nc *nameCache) lookup(n *Node, name []byte) *cmdEntry {
	for i := range nc.ents {
		c := &nc.ents[i]
		if c.e != nil && c.n == len(name) && string(c.name[:c.n]) == string(name) {
			return c.e
		}
	}
	e := n.lookup(name)
	if e != nil && len(name) <= maxCachedName {
		c := &nc.ents[nc.next]
		nc.next = (nc.next + 1) % len(nc.ents)
		c.n = copy(c.name[:], name)
		c.e = e
	}
	return e
}

// CheckACL implements script.ACLChecker (redis.acl_check_cmd).
func (sc *scriptCaller) CheckACL(args [][]byte) (allowed, known bool) {
	e := sc.n.lookup(args[0])
	if e == nil {
		return false, false
	}
	u := sc.c.user
	if u == nil || e.spec.Has(command.NoAuth) {
		return true, true
	}
	return u.Perms().Check(e.spec.ID, e.spec, args) == nil, true
}

// clusterCheck refuses, in a cluster, a command whose keys are not all in
// the script's one slot.
func (sc *scriptCaller) clusterCheck(e *cmdEntry, args [][]byte) string {
	for _, i := range e.spec.KeyPositions(args, nil) {
		s := keyslot.Of(args[i])
		if sc.slot < 0 {
			sc.slot = s
		} else if s != sc.slot {
			return "ERR Script attempted to access keys that do not hash to the same slot"
		}
	}
	return ""
}

// scriptDenial is the error a script sees for a command its user may not
// run, in Redis 7.0's words.
func scriptDenial(d *acl.Denial) string {
	if d.Reason == "key" {
		return "ERR The user executing the script can't access at least one of the keys mentioned in the command"
	}
	return "ERR The user executing the script can't run this command or subcommand"
}

// capture is a replyWriter that keeps one command's reply as a
// script.Reply.
type capture struct {
	// stats counts the errors commands answer (the script passes them
	// on marked Counted).
	stats *errorStats
	root  script.Reply
	have  bool
	stack []*frame
}

type frame struct {
	r    *script.Reply
	want int
}

func (c *capture) reset() {
	c.root, c.have, c.stack = script.Reply{}, false, c.stack[:0]
}

// reply returns the captured reply (an error if the command wrote none).
func (c *capture) reply() script.Reply {
	if !c.have {
		return script.ErrorReply("ERR command returned no reply")
	}
	return c.root
}

// add places r where the reply being built expects its next element and
// returns where it was stored.
func (c *capture) add(r script.Reply) *script.Reply {
	if len(c.stack) == 0 {
		if c.have {
			return nil // a second reply: ignored
		}
		c.root, c.have = r, true
		return &c.root
	}
	top := c.stack[len(c.stack)-1]
	top.r.Elems = append(top.r.Elems, r)
	p := &top.r.Elems[len(top.r.Elems)-1]
	if len(top.r.Elems) == top.want {
		c.stack = c.stack[:len(c.stack)-1]
	}
	return p
}

func (c *capture) WriteString(s string)     { c.add(script.Reply{Kind: script.Status, Str: s}) }
func (c *capture) WriteBulk(b []byte)       { c.add(script.Reply{Kind: script.Bulk, Str: string(b)}) }
func (c *capture) WriteBulkString(s string) { c.add(script.Reply{Kind: script.Bulk, Str: s}) }
func (c *capture) WriteInt64(n int64)       { c.add(script.Reply{Kind: script.Int, Int: n}) }
func (c *capture) WriteNull()               { c.add(script.Reply{Kind: script.Nil}) }
func (c *capture) WriteError(msg string) {
	if c.stats != nil {
		c.stats.add(msg)
	}
	c.add(script.Reply{Kind: script.Error, Str: msg, Counted: c.stats != nil})
}

func (c *capture) WriteArray(n int) { c.open('*', n) }

// WriteRaw takes raw RESP (replies written whole, such as *-1 or ACL's,
// and RESP3 replies or the headers of RESP3 aggregates whose elements
// follow); see scripting_resp3.go.
func (c *capture) WriteRaw(b []byte) {
	if err := c.addRaw(b); err != nil {
		c.add(script.ErrorReply("ERR unreadable reply"))
	}
}
