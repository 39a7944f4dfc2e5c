package node

import (
	"context"
	"strings"
	"time"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/glob"
	"github.com/vcache/vcache/internal/rdb"
	"github.com/vcache/vcache/script"
)

// Functions (FUNCTION, FCALL, FCALL_RO): libraries of Lua functions kept
// in the scripting engine's function state (script/library.go). They run
// as EVAL's scripts do (runAtomic). Libraries persist in snapshots
// (functions_persist.go) and replicate: a change is logged for every
// replica of the node, and a full sync begins with FUNCTION RESTORE.

func cmdFCall(cx *Ctx)   { fcallCommand(cx, false) }
func cmdFCallRO(cx *Ctx) { fcallCommand(cx, true) }

// fcallCommand serves FCALL and, with readonly, FCALL_RO.
func fcallCommand(cx *Ctx, readonly bool) {
	n := cx.Node
	f, found := cx.cl.foundFunction()
	if !found {
		f = n.scripts.funcs.FunctionBytes(cx.Args[1])
	}
	if f == nil {
		cx.Error("ERR Function not found")
		return
	}
	ea, msg := parseEval(cx.Args)
	if msg == "ERR value is not an integer or out of range" {
		msg = "ERR Bad number of keys provided"
	}
	if msg != "" {
		cx.Error(msg)
		return
	}
	if f.Flags&script.NoWrites == 0 {
		if readonly {
			cx.Error("ERR Can not execute a script with write flag using *_ro command.")
			return
		}
		if f.Flags&script.AllowOOM == 0 && n.ks.OverMemory() {
			cx.Error(command.MsgOOM)
			return
		}
		if !n.enoughReplicas() {
			cx.Error(msgNoReplicas)
			return
		}
	} else {
		readonly = true
	}
	slot := -1
	if n.cl.Load() != nil {
		if f.Flags&script.NoCluster != 0 {
			cx.Error("ERR Can not run script on cluster, 'no-cluster' flag is set.")
			return
		}
		var ok bool
		if slot, ok = n.scriptKeysHere(cx, ea.keys, readonly); !ok {
			return
		}
	}
	n.runAtomic(cx, f.Name, f.Verdict.Quick, readonly, slot, ea.keys, func(ctx context.Context, run *script.Run) script.Reply {
		run.Name, run.Keys, run.Args = f.Name, ea.keys, ea.argv
		return n.scripts.funcs.ExecFunction(ctx, f, run)
	})
}

// functionArity is each FUNCTION subcommand's arity (Redis's rule).
var functionArity = map[string]int{
	"load": -3, "delete": 3, "list": -2, "flush": -2, "dump": 2, "restore": -3,
	"stats": 2, "kill": 2, "help": 2,
}

func cmdFunction(cx *Ctx) {
	n := cx.Node
	sub := strings.ToLower(string(cx.Args[1]))
	ar, ok := functionArity[sub]
	if !ok {
		cx.Error("ERR unknown subcommand '" + string(cx.Args[1]) + "'. Try FUNCTION HELP.")
		return
	}
	if ar > 0 && len(cx.Args) != ar || ar < 0 && len(cx.Args) < -ar {
		cx.Error("ERR wrong number of arguments for 'function|" + sub + "' command")
		return
	}
	if sub != "kill" && sub != "stats" {
		if msg := n.scripts.busyOther(cx.cl); msg != "" {
			cx.Error(msg)
			return
		}
	}
	switch sub {
	case "load", "delete", "flush", "restore":
		if sub == "load" || sub == "restore" {
			if n.ks.OverMemory() {
				cx.Error(command.MsgOOM)
				return
			}
		}
		if msg := n.functionChange(cx.Args); msg != "" {
			cx.Error(msg)
			return
		}
		n.replicateFunctions(cx.Args)
		if sub == "load" {
			cx.BulkString(n.lastLoaded(cx.Args))
			return
		}
		cx.OK()
	case "list":
		functionList(cx)
	case "dump":
		cx.Bulk(n.functionDump())
	case "stats":
		functionStats(cx)
	case "kill":
		n.killScript(cx, true)
	case "help":
		replyHelp(cx, functionHelp)
	}
}

// lastLoaded is the name of the library FUNCTION LOAD args just loaded.
func (n *Node) lastLoaded(args [][]byte) string {
	md, _ := script.ParseLibMeta(string(args[len(args)-1]))
	return md.Name
}

// functionChange runs FUNCTION LOAD, DELETE, FLUSH or RESTORE (args is
// the whole command line, checked for arity) and returns an error text
// or "". The replication stream applies changes through it too.
func (n *Node) functionChange(args [][]byte) string {
	sc := &n.scripts
	switch strings.ToLower(string(args[1])) {
	case "load":
		replace := false
		for _, a := range args[2 : len(args)-1] {
			if !strings.EqualFold(string(a), "replace") {
				return "ERR Unknown option given: " + string(a)
			}
			replace = true
		}
		sc.execMu.Lock()
		defer sc.execMu.Unlock()
		if _, err := sc.funcs.LoadLibrary(string(args[len(args)-1]), replace); err != nil {
			return "ERR " + err.Error()
		}
	case "delete":
		if !sc.funcs.DeleteLibrary(string(args[2])) {
			return "ERR Library not found"
		}
	case "flush":
		if len(args) > 3 {
			return "ERR unknown subcommand or wrong number of arguments for '" + string(args[1]) + "'. Try FUNCTION HELP."
		}
		if len(args) == 3 {
			if m := strings.ToLower(string(args[2])); m != "sync" && m != "async" {
				return "ERR FUNCTION FLUSH only supports SYNC|ASYNC option"
			}
		}
		sc.funcs.FlushLibraries()
	case "restore":
		if len(args) > 4 {
			return "ERR unknown subcommand or wrong number of arguments for '" + string(args[1]) + "'. Try FUNCTION HELP."
		}
		policy := script.RestoreAppend
		if len(args) == 4 {
			switch strings.ToLower(string(args[3])) {
			case "flush":
				policy = script.RestoreFlush
			case "append":
			case "replace":
				policy = script.RestoreReplace
			default:
				return "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE."
			}
		}
		codes, err := rdb.DecodeFunctions(args[2])
		if err != nil {
			return "ERR " + err.Error()
		}
		sc.execMu.Lock()
		defer sc.execMu.Unlock()
		if err := sc.funcs.RestoreLibraries(codes, policy); err != nil {
			return "ERR " + err.Error()
		}
	}
	sc.mem.noteFunctions(sc.funcs.Libraries())
	return ""
}

