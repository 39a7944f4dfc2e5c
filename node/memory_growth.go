package node

import "github.com/vcache/vcache/internal/command"

// An HNSW graph grows its arrays by a chunk of nodes at once (double
// while small, then an eighth: vector/hnsw.go nextCap), and used_memory
// counts the capacity. A write judged by used memory alone would be let
// through just below maxmemory and then add the whole chunk, passing
// the limit by up to an eighth of the graph. So a write is judged with
// the growth it may cause in the FT indexes over its keys: under
// noeviction it is refused with OOM when that growth would pass
// maxmemory, under the eviction policies keys are evicted first (an
// evicted document leaves room in the graph, and then nothing grows).

// indexGrowth returns, for a write that maxmemory judges, the bytes the
// FT indexes over its keys may add at once beyond its documents' own;
// nil when no index can grow or no limit is set.
func (n *Node) indexGrowth(spec *command.Spec, args [][]byte) func() int64 {
	if n.search.Len() == 0 {
		return nil
	}
	// Under a limit the HNSW inserts are made by the writer, so that the
	// growth judged here is the growth the write causes (vector/ft/tier.go).
	n.search.SetDirect(n.ks.MaxMemory() > 0)
	if n.ks.MaxMemory() <= 0 {
		return nil
	}
	pos := spec.KeyPositions(args, nil)
	if len(pos) == 0 {
		return nil
	}
	return func() int64 {
		var g int64
		for _, i := range pos {
			g += n.search.GrowthFor(string(args[i]))
		}
		return g
	}
}
