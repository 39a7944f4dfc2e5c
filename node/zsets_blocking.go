package node

// Blocking sorted-set pops: BZPOPMIN, BZPOPMAX and BZMPOP wait on the
// blocking registry of blocking.go as BLPOP does (left there means the
// lowest scores). A served waiter's pop is replicated as ZPOPMIN/ZPOPMAX
// key count.

func cmdBZPopMin(cx *Ctx) { bzpop(cx, true) }
func cmdBZPopMax(cx *Ctx) { bzpop(cx, false) }

// bzpop answers BZPOPMIN/BZPOPMAX key [key...] timeout.
func bzpop(cx *Ctx, lowest bool) {
	ms, msg := parseTimeout(cx.Args[len(cx.Args)-1])
	if msg != "" {
		cx.Error(msg)
		return
	}
	block(cx, blockReq{kind: blockZPop, keys: cx.Args[1 : len(cx.Args)-1], left: lowest, count: 1, timeout: ms})
}

// cmdBZMPop answers BZMPOP timeout numkeys key [key...] MIN|MAX [COUNT n]:
// as Redis, the timeout is checked after the other arguments.
func cmdBZMPop(cx *Ctx) {
	keys, max, count, ok := parseZMPop(cx, 2)
	if !ok {
		return
	}
	ms, msg := parseTimeout(cx.Args[1])
	if msg != "" {
		cx.Error(msg)
		return
	}
	if keysDenied(cx, 3, 2+len(keys)) {
		return
	}
	block(cx, blockReq{kind: blockZMPop, keys: keys, left: !max, count: count, timeout: ms})
}

// tryServeZSet pops up to count members (the highest when max) from the
// sorted set at key for a blocked ZPOP; ok is false when there is none.
// A key of another type is WRONGTYPE when the command first runs
// (initial); a waiter keeps waiting. blockRegistry.mu must be held.
func (n *Node) tryServeZSet(initial bool, key []byte, max bool, count int) (blockResult, bool) {
	if !initial && !n.ks.IsZSet(key) {
		return blockResult{}, false
	}
	ms, err := n.ks.ZPop(key, count, max)
	if err != nil {
		return blockResult{err: err}, true
	}
	return blockResult{key: append([]byte(nil), key...), zms: ms}, len(ms) > 0
}
