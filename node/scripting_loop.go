package node

import (
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/script"
)

// Quick scripts run on the event loop that read them, as a GET does. A
// script call is served off the loops (it may run long), and leaving the
// loop for a goroutine and coming back cost more CPU than the script at
// redis-benchmark -P 1. A script or function whose bytecode proves that
// it ends quickly (script/quick.go: no loop, no nested function, only
// library functions whose work grows with their arguments) and whose
// redis.call names only commands served on the loops is quick; the
// verdict (judgeCalls) is kept with the compiled script. The loop runs a
// quick one when it can take, without waiting, what a script holds
// (tryHold): the scripting state's mu, the stripes and the engine's
// execMu; when one of them is taken, or the script is not quick, the
// connection leaves the loop as before.
//
// The stripes: a script holds every stripe, so that no other client's
// keyed command interleaves with it whatever keys it touches. A quick
// script whose commands provably name only its declared keys (KEYS[i]
// as such, its KEYS table unchanged) and constant ones holds only their
// stripes: the other keys' commands, which it cannot touch, go on
// beside it, as beside a command of those keys. Locking and unlocking
// 64 stripes was a twelfth of an EVALSHA's CPU at -P 1.

// judgeCalls is the engines' judge (script.Engine.SetJudge) of the
// scripts whose bytecode is bounded: quick unless a call names a command
// served off the loops or a search (an unknown command, or one scripts
// may not call, fails when redis.call runs it); Keys when every key position of every
// call holds a declared key or a constant one (Mask: the constant keys'
// stripes), from the command's spec as the dispatcher finds keys.
func (n *Node) judgeCalls(calls []script.Call) script.Verdict {
	v := script.Verdict{Quick: true, Keys: true}
	for _, c := range calls {
		e := n.lookup([]byte(c.Name))
		if e == nil {
			continue
		}
		sp := e.spec
		if sp.Has(command.OffLoop) || sp.OffLoopIf != nil || sp.Has(command.Scans) {
			return script.Verdict{} // (a search may take as long as its index is large)
		}
		if sp.Has(command.NoScript) || sp.Has(command.Blocking) || !v.Keys {
			continue // (refused when it runs)
		}
		mask, ok := callStripes(sp, c)
		v.Keys = ok
		v.Mask |= mask
	}
	if !v.Keys {
		v.Mask = 0
	}
	return v
}

// callStripes returns the stripes of the constant keys of call, whose
// command is sp, and false when a key of it may be neither a declared
// key nor a constant (or its keys are not at fixed positions).
func callStripes(sp *command.Spec, call script.Call) (uint64, bool) {
	switch {
	case sp.Movable():
		return 0, false // (SORT's BY and GET read keys named by patterns)
	case sp.FirstKey == 0:
		// A keyless command that reads or writes the keyspace (DBSIZE,
		// FLUSHALL, FT.SEARCH) sees every key.
		return 0, sp.Has(command.NoKeyspace) || !sp.Has(command.Write) && !sp.Has(command.Readonly)
	case call.More && (sp.LastKey < 0 || sp.LastKey > len(call.Args)):
		return 0, false // a key may be among the arguments counted at run time
	}
	var mask uint64
	first, last, step := sp.KeyRange(1 + len(call.Args))
	for i := first; first != 0 && i <= last; i += step {
		switch a := call.Args[i-1]; {
		case a.Key > 0:
		case a.IsConst:
			mask |= 1 << (keyslot.Of([]byte(a.Const)) % replStripes)
		default:
			return 0, false
		}
	}
	return mask, true
}

// quickRun is the script or function an event loop found for a script
// call it keeps (stayOnLoop), which the handler runs: another client
// replacing it meanwhile (SCRIPT FLUSH, FUNCTION LOAD REPLACE) cannot
// make the loop run one that is not quick.
type quickRun struct {
	found bool // looked up: s or f (nil: none, the handler answers the error)
	s     *script.Script
	f     *script.Function
}

