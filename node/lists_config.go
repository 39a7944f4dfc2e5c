package node

import (
	"math"
	"strconv"
	"sync/atomic"
)

// listConfig holds the list-* parameters CONFIG SET accepts.
// list-max-listpack-size sizes the chunks of a list and so which lists are
// small enough to be kept as one allocation (cache.SetListPackSize);
// list-compress-depth how many chunks at either end of a list stay
// uncompressed, the others being LZF-compressed
// (cache.SetListCompressDepth; 0, the default, compresses none).
type listConfig struct {
	packSize      atomic.Int64 // list-max-listpack-size (alias list-max-ziplist-size)
	compressDepth atomic.Int64 // list-compress-depth
}

// setListConfig sets a list-* parameter.
func (n *Node) setListConfig(name, val string) error {
	v, err := strconv.ParseInt(val, 10, 64)
	if err != nil {
		return errArgument("argument couldn't be parsed into an integer")
	}
	if name == "list-compress-depth" {
		if v < 0 || v > math.MaxInt32 {
			return errArgument("argument must be between 0 and 2147483647 inclusive")
		}
		n.listCfg.compressDepth.Store(v)
		n.ks.SetListCompressDepth(v)
		return nil
	}
	if v < math.MinInt32 || v > math.MaxInt32 {
		return errArgument("argument must be between -2147483648 and 2147483647 inclusive")
	}
	n.listCfg.packSize.Store(v)
	n.ks.SetListPackSize(v)
	return nil
}
