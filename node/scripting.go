package node

import (
	"context"
	"math/bits"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/script"
)

// Scripting (EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT): the Lua engine is
// the script package; this file runs a script atomically and serves its
// redis.call through the dispatcher.
//
// Atomicity: a script holds every stripe (stripes.go) exclusively while it
// runs, so no other client's keyed command interleaves with it, whatever
// keys it touches (declared or not: Redis lets a standalone server's
// scripts touch undeclared keys, and its own tests do). Locking 64
// uncontended stripes costs about a microsecond. One script runs at a
// time, as in Redis.
//
// A script can run long (a loop that never ends). Commands that find a
// stripe taken (stripeLock) look at the running script instead of
// blocking on the stripe: they wait for it to end and, once it has run
// past busy-reply-threshold, answer BUSY; SCRIPT KILL stops it. So an
// event loop never waits past the threshold behind a script and the
// server keeps answering. A script runs off the event loops, on its
// connection's goroutine, unless its bytecode proves that it ends
// quickly: the loop runs such a one itself (scripting_loop.go).
//
// Replication: a script's effects replicate, as Redis 7's do: each write
// command it calls is run by the dispatcher, which appends it to the
// replication log of its slot (and to a migration's log) like any write.

// scripting is the node's script state.
type scripting struct {
	engine *script.Engine
	// funcs holds the function libraries (FUNCTION, FCALL) and their own
	// Lua state; execMu guards it as it guards engine's.
	funcs *script.Engine
	// mu lets one script at a time register and take the stripes (not
	// taken by a script inside EXEC, which holds every stripe already).
	mu sync.Mutex
	// execMu guards the engine's Lua state (EXEC's scripts run without mu).
	execMu sync.Mutex
	// cur is the script holding or about to take every stripe (nil: none);
	// inExec a script running inside EXEC.
	cur    atomic.Pointer[scriptRun]
	inExec atomic.Pointer[scriptRun]
	// unaware counts commands blocking on stripes that have checked cur
	// and found no script; a script waits for them before taking the
	// stripes, so none of them ends up blocked behind it. waiting counts
	// those waiting for a script to end, queued the scripts waiting for
	// mu.
	unaware atomic.Int64
	waiting atomic.Int64
	queued  atomic.Int64
	// held is set while the stripes stay locked from one script to the
	// next one queued (see keepStripes); kept counts such handovers in a
	// row. mu guards both.
	held bool
	kept int
	// onLoop counts the script runs (EVAL, FCALL and their kin) an event
	// loop ran itself (quick ones: scripting_loop.go), offLoop the others
	// (INFO stats: script_calls_on_loops, script_calls_off_loops).
	onLoop, offLoop atomic.Int64
	// limit is busy-reply-threshold (lua-time-limit) in milliseconds.
	limit atomic.Int64
	// mem counts the caches' memory (scripting_memory.go).
	mem *scriptMemory
	// kill is the context scripts run under (scripting_reuse.go); caller
	// and run are reused from script to script, guarded by execMu.
	kill   killSwitch
	caller *scriptCaller
	run    script.Run
	// readers counts the commands looking at the script in progress, and
	// spare is the record of a run that ended, for the next one
	// (scripting_reuse.go: lookRun, newRun).
	readers atomic.Int64
	spare   atomic.Pointer[scriptRun]
	// names caches redis.call's command lookups (execMu guards it).
	names nameCache
}

// defaultScriptLimit is Redis's busy-reply-threshold: 5 seconds.
const defaultScriptLimit = 5000

// scriptRun is one script execution, as other clients see it.
type scriptRun struct {
	c *client
	// done is closed when it ends; it is made only when a command waits
	// for that (see doneChan), and ended set when it has. doneMu guards
	// both.
	doneMu  sync.Mutex
	done    chan struct{}
	ended   bool
	busy    atomic.Bool // it has run past the threshold (see isBusy)
	started atomic.Bool // it holds the stripes and runs
	wrote   atomic.Bool // it has called a write command: SCRIPT KILL refuses
	// began is when it started running, in nanoseconds since base
	// (valid once started is set); limit is busy-reply-threshold when it
	// was called.
	began atomic.Int64
	base  time.Time
	limit time.Duration
	// fn is the function's name for FCALL (""; EVAL); cmd its command
	// line (FUNCTION STATS).
	fn  string
	cmd [][]byte
}

