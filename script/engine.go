package script

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// Caller runs the commands a script calls (redis.call, redis.pcall) with
// the caller's rights and returns their replies; a refused or failed
// command is an Error reply. resp3 is set after the script's
// redis.setresp(3): the command then runs as for a client that speaks
// RESP3, and its reply may hold RESP3 kinds.
type Caller interface {
	// args are valid only until Call returns.
	Call(args [][]byte, resp3 bool) Reply
}

// Flags are a script's shebang flags (#!lua flags=...).
type Flags uint8

const (
	// NoWrites scripts may not call write commands.
	NoWrites Flags = 1 << iota
	// AllowOOM scripts may run when memory is over maxmemory.
	AllowOOM
	// AllowStale is accepted for Redis compatibility.
	AllowStale
	// NoCluster scripts are refused in a cluster.
	NoCluster
	// AllowCrossSlot scripts may touch keys of several slots.
	AllowCrossSlot
	// Shebang marks a script that has a shebang line: its flags replace
	// the defaults EVAL otherwise assumes.
	Shebang
)

// Script is a compiled script.
type Script struct {
	SHA   string // the SHA1 of Body, lower-case hex
	Body  string
	Flags Flags
	proto *lua.FunctionProto
	// direct runs it with the globals' backing table as its environment
	// (fastenv.go).
	direct bool
	// fn is the function Exec runs, made from proto by the engine that
	// ran the script first (its Env is set again for each run, so that
	// nothing a run does to it shows in the next one).
	fn  *lua.LFunction
	eng *Engine
	// Verdict is the engine's judge's verdict on the script (quick.go);
	// calls are its calls of redis.call and redis.pcall, bounded whether
	// its bytecode proves it ends quickly.
	Verdict Verdict
	calls   []Call
	bounded bool
	// loads are where it reads globals, redis.call or redis.pcall, and
	// args where fn finds KEYS and ARGV (foldcalls.go).
	loads []int
	args  argConstants
}

// SHA1Hex returns the lower-case hex SHA1 of s.
func SHA1Hex(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// ErrCompile wraps the text of a script that does not compile.
var ErrCompile = errors.New("ERR Error compiling script (new function)")

// Compile parses and compiles body (no Lua state is needed: Compile may
// run while a script runs). Its error texts are Redis's.
func Compile(body string) (*Script, error) {
	src, flags, err := shebang(body)
	if err != nil {
		return nil, err
	}
	chunk, err := parse.Parse(strings.NewReader(src), chunkName)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrCompile, compileMessage(err, src, chunkName))
	}
	proto, err := lua.Compile(chunk, chunkName)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrCompile, compileMessage(err, src, chunkName))
	}
	// The chunk is a vararg function with no local named arg: the arg
	// table gopher-lua would build for each call (as Lua 5.1 does for
	// functions declared with ..., not for a main chunk) is unreachable.
	proto.IsVarArg &^= lua.VarArgNeedsArg
	calls, _, loads, ok := bounded(proto, false)
	return &Script{SHA: SHA1Hex(body), Body: body, Flags: flags, proto: proto, direct: !setsGlobals(proto),
		calls: calls, loads: loads, bounded: ok}, nil
}

// chunkName is the name scripts' errors show ("user_script:1: ...").
const chunkName = "user_script"