// functionDump is FUNCTION DUMP's payload.
func (n *Node) functionDump() []byte {
	libs := n.scripts.funcs.Libraries()
	codes := make([]string, len(libs))
	for i, l := range libs {
		codes[i] = l.Code
	}
	return rdb.EncodeFunctions(codes)
}

// replicateFunctions logs a function change for every replica of the
// node (functions are the node's, not a slot's).
func (n *Node) replicateFunctions(args [][]byte) {
	if n.cl.Load() != nil && n.repl.log.on.Load() {
		n.repl.log.appendCommand(-1, args)
	}
}

// functionList is FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE].
func functionList(cx *Ctx) {
	var pattern []byte
	havePattern, withCode := false, false
	for i := 2; i < len(cx.Args); i++ {
		a := strings.ToLower(string(cx.Args[i]))
		switch {
		case a == "withcode" && !withCode:
			withCode = true
		case a == "libraryname" && !havePattern:
			if i+1 >= len(cx.Args) {
				cx.Error("ERR library name argument was not given")
				return
			}
			pattern, havePattern = cx.Args[i+1], true
			i++
		default:
			cx.Error("ERR Unknown argument " + string(cx.Args[i]))
			return
		}
	}
	var libs []*script.Library
	for _, l := range cx.Node.scripts.funcs.Libraries() {
		if !havePattern || glob.Match(string(pattern), l.Name) {
			libs = append(libs, l)
		}
	}
	cx.Array(len(libs))
	for _, l := range libs {
		if withCode {
			cx.Map(4)
		} else {
			cx.Map(3)
		}
		cx.BulkString("library_name")
		cx.BulkString(l.Name)
		cx.BulkString("engine")
		cx.BulkString("LUA")
		cx.BulkString("functions")
		cx.Array(len(l.Funcs))
		for _, f := range l.Funcs {
			cx.Map(3)
			cx.BulkString("name")
			cx.BulkString(f.Name)
			cx.BulkString("description")
			if f.Desc == "" {
				cx.Null()
			} else {
				cx.BulkString(f.Desc)
			}
			cx.BulkString("flags")
			names := script.FlagNames(f.Flags)
			cx.Set(len(names))
			for _, s := range names {
				cx.Simple(s)
			}
		}
		if withCode {
			cx.BulkString("library_code")
			cx.BulkString(l.Code)
		}
	}
}

// functionStats is FUNCTION STATS: the running function and the engine's
// counts.
func functionStats(cx *Ctx) {
	n := cx.Node
	cx.Map(2)
	cx.BulkString("running_script")
	r := n.scripts.lookRun()
	defer n.scripts.doneLooking()
	if r != nil && r.fn != "" {
		cx.Map(3)
		cx.BulkString("name")
		cx.BulkString(r.fn)
		cx.BulkString("command")
		cx.Array(len(r.cmd))
		for _, a := range r.cmd {
			cx.Bulk(a)
		}
		cx.BulkString("duration_ms")
		cx.Int((time.Since(r.base) - time.Duration(r.began.Load())).Milliseconds())
	} else {
		cx.Null()
	}
	cx.BulkString("engines")
	cx.Map(1)
	cx.BulkString("LUA")
	cx.Map(2)
	cx.BulkString("libraries_count")
	cx.Int(int64(len(n.scripts.funcs.Libraries())))
	cx.BulkString("functions_count")
	cx.Int(int64(n.scripts.funcs.FunctionCount()))
}

var functionHelp = []string{
	"FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"LOAD [REPLACE] <FUNCTION CODE>",
	"    Create a new library with the given library name and code.",
	"DELETE <LIBRARY NAME>",
	"    Delete the given library.",
	"LIST [LIBRARYNAME PATTERN] [WITHCODE]",
	"    Return general information on all the libraries:",
	"    * Library name",
	"    * The engine used to run the Library",
	"    * Library description",
	"    * Functions list",
	"    * Library code (if WITHCODE is given)",
	"    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
	"STATS",
	"    Return information about the current function running:",
	"    * Function name",
	"    * Command used to run the function",
	"    * Duration in MS that the function is running",
	"    If no function is running, return nil",
	"    In addition, returns a list of available engines.",
	"KILL",
	"    Kill the current running function.",
	"FLUSH [ASYNC|SYNC]",
	"    Delete all the libraries.",
	"    When called without the optional mode argument, the behavior is determined by the",
	"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
	"    * ASYNC: Asynchronously flush the libraries.",
	"    * SYNC: Synchronously flush the libraries.",
	"DUMP",
	"    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
	"RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
	"    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
	"    control how to handle existing libraries (default APPEND):",
	"    * FLUSH: delete all existing libraries.",
	"    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
	"    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
	"      libraries with the new libraries (notice that even on this option there is a chance of failure",
	"      in case of functions name collision with another library).",
	"HELP",
	"    Prints this help.",
}