// doneChan returns a channel closed when r ends.
func (r *scriptRun) doneChan() <-chan struct{} {
	r.doneMu.Lock()
	defer r.doneMu.Unlock()
	if r.done == nil {
		r.done = make(chan struct{})
		if r.ended {
			close(r.done)
		}
	}
	return r.done
}

// end marks r ended, and closes its channel if a command waits on it.
func (r *scriptRun) end() {
	r.doneMu.Lock()
	r.ended = true
	if r.done != nil {
		close(r.done)
	}
	r.doneMu.Unlock()
}

// busyText is the BUSY error other clients get while r runs too long.
func (r *scriptRun) busyText() string {
	if r.fn != "" {
		return msgBusyFunction
	}
	return msgBusy
}

const (
	msgBusy         = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
	msgBusyFunction = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
	msgNoScript     = "NOSCRIPT No matching script. Please use EVAL."
	msgNotBusy      = "NOTBUSY No scripts in execution right now."
	msgUnkillable   = "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command."
)

// running returns the script in progress, or nil; call it between
// lookRun and doneLooking only (the record of a run is reused once no
// one looks).
func (s *scripting) running() *scriptRun {
	if r := s.inExec.Load(); r != nil {
		return r
	}
	if r := s.cur.Load(); r != nil && r.started.Load() {
		return r
	}
	return nil
}

// busyFor returns BUSY's text when a script has run past the threshold
// and e may not run meanwhile, else "".
func (s *scripting) busyFor(c *client, e *cmdEntry) string {
	if e.spec.Has(command.AllowBusy) {
		return ""
	}
	return s.busyOther(c)
}

// busyOther returns BUSY's text when a script of another client than c
// has run past the threshold, else "".
func (s *scripting) busyOther(c *client) string {
	if s.cur.Load() == nil && s.inExec.Load() == nil {
		return ""
	}
	r := s.lookRun()
	defer s.doneLooking()
	if r == nil || r.c == c || !r.isBusy() {
		return ""
	}
	return r.busyText()
}

// tryLockStripes locks every stripe of mask or none.
func (n *Node) tryLockStripes(mask uint64, write bool) bool {
	for m := mask; m != 0; m &= m - 1 {
		i := bits.TrailingZeros64(m)
		mu := &n.repl.stripes[i]
		ok := false
		if write {
			ok = mu.TryLock()
		} else {
			ok = mu.TryRLock()
		}
		if !ok {
			n.unlockStripes(mask&(uint64(1)<<i-1), write)
			return false
		}
	}
	return true
}

// stripeLock locks the stripes of mask for a command of a client (as
// lockStripes), unless they are a running script's: then it waits for
// the script to end, or returns BUSY's text once the script has run past
// the threshold (nothing is locked then).
func (n *Node) stripeLock(mask uint64, write bool) string {
	if n.tryLockStripes(mask, write) {
		return ""
	}
	s := &n.scripts
	for {
		s.unaware.Add(1)
		s.readers.Add(1)
		r := s.cur.Load()
		if r == nil {
			r = s.inExec.Load()
		}
		if r == nil {
			s.readers.Add(-1)
			n.lockStripes(mask, write)
			s.unaware.Add(-1)
			return ""
		}
		s.waiting.Add(1)
		s.unaware.Add(-1)
		ok := r.waitDone()
		s.waiting.Add(-1)
		if !ok {
			msg := r.busyText()
			s.readers.Add(-1)
			return msg
		}
		s.readers.Add(-1)
		if n.tryLockStripes(mask, write) {
			return ""
		}
	}
}

// scriptLimit returns busy-reply-threshold.
func (n *Node) scriptLimit() time.Duration {
	return time.Duration(n.scripts.limit.Load()) * time.Millisecond
}

// evalArgs is a parsed EVAL line.
type evalArgs struct {
	keys, argv [][]byte
}

