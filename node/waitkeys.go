package node

import (
	"strconv"
	"strings"
)

// VCACHE.WAITKEYS ms LIST|ZSET key [key ...] (internal) is the proxy's
// wake-up for blocking pops whose keys are on several nodes (see the
// proxy's block_across.go). It answers the name of the first of its keys
// that holds a list (or a sorted set): at once if one does, else as soon
// as a write makes one so, else a null after ms milliseconds (0: never).
// It pops nothing and changes nothing: the proxy then pops under the
// keys' locks on every node, and asks again if another client was first.
//
// It waits in the blocking registry beside BLPOP's waiters, in the order
// of blocking: a write that wakes it serves the pops queued after it as
// if it were not there (its waiter is finished without taking anything).
// It is keyless for the node (its keys may be of several slots, as the
// proxy groups them by node); a key of another type does not wake it.

// The waiter kinds of VCACHE.WAITKEYS, after those of blocking.go.
const (
	blockWatchList blockKind = blockStream + 1 + iota
	blockWatchZSet
)

// watchKind tells whether a waiter only watches its keys.
func (k blockKind) watchKind() bool { return k == blockWatchList || k == blockWatchZSet }

func cmdVcacheWaitKeys(cx *Ctx) {
	ms, err := strconv.ParseInt(string(cx.Args[1]), 10, 64)
	if err != nil || ms < 0 {
		cx.Error("ERR timeout is not an integer or out of range")
		return
	}
	var kind blockKind
	switch strings.ToLower(string(cx.Args[2])) {
	case "list":
		kind = blockWatchList
	case "zset":
		kind = blockWatchZSet
	default:
		cx.SyntaxError()
		return
	}
	block(cx, blockReq{kind: kind, keys: cx.Args[3:], timeout: ms})
}

// tryWatch reports whether key holds what a watcher of kind waits for;
// its result names the key. blockRegistry.mu must be held.
func (n *Node) tryWatch(kind blockKind, key []byte) (blockResult, bool) {
	ready := n.ks.IsList(key)
	if kind == blockWatchZSet {
		ready = n.ks.IsZSet(key)
	}
	if !ready {
		return blockResult{}, false
	}
	return blockResult{key: append([]byte(nil), key...)}, true
}
