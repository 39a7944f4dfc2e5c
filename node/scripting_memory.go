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
// The caches' sizes are estimates: a script's body, its compiled form
// (taken as scriptCompiledFactor times the body: instructions, constants
// and line information) and a fixed overhead per entry. The Lua states'
// fields report luaStateHeap, what a state takes on the heap (its 16
// Ki-slot registry, 256 KiB, the libraries' tables and functions;
// TestLuaStateHeap measures it), which used_memory_startup also counts.
// That is several times a Redis Lua state's size, so Redis's "EVAL does
// not leak in the Lua stack", which expects under 100 KB, fails on vcache.

const (
	scriptEntryOverhead  = 256
	scriptCompiledFactor = 3
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
	kv("used_memory_lua", luaStateHeap)
	kv("used_memory_vm_eval", luaStateHeap)
	kv("used_memory_lua_human", humanBytes(luaStateHeap))
	kv("used_memory_scripts_eval", eval)
	kv("number_of_cached_scripts", m.evalCount.Load())
	kv("number_of_libraries", m.libCount.Load())
	kv("used_memory_vm_functions", luaStateHeap)
	kv("used_memory_vm_total", 2*luaStateHeap)
	kv("used_memory_vm_total_human", humanBytes(2*luaStateHeap))
	kv("used_memory_functions", funcs)
	kv("used_memory_scripts", eval+funcs)
	kv("used_memory_scripts_human", humanBytes(eval+funcs))
}