// parseEval reads numkeys and splits keys from arguments.
func parseEval(args [][]byte) (evalArgs, string) {
	nk, err := numKeys(args[2])
	if err != nil {
		return evalArgs{}, "ERR value is not an integer or out of range"
	}
	if nk < 0 {
		return evalArgs{}, "ERR Number of keys can't be negative"
	}
	if nk > int64(len(args)-3) {
		return evalArgs{}, "ERR Number of keys can't be greater than number of args"
	}
	return evalArgs{keys: args[3 : 3+nk], argv: args[3+nk:]}, ""
}

// numKeys parses numkeys as strconv.ParseInt does, a few plain digits
// without its general path (a script call's numkeys is parsed on the
// event loop and again by its handler).
func numKeys(b []byte) (int64, error) {
	if len(b) == 0 || len(b) > 9 {
		return strconv.ParseInt(string(b), 10, 64)
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return strconv.ParseInt(string(b), 10, 64)
		}
		n = n*10 + int64(c-'0')
	}
	return n, nil
}

func cmdEval(cx *Ctx)      { evalCommand(cx, false, false) }
func cmdEvalSHA(cx *Ctx)   { evalCommand(cx, true, false) }
func cmdEvalRO(cx *Ctx)    { evalCommand(cx, false, true) }
func cmdEvalSHARO(cx *Ctx) { evalCommand(cx, true, true) }

// evalCommand serves the EVAL family: bySHA looks the script up,
// readonly refuses write commands.
func evalCommand(cx *Ctx, bySHA, readonly bool) {
	n := cx.Node
	s, found := cx.cl.foundScript()
	ea, msg := parseEval(cx.Args)
	if msg != "" {
		cx.Error(msg)
		return
	}
	switch {
	case found:
		// (looked up by the event loop running it: scripting_loop.go)
		if s == nil {
			cx.Error(msgNoScript)
			return
		}
		if !bySHA {
			n.scripts.mem.noteEval(s)
		}
	case bySHA:
		if s = n.scripts.engine.LookupBytes(cx.Args[1]); s == nil {
			cx.Error(msgNoScript)
			return
		}
	default:
		var err error
		if s, err = n.scripts.engine.Load(string(cx.Args[1])); err != nil {
			cx.Error(err.Error())
			return
		}
		n.scripts.mem.noteEval(s)
	}
	if s.Flags&(script.Shebang|script.NoWrites|script.AllowOOM) == script.Shebang && n.ks.OverMemory() {
		// A script with a shebang declares whether it may write: one that
		// may (no no-writes) is refused over maxmemory unless it allows
		// it (allow-oom), as Redis derives EVAL's deny-oom from the flags.
		// One without a shebang finds out at its first write.
		cx.Error(command.MsgOOM)
		return
	}
	if s.Flags&(script.Shebang|script.NoWrites) == script.Shebang && !n.enoughReplicas() {
		// A script that declares it may write is refused before it runs;
		// one without a shebang finds out at its first write.
		cx.Error(msgNoReplicas)
		return
	}
	if s.Flags&script.NoWrites != 0 {
		readonly = true
	}
	slot := -1
	if n.cl.Load() != nil {
		if s.Flags&script.NoCluster != 0 {
			cx.Error("ERR Can not run script on cluster, 'no-cluster' flag is set.")
			return
		}
		var ok bool
		if slot, ok = n.scriptKeysHere(cx, ea.keys, readonly); !ok {
			return
		}
	}
	n.runScript(cx, s, ea, readonly, slot)
}

// scriptKeysHere checks, in a cluster, that the declared keys share one
// slot that this node serves (routeOK's errors: CROSSSLOT, MOVED, ...);
// it returns that slot (-1: no keys).
func (n *Node) scriptKeysHere(cx *Ctx, keys [][]byte, readonly bool) (int, bool) {
	if len(keys) == 0 {
		return -1, true
	}
	slot := keyslot.Of(keys[0])
	for _, k := range keys[1:] {
		if keyslot.Of(k) != slot {
			cx.Error("CROSSSLOT Keys in request don't hash to the same slot")
			return 0, false
		}
	}
	spec := &command.Spec{Name: "eval", FirstKey: 1, LastKey: 1, Step: 1, Flags: command.Write}
	if readonly {
		spec.Flags = command.Readonly
	}
	if !n.routeOK(cx.cl, spec, [][]byte{nil, keys[0]}, slot) {
		cx.failed = true
		return 0, false
	}
	return slot, true
}

