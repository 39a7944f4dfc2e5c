package node

import (
	"unsafe"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
)

// A node's used_memory counts, as Redis's does, what the node holds from
// the start (INFO used_memory_startup; Redis 7.0: about 0.9 MB): here
// the Node itself, its keyspace's stripes and slot tables
// (cache.Keyspace.FixedMemory), its command table (a spec and an entry
// with its statistics per command) and its two Lua states, about 2.9 MB
// in all. It is sized once, when the node is made, from those
// structures; TestStartupMemoryIsTheHeap checks it against the heap a
// new node really takes. What the process holds besides its nodes (the
// Go runtime, the program's tables, a proxy's) is not a node's.
//
// maxmemory and the cluster's memory budgets do not count it: they bound
// what the node can free (keys, FT indexes, client buffers, the
// replication backlog, script caches), so INFO memory puts it in
// mem_not_counted_for_evict with the replicas' buffers.

// startupMemory sizes n's fixed structures (used_memory_startup).
func (n *Node) startupMemory() int64 {
	perCmd := int64(unsafe.Sizeof(command.Spec{}) + unsafe.Sizeof(cmdEntry{}))
	return int64(unsafe.Sizeof(*n)) + n.ks.FixedMemory() + int64(len(n.cmdList))*perCmd + 2*luaStateHeap
}

// memoryFigures are INFO memory's totals, as Redis defines them.
type memoryFigures struct {
	used     int64 // used_memory: startup + overhead beyond it + dataset
	startup  int64 // used_memory_startup
	overhead int64 // used_memory_overhead: startup, client and replica buffers, backlog, script caches, FT indexes
	dataset  int64 // used_memory_dataset: the keys (used_memory - used_memory_overhead)
	evictOff int64 // mem_not_counted_for_evict: startup and the replicas' buffers
}

// memory returns INFO memory's totals for the keyspace's figures st.
func (n *Node) memory(st cache.Stats) memoryFigures {
	slaves := n.replicaBuffers()
	f := memoryFigures{startup: n.startupMem, dataset: st.UsedMemory - st.ExtraMemory}
	f.overhead = f.startup + st.ExtraMemory + slaves
	f.used = f.overhead + f.dataset
	f.evictOff = f.startup + slaves
	return f
}

// usedMemory is INFO's used_memory now.
func (n *Node) usedMemory() int64 {
	return n.startupMem + n.ks.UsedMemory() + n.replicaBuffers()
}
