package node

import (
	"errors"
	"strings"
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

// pfDebugOps maps PFDEBUG's subcommands to the keyspace's.
var pfDebugOps = map[string]cache.HLLDebugOp{
	"getreg": cache.HLLGetReg, "decode": cache.HLLDecode,
	"encoding": cache.HLLEncoding, "todense": cache.HLLToDense,
}

// cmdPFDebug is PFDEBUG GETREG|DECODE|ENCODING|TODENSE key.
func cmdPFDebug(cx *Ctx) {
	sub := string(cx.Args[1])
	op, ok := pfDebugOps[strings.ToLower(sub)]
	if !ok {
		op = cache.HLLUnknownOp
	}
	d, err := cx.Node.ks.PFDebug(op, cx.Args[2])
	switch {
	case errors.Is(err, cache.ErrNoSuchKey):
		cx.Error("ERR The specified key does not exist")
		return
	case errors.Is(err, cache.ErrHLLUnknownOp):
		cx.Error("ERR Unknown PFDEBUG subcommand '" + sub + "'")
		return
	case errors.Is(err, cache.ErrHLLNotSparse):
		cx.Error("ERR HLL encoding is not sparse")
		return
	case err != nil:
		cx.Err(err)
		return
	}
	switch op {
	case cache.HLLGetReg:
		cx.Array(len(d.Regs))
		for _, r := range d.Regs {
			cx.Int(int64(r))
		}
	case cache.HLLDecode:
		cx.BulkString(d.Text)
	case cache.HLLEncoding:
		cx.Simple(d.Text)
	default:
		replyDone(cx, d.Converted, nil)
	}
}

// cmdPFSelfTest is PFSELFTEST: OK when the sketch code passes its checks.
func cmdPFSelfTest(cx *Ctx) {
	if err := cache.HLLSelfTest(); err != nil {
		cx.Error(err.Error())
		return
	}
	cx.OK()
}