// compileMessage turns gopher-lua's parse error into Lua's one-line form.
func compileMessage(err error, src, chunkName string) string {
	var pe *parse.Error
	if errors.As(err, &pe) {
		msg := strings.Replace(pe.Message, "unterminated string", "unfinished string", 1)
		if msg == "syntax error" {
			msg = "unexpected symbol" // Lua 5.1's words for most of them
		}
		if pe.Pos.Line == parse.EOF {
			return fmt.Sprintf("%s:%d: %s near '<eof>'", chunkName, strings.Count(src, "\n")+1, msg)
		}
		return fmt.Sprintf("%s:%d: %s near '%s'", chunkName, pe.Pos.Line, msg, pe.Token)
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}

// BodyMayWrite reports whether a script body passed to EVAL may write,
// from its shebang alone (no compiling): one without a shebang, with a bad
// one, or without no-writes may.
func BodyMayWrite(body string) bool {
	if !strings.HasPrefix(body, "#!") {
		return true
	}
	_, flags, err := shebang(body)
	return err != nil || flags&NoWrites == 0
}

// shebang reads a "#!lua flags=a,b" first line; the line is blanked so
// that line numbers stay those of the body.
func shebang(body string) (string, Flags, error) {
	if !strings.HasPrefix(body, "#!") {
		return body, 0, nil
	}
	line, rest, _ := strings.Cut(body, "\n")
	words := strings.Fields(line[2:])
	if len(words) == 0 || words[0] != "lua" {
		eng := ""
		if len(words) > 0 {
			eng = words[0]
		}
		return "", 0, fmt.Errorf("ERR Unexpected engine in script shebang: #!%s", eng)
	}
	flags := Shebang
	for _, w := range words[1:] {
		v, ok := strings.CutPrefix(w, "flags=")
		if !ok {
			return "", 0, fmt.Errorf("ERR Unknown lua shebang option: %s", w)
		}
		for f := range strings.SplitSeq(v, ",") {
			switch f {
			case "no-writes":
				flags |= NoWrites
			case "allow-oom":
				flags |= AllowOOM
			case "allow-stale":
				flags |= AllowStale
			case "no-cluster":
				flags |= NoCluster
			case "allow-cross-slot-keys":
				flags |= AllowCrossSlot
			case "":
			default:
				return "", 0, fmt.Errorf("ERR Unexpected flag in script shebang: %s", f)
			}
		}
	}
	return "\n" + rest, flags, nil
}

// Engine holds the scripts loaded with SCRIPT LOAD or EVAL and the Lua
// state that runs them.
type Engine struct {
	// mu guards scripts; the state L is used by one run at a time (the
	// node's caller serialises runs).
	mu      sync.Mutex
	scripts map[string]*Script
	// lastScript and lastFunc are the script and the function found last
	// by LookupBytes and FunctionBytes (nil: none): a pipeline calls one
	// over and over, and comparing its name is cheaper than taking mu and
	// hashing it. They are set under mu, and cleared under mu by any
	// change that could leave them stale (SCRIPT FLUSH, a library loaded,
	// replaced or removed).
	lastScript atomic.Pointer[Script]
	lastFunc   atomic.Pointer[Function]

	L *lua.LState
	// globals is where the script's globals live (see protect);
	// globalsMeta the metatable of the global table.
	globals, globalsMeta *lua.LTable
	// loadAPI is what a library's code sees as globals while FUNCTION
	// LOAD runs it (see library.go); loading the library being loaded.
	loadAPI *lua.LTable
	loading *loadRun
	// readonly are the tables setmetatable and rawset refuse (see
	// readonly.go).
	readonly map[*lua.LTable]bool
	// libs are the function libraries (guarded by mu).
	libs libraries
	// run is the run in progress (read by the redis.* functions).
	run *Run
	// handler is errorHandler, the message handler of every run.
	handler *lua.LFunction
	// keys and argv are the KEYS and ARGV of EVAL's runs (argtables.go).
	keys, argv argTable
	// callArgv and callBuf hold redis.call's arguments (see callArgs).
	callArgv [][]byte
	callBuf  []byte
	// judge gives bounded scripts their verdict (SetJudge); nil: none is
	// quick.
	judge func(calls []Call) Verdict
	// redisCall and redisPCall are redis.call and redis.pcall
	// (foldcalls.go).
	redisCall, redisPCall lua.LValue
}

// Config configures an Engine's sandbox.
type Config struct {
	// DeprecatedAPI gives scripts and functions setfenv, getfenv and
	// newproxy (Redis's lua-enable-deprecated-api, off by default since
	// CVE-2025-46818).
	DeprecatedAPI bool
}

// New returns an Engine with a fresh sandboxed state, as Redis
// configures it by default.
func New() *Engine { return NewWith(Config{}) }

// NewWith returns an Engine with a fresh sandboxed state configured by
// cfg.
func NewWith(cfg Config) *Engine {
	e := &Engine{scripts: map[string]*Script{}, libs: newLibraries(),
		keys: argTable{name: "KEYS"}, argv: argTable{name: "ARGV"}}
	e.L = newState(e, cfg)
	e.handler = e.L.NewFunction(errorHandler)
	return e
}

// SetJudge makes judge the judge of the scripts and functions whose
// bytecode proves that they end quickly (quick.go), from their calls of
// redis.call and redis.pcall: its verdict is kept with them (Verdict).
// Without a judge none is quick. Set it before any script or library is
// loaded.
func (e *Engine) SetJudge(judge func(calls []Call) Verdict) { e.judge = judge }

// verdict is the judge's verdict on code whose bytecode is bounded (or
// not) and makes calls.
func (e *Engine) verdict(bounded bool, calls []Call) Verdict {
	if !bounded || e.judge == nil {
		return Verdict{}
	}
	return e.judge(calls)
}

// Close releases the Lua state.
func (e *Engine) Close() { e.L.Close() }

// Load compiles body and keeps it under its SHA1.
func (e *Engine) Load(body string) (*Script, error) {
	sha := SHA1Hex(body)
	if s := e.Lookup(sha); s != nil {
		return s, nil
	}
	s, err := Compile(body)
	if err != nil {
		return nil, err
	}
	s.Verdict = e.verdict(s.bounded, s.calls)
	e.mu.Lock()
	e.scripts[sha] = s
	e.mu.Unlock()
	return s, nil
}

// Lookup returns the script of sha (in any case), or nil.
func (e *Engine) Lookup(sha string) *Script {
	sha = strings.ToLower(sha)
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.scripts[sha]
}

// LookupBytes is Lookup of a SHA1 given as bytes (a command's argument):
// one in lower case is found without a copy, the one found last without
// a lock.
func (e *Engine) LookupBytes(sha []byte) *Script {
	if s := e.lastScript.Load(); s != nil && s.SHA == string(sha) {
		return s
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.scripts[string(sha)]
	if s == nil {
		s = e.scripts[strings.ToLower(string(sha))]
	}
	if s != nil && s.SHA == string(sha) {
		e.lastScript.Store(s)
	}
	return s
}

// Flush forgets every script.
func (e *Engine) Flush() {
	e.mu.Lock()
	e.scripts = map[string]*Script{}
	e.lastScript.Store(nil)
	e.mu.Unlock()
}

// Len returns the number of loaded scripts.
func (e *Engine) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.scripts)
}

