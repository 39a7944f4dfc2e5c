package node

import (
	"sync"
	"sync/atomic"

	"github.com/vcache/vcache/script"
)

// Memory of the Lua script caches, counted in used_memory and against
// maxmemory as Redis 7 counts them, and reported in INFO memory (the
// states' base size is in used_memory_startup, memory_startup.go, not
// against maxmemory):
// used_memory_scripts_eval and number_of_cached_scripts (the EVAL / SCRIPT
// LOAD cache, emptied by SCRIPT FLUSH), used_memory_functions and
// number_of_libraries (FUNCTION libraries), used_memory_scripts (both),
// used_memory_vm_eval and used_memory_vm_functions (the two Lua states).
//
// The sizes are estimates: a script's body, its compiled form (taken as
// scriptCompiledFactor times the body: instructions, constants and line
// information) and a fixed overhead per entry. The Lua states' fields
// report luaStateBytes, the estimate of a state's base size made before
// states were measured; a state takes luaStateHeap on the heap (its
// 16 Ki-slot registry, 256 KiB, the libraries' tables and functions;
// TestLuaStateHeap checks it), which used_memory_startup counts.
// Reporting luaStateHeap instead would make used_memory_lua true, and
// Redis's "EVAL does not leak in the Lua stack" fail: it expects Redis's
// Lua state, under 100 KB.

const (
	scriptEntryOverhead  = 256
	scriptCompiledFactor = 3
	luaStateBytes        = 64 << 10
	luaStateHeap         = 448 << 10
)

// scriptBytes estimates what a cached script or library of body bytes holds.
func scriptBytes(body int) int64 {
	return int64(body)*(1+scriptCompiledFactor) + scriptEntryOverhead
}

// scriptMemory counts the script caches' bytes.
type scriptMemory struct {
	// mu guards eval.
	mu   sync.Mutex
	eval map[string]int64 // cached script's SHA: its bytes

	evalBytes, evalCount atomic.Int64
	funcBytes, libCount  atomic.Int64
}

// noteEval counts s, cached by EVAL or SCRIPT LOAD (once per SHA).
func (m *scriptMemory) noteEval(s *script.Script) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.eval[s.SHA]; ok {
		return
	}
	if m.eval == nil {
		m.eval = map[string]int64{}
	}
	b := scriptBytes(len(s.Body))
	m.eval[s.SHA] = b
	m.evalBytes.Add(b)
	m.evalCount.Add(1)
}

// flushEval forgets the EVAL cache (SCRIPT FLUSH).
func (m *scriptMemory) flushEval() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.eval = nil
	m.evalBytes.Store(0)
	m.evalCount.Store(0)
}

// noteFunctions recounts the function libraries after a change.
func (m *scriptMemory) noteFunctions(libs []*script.Library) {
	var b int64
	for _, l := range libs {
		b += scriptBytes(len(l.Code))
	}
	m.funcBytes.Store(b)
	m.libCount.Store(int64(len(libs)))
}

// bytes is what counts toward maxmemory: both caches. The Lua states'
// base size is in used_memory_startup instead.
func (m *scriptMemory) bytes() int64 {
	return m.evalBytes.Load() + m.funcBytes.Load()
}

// infoMemory writes the INFO memory fields of the script caches.
func (m *scriptMemory) infoMemory(kv func(string, any)) {
	eval, funcs := m.evalBytes.Load(), m.funcBytes.Load()
	kv("used_memory_lua", luaStateBytes)
	kv("used_memory_vm_eval", luaStateBytes)
	kv("used_memory_lua_human", humanBytes(luaStateBytes))
	kv("used_memory_scripts_eval", eval)
	kv("number_of_cached_scripts", m.evalCount.Load())
	kv("number_of_libraries", m.libCount.Load())
	kv("used_memory_vm_functions", luaStateBytes)
	kv("used_memory_vm_total", 2*luaStateBytes)
	kv("used_memory_vm_total_human", humanBytes(2*luaStateBytes))
	kv("used_memory_functions", funcs)
	kv("used_memory_scripts", eval+funcs)
	kv("used_memory_scripts_human", humanBytes(eval+funcs))
}