// runScript runs s atomically (see the top of this file) and writes its
// reply.
func (n *Node) runScript(cx *Ctx, s *script.Script, ea evalArgs, readonly bool, slot int) {
	n.runAtomic(cx, "", s.Verdict.Quick, readonly, slot, ea.keys, func(ctx context.Context, run *script.Run) script.Reply {
		run.Name, run.Keys, run.Args = s.SHA, ea.keys, ea.argv
		return n.scripts.engine.Exec(ctx, s, run)
	})
}

// runAtomic runs exec as a script (EVAL; FCALL of the function fn)
// holding every stripe, and writes its reply. exec fills in the name,
// keys and arguments of run, whose caller is set. quick is the script's
// verdict (scripting_loop.go), keys its declared keys.
func (n *Node) runAtomic(cx *Ctx, fn string, quick, readonly bool, slot int, keys [][]byte, exec func(context.Context, *script.Run) script.Reply) {
	c := cx.cl
	c.ranSlow = !quick
	sc := &n.scripts
	r := sc.newRun(c, fn, cx.Args, n.start, n.scriptLimit())
	defer sc.endRun(r)
	// held: on an event loop, mu, the stripes of c.holdMask and execMu
	// are held already (tryHold, scripting_loop.go).
	held := c.hold
	c.hold = false
	if held {
		sc.onLoop.Add(1)
	} else {
		sc.offLoop.Add(1)
	}
	if c.inExec {
		// EXEC holds every stripe (its mask for a command without fixed
		// key positions is all of them).
		sc.inExec.Store(r)
		defer sc.inExec.Store(nil)
	} else {
		c.kept = keptNone // taken over, if still held
		if !held {
			sc.queued.Add(1)
			sc.mu.Lock()
			sc.queued.Add(-1)
		}
		defer sc.mu.Unlock()
		sc.cur.Store(r)
		defer sc.cur.Store(nil)
		if held {
			defer n.releaseHold(c, c.holdMask)
		} else {
			if sc.held && sc.unaware.Load() != 0 {
				// A command came while the stripes passed from the last
				// script to this one: it goes first.
				n.unlockStripes(allStripes, true)
				sc.held = false
			}
			if !sc.held {
				for i := 0; sc.unaware.Load() != 0; i++ {
					if i < 100 {
						runtime.Gosched()
					} else {
						time.Sleep(50 * time.Microsecond)
					}
				}
				n.lockStripes(allStripes, true)
				sc.held = true
			}
			defer n.keepStripes(c)
		}
	}
	if !held {
		sc.execMu.Lock()
	}
	defer sc.execMu.Unlock()
	// A script run on its event loop starts as its command does; one
	// that may have waited for the locks, once it has them.
	began := cx.began
	if !held || began == 0 {
		began = time.Since(n.start)
	}
	r.began.Store(int64(began))
	r.started.Store(true)
	ctx := sc.kill.acquire(r)
	defer sc.kill.release(r)
	caller := sc.reuseCaller(n, c, r, readonly, slot)
	caller.c.tick = began // the first command's time runs from the script's start
	if cx.slot1 > 0 && len(keys) > 0 {
		// The slot of the first declared key, for the commands that name
		// it (KEYS[1]).
		caller.key0, caller.slot0 = keys[0], cx.slot1-1
	}
	run := &sc.run
	if run.Log == nil {
		run.Log = n.scriptLog
	}
	*run = script.Run{Caller: caller, Log: run.Log}
	rep := exec(ctx, run)
	*run = script.Run{Log: run.Log}
	if ready := caller.c.readyKeys; len(ready) > 0 {
		// The script's writes serve the clients blocked on the keys it
		// wrote, while it holds the stripes still (or once its EXEC ends).
		if c.inExec {
			c.readyKeys = append(c.readyKeys, ready...)
		} else {
			caller.c.inExec = false
			n.wakeWaiters(caller.c, cx.spec, nil, false)
		}
	}
	writeScriptReply(cx, rep)
}