// Run is one execution of a script.
type Run struct {
	// Name is what errors name the script by: its SHA1 (EVAL) or its
	// function's name (FCALL).
	Name string
	Keys [][]byte
	Args [][]byte
	// Caller runs redis.call and redis.pcall.
	Caller Caller
	// Log receives redis.log lines (level: LogDebug..LogWarning).
	Log func(level int, msg string)
	// resp3 is set by redis.setresp(3) (every run starts in RESP2).
	resp3 bool
}

// Exec runs s for r until it returns or ctx ends, and returns its reply.
// A script stopped by ctx answers ErrKilled's text. Runs of one Script
// must not overlap, on any engine.
func (e *Engine) Exec(ctx context.Context, s *Script, r *Run) (rep Reply) {
	L := e.L
	e.run = r
	defer func() { e.run = nil }()
	L.SetContext(ctx)
	defer L.RemoveContext()
	e.keys.fillGlobal(L, e.globals, r.Keys)
	e.argv.fillGlobal(L, e.globals, r.Args)
	top := L.GetTop()
	defer L.SetTop(top)
	if s.fn == nil || s.eng != e {
		p, args := e.foldLoads(s.proto, s.loads, true)
		s.fn, s.eng, s.args = L.NewFunctionFromProto(p), e, args
	}
	e.setArgConstants(s.fn.Proto, s.args)
	s.fn.Env = L.Env
	if s.direct {
		s.fn.Env = e.globals
	}
	L.Push(s.fn)
	return e.callPushed(ctx, 0, r, chunkName)
}

// callPushed calls the function pushed before its nargs arguments and returns
// its reply, or its error's (raised in chunk), or MsgKilled if ctx ended.
func (e *Engine) callPushed(ctx context.Context, nargs int, r *Run, chunk string) Reply {
	L := e.L
	if err := L.PCall(nargs, 1, e.handler); err != nil {
		var ae *lua.ApiError
		if !errors.As(err, &ae) {
			return ErrorReply("ERR " + oneLine(err.Error()))
		}
		if ctx.Err() != nil {
			if t, ok := ae.Object.(*lua.LTable); ok {
				t.RawSetString("err", lua.LString(MsgKilled))
			} else {
				return ErrorReply(MsgKilled)
			}
		}
		return errorObject(ae.Object, r.Name, chunk)
	}
	return toReply(L.Get(-1), 0, r.resp3)
}

// MsgKilled is the reply of a script stopped by SCRIPT KILL.
const MsgKilled = "ERR Script killed by user with SCRIPT KILL..."

// stringArray makes a Lua array of strings (their bytes copied into one
// block).
func stringArray(L *lua.LState, vals [][]byte) *lua.LTable {
	t := L.CreateTable(len(vals), 0)
	setStrings(vals, func(_ int, s lua.LValue) { t.Append(s) })
	return t
}
