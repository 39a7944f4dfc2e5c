// Package script runs Redis's Lua scripts (EVAL, FUNCTION/FCALL) with
// Lua 5.1 semantics (github.com/yuin/gopher-lua): a sandboxed state with
// the libraries Redis 7 gives scripts (base without file access, string,
// table, math, cjson, cmsgpack, struct, bit, redis.*), and the conversion rules between Lua
// values and command replies.
//
// It speaks no RESP: replies are Reply values, and the commands a script
// calls are run by the Caller the node passes in. A script's or
// function's bytecode is checked once, when it is compiled, for whether
// it provably ends quickly (quick.go); the engine's judge (SetJudge)
// gives such code its Verdict from the commands it calls. An Engine is not safe for
// concurrent use: the node runs one script at a time on it.
package script
