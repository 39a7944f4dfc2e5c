package node

import (
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/script"
)

// Quick scripts run on the event loop that read them, as a GET does. A
// script call is served off the loops (it may run long), and leaving the
// loop for a goroutine and coming back cost more CPU than the script at
// redis-benchmark -P 1. A script or function whose bytecode proves that
// it ends quickly (script/quick.go: no loop, no nested function, only
// library functions whose work grows with their arguments) and whose
// redis.call names only commands served on the loops is quick; the
// verdict is kept with the compiled script. The loop runs a quick one
// when it can take, without waiting, what a script holds (the scripting
// state's mu, every stripe, the engine's execMu: tryHold); when one of
// them is taken, or the script is not quick, the connection leaves the
// loop as before. A quick script holds every stripe as any script does,
// so no other client's command interleaves with it, and the loop runs
// nothing else meanwhile.

// quickCall is the engines' quick check (script.Engine.SetQuickCalls): a
// quick script may call any command the node serves on its loops. An
// unknown command, or one scripts may not call, fails when redis.call
// runs it.
func (n *Node) quickCall(name string) bool {
	e := n.lookup([]byte(name))
	return e == nil || !e.spec.Has(command.OffLoop) && e.spec.OffLoopIf == nil
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
// leaves the script found in c.quick for the handler.
func (n *Node) stayOnLoop(c *client, e *cmdEntry, args [][]byte) bool {
	c.quick = quickRun{}
	if c.multi != nil {
		return true // queued: it runs inside EXEC
	}
	if !e.spec.ArityOK(len(args)) {
		return true // refused by the dispatcher
	}
	var quick bool
	switch e.spec.Script.Kind() {
	case command.ScriptBody:
		s, err := n.scripts.engine.Load(string(args[1]))
		if err != nil {
			return true // the handler fails to compile it too
		}
		c.quick = quickRun{found: true, s: s}
		quick = s.Quick
	case command.ScriptSHA:
		s := n.scripts.engine.LookupBytes(args[1])
		c.quick = quickRun{found: true, s: s}
		if s == nil {
			return true
		}
		quick = s.Quick
	case command.ScriptFunction:
		f := n.scripts.funcs.FunctionBytes(args[1])
		c.quick = quickRun{found: true, f: f}
		if f == nil {
			return true
		}
		quick = f.Quick
	default:
		return false
	}
	if !quick || !n.scripts.tryHold(n, c) {
		c.quick = quickRun{}
		return false
	}
	return true
}

// tryHold takes, without waiting, what a script of c holds while it
// runs: mu, every stripe (kept from the script before it, or locked now)
// and execMu; it reports false, holding none, when one is taken. The
// script's run (runAtomic) takes them over (c.hold); a line that fails
// before it lets them go (dropHold).
func (s *scripting) tryHold(n *Node, c *client) bool {
	if !s.mu.TryLock() {
		return false
	}
	if s.held && s.unaware.Load() != 0 {
		// A command waits for a stripe: it goes first.
		n.unlockStripes(allStripes, true)
		s.held = false
	}
	if !s.held {
		if s.unaware.Load() != 0 || !n.tryLockStripes(allStripes, true) {
			s.kept = 0
			s.mu.Unlock()
			return false
		}
		s.held = true
	}
	if !s.execMu.TryLock() {
		s.held, s.kept = false, 0
		n.unlockStripes(allStripes, true)
		s.mu.Unlock()
		return false
	}
	c.kept = keptNone // taken over
	c.hold = true
	return true
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
	c.hold = false
	sc := &n.scripts
	sc.execMu.Unlock()
	sc.held, sc.kept = false, 0
	n.unlockStripes(allStripes, true)
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