// stayOnLoop reports whether the script call args (e is a scripting
// command) of c runs on c's event loop: the script is quick and tryHold
// took what it needs, or the line fails before any script runs. It
// leaves the script found in c.quick for the handler. slot1 is the hash
// slot of the first declared key plus one, when the loop knows it (else 0).
func (n *Node) stayOnLoop(c *client, e *cmdEntry, args [][]byte, slot1 int) bool {
	c.quick = quickRun{}
	if c.multi != nil {
		return true // queued: it runs inside EXEC
	}
	if !e.spec.ArityOK(len(args)) {
		return true // refused by the dispatcher
	}
	var v script.Verdict
	switch e.spec.Script.Kind() {
	case command.ScriptBody:
		s, err := n.scripts.engine.Load(string(args[1]))
		if err != nil {
			return true // the handler fails to compile it too
		}
		c.quick = quickRun{found: true, s: s}
		v = s.Verdict
	case command.ScriptSHA:
		s := n.scripts.engine.LookupBytes(args[1])
		c.quick = quickRun{found: true, s: s}
		if s == nil {
			return true
		}
		v = s.Verdict
	case command.ScriptFunction:
		f := n.scripts.funcs.FunctionBytes(args[1])
		c.quick = quickRun{found: true, f: f}
		if f == nil {
			return true
		}
		v = f.Verdict
	default:
		return false
	}
	if !v.Quick || !n.scripts.tryHold(n, c, scriptStripes(v, args, slot1)) {
		c.quick = quickRun{}
		return false
	}
	return true
}

// scriptStripes returns the stripes a quick script of verdict v called
// by args holds: those of its declared keys and constant ones when v
// says its commands name no other, else every stripe. slot1 is the hash
// slot of the first declared key plus one, if known (else 0).
func scriptStripes(v script.Verdict, args [][]byte, slot1 int) uint64 {
	if !v.Keys {
		return allStripes
	}
	ea, msg := parseEval(args)
	if msg != "" {
		return allStripes // (the handler answers the error)
	}
	mask := v.Mask
	for i, k := range ea.keys {
		s := slot1 - 1
		if i > 0 || s < 0 {
			s = keyslot.Of(k)
		}
		mask |= 1 << (s % replStripes)
	}
	return mask
}

// tryHold takes, without waiting, what a script of c holds while it
// runs: mu, the stripes of mask (every stripe kept from the script before
// it, if they are) and execMu; it reports false, holding none, when one
// is taken. The script's run (runAtomic) takes them over (c.hold); a
// line that fails before it lets them go (dropHold).
func (s *scripting) tryHold(n *Node, c *client, mask uint64) bool {
	if !s.mu.TryLock() {
		return false
	}
	if s.held && s.unaware.Load() != 0 {
		// A command waits for a stripe: it goes first.
		n.unlockStripes(allStripes, true)
		s.held, s.kept = false, 0
	}
	switch {
	case s.held:
		mask = allStripes
	case s.unaware.Load() != 0 || !n.tryLockStripes(mask, true):
		s.mu.Unlock()
		return false
	case mask == allStripes:
		s.held = true
	}
	if !s.execMu.TryLock() {
		if mask == allStripes {
			s.held, s.kept = false, 0
		}
		n.unlockStripes(mask, true)
		s.mu.Unlock()
		return false
	}
	c.kept = keptNone // taken over
	c.hold, c.holdMask = true, mask
	return true
}

// releaseHold lets go of the stripes mask (client.holdMask) of c's script
// run as it ends: every stripe is kept for the script after it or let go
// (keepStripes), a script's own stripes let go.
func (n *Node) releaseHold(c *client, mask uint64) {
	if mask == allStripes {
		n.keepStripes(c)
	} else {
		n.unlockStripes(mask, true)
	}
}

// dropHold lets go of what tryHold took for c's command when no script
// ran (an error before it, CLIENT PAUSE holding it), and forgets the
// script found for it: called after each command.
func (n *Node) dropHold(c *client) {
	if c == nil || !c.hold && !c.quick.found {
		return
	}
	c.quick = quickRun{}
	if !c.hold {
		return
	}
	mask := c.holdMask
	c.hold = false
	sc := &n.scripts
	sc.execMu.Unlock()
	if mask == allStripes {
		sc.held, sc.kept = false, 0
	}
	n.unlockStripes(mask, true)
	sc.mu.Unlock()
}

// foundScript returns the script an event loop found for c's script
// call (stayOnLoop), if it did, and forgets it.
func (c *client) foundScript() (*script.Script, bool) {
	q := c.quick
	c.quick = quickRun{}
	return q.s, q.found
}

// foundFunction is foundScript for FCALL.
func (c *client) foundFunction() (*script.Function, bool) {
	q := c.quick
	c.quick = quickRun{}
	return q.f, q.found
}