// scriptLog writes redis.log lines to the node's log.
func (n *Node) scriptLog(level int, msg string) {
	switch level {
	case script.LogWarning:
		n.log.Warn(msg, "source", "script")
	case script.LogNotice:
		n.log.Info(msg, "source", "script")
	default:
		n.log.Debug(msg, "source", "script")
	}
}

// writeScriptReply writes a script's reply to the client.
func writeScriptReply(cx *Ctx, r script.Reply) {
	switch r.Kind {
	case script.Nil:
		cx.Null()
	case script.NilArray:
		cx.NullArray()
	case script.Status:
		cx.Simple(r.Str)
	case script.Error:
		if r.Counted {
			cx.errorCounted(r.Str)
		} else {
			cx.Error(r.Str)
		}
	case script.Int:
		cx.Int(r.Int)
	case script.Bulk:
		cx.BulkString(r.Str)
	case script.Array:
		cx.Array(len(r.Elems))
		for _, e := range r.Elems {
			writeScriptReply(cx, e)
		}
	default:
		writeScriptReply3(cx, r)
	}
}

// killScript is SCRIPT KILL (fn false) and FUNCTION KILL: each stops
// only its own kind of script.
func (n *Node) killScript(cx *Ctx, fn bool) {
	r := n.scripts.lookRun()
	defer n.scripts.doneLooking()
	switch {
	case r == nil:
		cx.Error(msgNotBusy)
	case r.wrote.Load():
		cx.Error(msgUnkillable)
	case fn && r.fn == "":
		cx.Error(msgBusy)
	case !fn && r.fn != "":
		cx.Error(msgBusyFunction)
	default:
		n.scripts.kill.kill(r)
		cx.OK()
	}
}

func cmdScript(cx *Ctx) {
	n := cx.Node
	sub := strings.ToLower(string(cx.Args[1]))
	if sub != "kill" {
		if msg := n.scripts.busyOther(cx.cl); msg != "" {
			cx.Error(msg)
			return
		}
	}
	switch {
	case sub == "load" && len(cx.Args) == 3:
		s, err := n.scripts.engine.Load(string(cx.Args[2]))
		if err != nil {
			cx.Error(err.Error())
			return
		}
		n.scripts.mem.noteEval(s)
		cx.BulkString(s.SHA)
	case sub == "exists" && len(cx.Args) >= 3:
		cx.Array(len(cx.Args) - 2)
		for _, a := range cx.Args[2:] {
			if n.scripts.engine.Lookup(string(a)) != nil {
				cx.Int(1)
			} else {
				cx.Int(0)
			}
		}
	case sub == "flush" && len(cx.Args) <= 3:
		if len(cx.Args) == 3 {
			if m := strings.ToLower(string(cx.Args[2])); m != "sync" && m != "async" {
				cx.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
				return
			}
		}
		n.scripts.engine.Flush()
		n.scripts.mem.flushEval()
		cx.OK()
	case sub == "kill" && len(cx.Args) == 2:
		n.killScript(cx, false)
	case sub == "help" && len(cx.Args) == 2:
		help := []string{
			"SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
			"EXISTS <sha1> [<sha1> ...]",
			"    Return information about the existence of the scripts in the script cache.",
			"FLUSH [ASYNC|SYNC]",
			"    Flush the Lua scripts cache. Very dangerous on replicas.",
			"    When called without the optional mode argument, the behavior is determined by the",
			"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
			"    * ASYNC: Asynchronously flush the scripts cache.",
			"    * SYNC: Synchronously flush the scripts cache.",
			"KILL",
			"    Kill the currently executing Lua script.",
			"LOAD <script>",
			"    Load a script into the scripts cache without executing it.",
			"HELP",
			"    Prints this help.",
		}
		replyHelp(cx, help)
	case sub == "load" || sub == "exists" || sub == "flush" || sub == "kill" || sub == "help":
		cx.Error("ERR wrong number of arguments for 'script|" + sub + "' command")
	default:
		cx.Error("ERR unknown subcommand '" + string(cx.Args[1]) + "'. Try SCRIPT HELP.")
	}
}
