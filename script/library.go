package script

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// Function libraries (FUNCTION LOAD, FCALL): a library is Lua code whose
// first line names it ("#!lua name=mylib"); running that code registers
// its functions with redis.register_function. While it runs, the code
// sees only the load API as its globals (redis.register_function,
// redis.log and the version constants), read-only; the functions it
// registers run later with the full API.

// funcChunkName is the name library code's errors show.
const funcChunkName = "user_function"

// loadTimeout bounds the run of a library's code by FUNCTION LOAD.
const loadTimeout = 500 * time.Millisecond

// Library is a loaded function library.
type Library struct {
	Name  string
	Code  string
	Funcs []*Function // sorted by name
}

// Function is a function a library registered.
type Function struct {
	Name  string
	Desc  string
	Flags Flags
	Lib   *Library
	fn    *lua.LFunction
	// fast is fn with its loads of redis.call and redis.pcall made
	// constants (foldcalls.go), called in its place while fn's
	// environment is the globals (nil: none).
	fast *lua.LFunction
	// Verdict is the engine's judge's verdict on the function (quick.go).
	Verdict Verdict
	// keys and args are the tables calls pass fn, kept from call to
	// call where fn cannot let them out (nil: a new pair each call; see
	// argescape.go).
	keys, args *argTable
}

// libraries are an engine's libraries and their functions.
type libraries struct {
	libs  map[string]*Library  // by name
	funcs map[string]*Function // by lower-case name: FCALL finds them in any case
}

func newLibraries() libraries {
	return libraries{libs: map[string]*Library{}, funcs: map[string]*Function{}}
}

func (ls *libraries) add(l *Library) {
	ls.libs[l.Name] = l
	for _, f := range l.Funcs {
		ls.funcs[strings.ToLower(f.Name)] = f
	}
}

func (ls *libraries) remove(l *Library) {
	delete(ls.libs, l.Name)
	for _, f := range l.Funcs {
		delete(ls.funcs, strings.ToLower(f.Name))
	}
}

// clash returns the first function of l another library has, or "".
func (ls *libraries) clash(l *Library) string {
	for _, f := range l.Funcs {
		if g := ls.funcs[strings.ToLower(f.Name)]; g != nil && g.Lib != l {
			return f.Name
		}
	}
	return ""
}

// loadRun is the library whose code FUNCTION LOAD is running.
type loadRun struct {
	funcs []*Function
}

// LoadLibrary compiles code, runs it to register its functions and adds
// the library, replacing one of the same name if replace. Errors are
// Redis's texts without the ERR code. The caller serialises runs.
func (e *Engine) LoadLibrary(code string, replace bool) (string, error) {
	if !replace {
		// A library of that name is refused before its code runs.
		if md, err := checkMeta(code); err == nil {
			e.mu.Lock()
			exists := e.libs.libs[md.Name] != nil
			e.mu.Unlock()
			if exists {
				return "", errors.New("Library '" + md.Name + "' already exists")
			}
		}
	}
	l, err := e.compileLibrary(code)
	if err != nil {
		return "", err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	old := e.libs.libs[l.Name]
	if old != nil && !replace {
		return "", errors.New("Library '" + l.Name + "' already exists")
	}
	e.lastFunc.Store(nil)
	if old != nil {
		e.libs.remove(old)
	}
	if f := e.libs.clash(l); f != "" {
		if old != nil {
			e.libs.add(old)
		}
		return "", errors.New("Function " + f + " already exists")
	}
	e.libs.add(l)
	return l.Name, nil
}

// Restore policies of RestoreLibraries.
const (
	RestoreAppend = iota
	RestoreReplace
	RestoreFlush
)

// RestoreLibraries loads the libraries of codes (a FUNCTION DUMP) as
// policy says: all of them or, on any error, none.
func (e *Engine) RestoreLibraries(codes []string, policy int) error {
	in := newLibraries()
	for _, c := range codes {
		l, err := e.compileLibrary(c)
		if err != nil {
			return err
		}
		if in.libs[l.Name] != nil {
			return errors.New("Library '" + l.Name + "' already exists")
		}
		if f := in.clash(l); f != "" {
			return errors.New("Function " + f + " already exists")
		}
		in.add(l)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lastFunc.Store(nil)
	if policy == RestoreFlush {
		e.libs = in
		return nil
	}
	var removed []*Library
	undo := func() {
		for _, l := range removed {
			e.libs.add(l)
		}
	}
	for _, l := range sortedLibs(in.libs) {
		old := e.libs.libs[l.Name]
		if old == nil {
			continue
		}
		if policy != RestoreReplace {
			undo()
			return errors.New("Library " + l.Name + " already exists")
		}
		e.libs.remove(old)
		removed = append(removed, old)
	}
	for _, l := range sortedLibs(in.libs) {
		if f := e.libs.clash(l); f != "" {
			undo()
			return errors.New("Function " + f + " already exists")
		}
	}
	for _, l := range in.libs {
		e.libs.add(l)
	}
	return nil
}

// DeleteLibrary removes the library name; false if there is none.
func (e *Engine) DeleteLibrary(name string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	l := e.libs.libs[name]
	if l == nil {
		return false
	}
	e.lastFunc.Store(nil)
	e.libs.remove(l)
	return true
}

// FlushLibraries removes every library.
func (e *Engine) FlushLibraries() {
	e.mu.Lock()
	e.libs = newLibraries()
	e.lastFunc.Store(nil)
	e.mu.Unlock()
}

// Libraries returns the libraries sorted by name.
func (e *Engine) Libraries() []*Library {
	e.mu.Lock()
	defer e.mu.Unlock()
	return sortedLibs(e.libs.libs)
}

// FunctionCount returns the number of registered functions.
func (e *Engine) FunctionCount() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.libs.funcs)
}

