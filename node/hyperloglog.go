package node

import (
	"sync/atomic"

	"github.com/vcache/vcache/cache"
)

// hllConfig is the node's HyperLogLog setting (CONFIG SET
// hll-sparse-max-bytes).
type hllConfig struct {
	// sparseMax1 is hll-sparse-max-bytes plus one; 0 means the default.
	sparseMax1 atomic.Int64
}

// sparseMax returns hll-sparse-max-bytes.
func (h *hllConfig) sparseMax() int {
	if v := h.sparseMax1.Load(); v > 0 {
		return int(v - 1)
	}
	return cache.DefaultHLLSparseMaxBytes
}

// setSparseMax sets hll-sparse-max-bytes.
func (h *hllConfig) setSparseMax(v int64) { h.sparseMax1.Store(v + 1) }

func cmdPFAdd(cx *Ctx) {
	changed, err := cx.Node.ks.PFAdd(cx.Args[1], cx.Args[2:], cx.Node.hll.sparseMax())
	replyDone(cx, changed, err)
}

func cmdPFCount(cx *Ctx) {
	n, err := cx.Node.ks.PFCount(cx.Args[1:])
	replyInt(cx, n, err)
}

func cmdPFMerge(cx *Ctx) {
	if err := cx.Node.ks.PFMerge(cx.Args[1], cx.Args[2:], cx.Node.hll.sparseMax()); err != nil {
		cx.Err(err)
		return
	}
	cx.OK()
}