// Function returns the function name (in any case), or nil.
func (e *Engine) Function(name string) *Function {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.libs.funcs[strings.ToLower(name)]
}

// FunctionBytes is Function of a name given as bytes (a command's
// argument): one in lower case is found without a copy, the one found
// last under the same name without a lock.
func (e *Engine) FunctionBytes(name []byte) *Function {
	if f := e.lastFunc.Load(); f != nil && f.Name == string(name) {
		return f
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	f := e.libs.funcs[string(name)]
	if f == nil {
		f = e.libs.funcs[strings.ToLower(string(name))]
	}
	if f != nil && f.Name == string(name) {
		e.lastFunc.Store(f)
	}
	return f
}

func sortedLibs(m map[string]*Library) []*Library {
	out := make([]*Library, 0, len(m))
	for _, l := range m {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// compileLibrary reads code's metadata, compiles it and runs it with the
// load API to collect its functions.
func (e *Engine) compileLibrary(code string) (*Library, error) {
	md, err := checkMeta(code)
	if err != nil {
		return nil, err
	}
	chunk, err := parse.Parse(strings.NewReader(md.Body), funcChunkName)
	if err != nil {
		return nil, errors.New("Error compiling function: " + compileMessage(err, md.Body, funcChunkName))
	}
	proto, err := lua.Compile(chunk, funcChunkName)
	if err != nil {
		return nil, errors.New("Error compiling function: " + compileMessage(err, md.Body, funcChunkName))
	}
	funcs, err := e.runLoad(proto)
	if err != nil {
		return nil, errors.New("Error registering functions: " + err.Error())
	}
	if len(funcs) == 0 {
		return nil, errors.New("No functions registered")
	}
	e.runDirect(funcs)
	for _, f := range funcs {
		if f.fn != nil && !f.fn.IsG {
			calls, _, loads, ok := bounded(f.fn.Proto, true)
			f.Verdict = e.verdict(ok, calls)
			if p, _ := e.foldLoads(f.fn.Proto, loads, false); p != f.fn.Proto && f.fn.Env == e.globals {
				f.fast = e.L.NewFunctionFromProto(p)
				f.fast.Env = e.globals
			}
		}
	}
	l := &Library{Name: md.Name, Code: code, Funcs: funcs}
	sort.Slice(funcs, func(i, j int) bool { return funcs[i].Name < funcs[j].Name })
	for _, f := range funcs {
		f.Lib = l
	}
	return l, nil
}

// checkMeta reads code's metadata and checks its name and engine.
func checkMeta(code string) (LibMeta, error) {
	md, err := ParseLibMeta(code)
	if err != nil {
		return md, err
	}
	if !ValidName(md.Name) {
		return md, errors.New("Library names can only contain letters, numbers, or underscores(_) and must be at least one character long")
	}
	if !strings.EqualFold(md.Engine, "lua") {
		return md, errors.New("Engine '" + md.Engine + "' not found")
	}
	return md, nil
}

// runLoad runs a library's compiled code with the load API as its
// globals, for at most loadTimeout.
func (e *Engine) runLoad(proto *lua.FunctionProto) ([]*Function, error) {
	L := e.L
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	defer cancel()
	L.SetContext(ctx)
	defer L.RemoveContext()
	run := &loadRun{}
	e.loading = run
	defer func() { e.loading = nil }()
	e.globalsMeta.RawSetString("__index", e.loadAPI)
	defer e.globalsMeta.RawSetString("__index", e.globals)
	top := L.GetTop()
	defer L.SetTop(top)
	L.Push(L.NewFunctionFromProto(proto))
	if err := L.PCall(0, 0, e.handler); err != nil {
		if ctx.Err() != nil {
			return nil, errors.New("ERR FUNCTION LOAD timeout")
		}
		var ae *lua.ApiError
		if errors.As(err, &ae) {
			if t, ok := ae.Object.(*lua.LTable); ok {
				if s, ok := t.RawGetString("err").(lua.LString); ok {
					return nil, errors.New(oneLine(string(s)))
				}
			}
		}
		return nil, errors.New("ERR " + oneLine(err.Error()))
	}
	return run.funcs, nil
}

// ExecFunction calls f with r's keys and arguments until it returns or
// ctx ends, and returns its reply (see Exec).
func (e *Engine) ExecFunction(ctx context.Context, f *Function, r *Run) Reply {
	L := e.L
	e.run = r
	defer func() { e.run = nil }()
	L.SetContext(ctx)
	defer L.RemoveContext()
	top := L.GetTop()
	defer L.SetTop(top)
	if f.fast != nil && f.fn.Env == e.globals {
		L.Push(f.fast)
	} else {
		L.Push(f.fn)
	}
	if f.keys != nil {
		L.Push(f.keys.fill(L, r.Keys))
		L.Push(f.args.fill(L, r.Args))
	} else {
		L.Push(stringArray(L, r.Keys))
		L.Push(stringArray(L, r.Args))
	}
	return e.callPushed(ctx, 2, r, funcChunkName)
}
