package node

import (
	"math/rand/v2"

	"github.com/vcache/vcache/cache"
)

// A negative count of SRANDMEMBER, ZRANDMEMBER or HRANDFIELD asks for
// exactly -count random picks, repeats allowed, whatever the key's size:
// Redis 7.0 answers any count down to -9223372036854775807 (with
// WITHSCORES or WITHVALUES, down to -4611686018427387903), writing each
// pick into the client's output buffer. While the picks are no more than
// the key's members the keyspace makes them (a copy each); past that the
// members are copied once and the picks are drawn from the copy as the
// reply is written, so the node holds no more than the key's members and
// the reply's bytes, as Redis holds the reply, and the key's lock is held
// for the copy only.

// sRandRepeats answers SRANDMEMBER key with n (> 0) repeated picks when
// they outnumber the set's members; it reports whether it answered.
func sRandRepeats(cx *Ctx, key []byte, n int64) bool {
	size, err := cx.Node.ks.SCard(key)
	if err == nil && int64(size) >= n {
		return false
	}
	var pool [][]byte
	if err == nil {
		pool, err = cx.Node.ks.SMembers(key)
	}
	if err != nil {
		cx.Err(err)
		return true
	}
	replyRepeats(cx, n, false, len(pool), func(i int) { cx.Bulk(pool[i]) })
	return true
}

// zRandRepeats is sRandRepeats for ZRANDMEMBER (with the scores when
// with is set).
func zRandRepeats(cx *Ctx, key []byte, n int64, with bool) bool {
	size, err := cx.Node.ks.ZCard(key)
	if err == nil && int64(size) >= n {
		return false
	}
	var pool []cache.ZMember
	if err == nil {
		pool, err = cx.Node.ks.ZRange(key, cache.ZRangeSpec{By: cache.ZByRank, Start: 0, Stop: -1})
	}
	if err != nil {
		cx.Err(err)
		return true
	}
	replyRepeats(cx, n, with, len(pool), func(i int) {
		cx.BulkString(pool[i].Member)
		if with {
			replyScore(cx, pool[i].Score)
		}
	})
	return true
}

// hRandRepeats is sRandRepeats for HRANDFIELD (with the values when with
// is set).
func hRandRepeats(cx *Ctx, key []byte, n int64, with bool) bool {
	size, err := cx.Node.ks.HLen(key)
	if err == nil && int64(size) >= n {
		return false
	}
	var pool [][]byte // field, value, field, value...
	if err == nil {
		pool, err = cx.Node.ks.HGetAll(key)
	}
	if err != nil {
		cx.Err(err)
		return true
	}
	replyRepeats(cx, n, with, len(pool)/2, func(i int) {
		cx.Bulk(pool[2*i])
		if with {
			cx.Bulk(pool[2*i+1])
		}
	})
	return true
}

// replyRepeats answers n picks, repeats allowed, of a pool of size
// members, each written by put(its index): with (a member and its score
// or value) a flat array in RESP2 and an array of pairs in RESP3; an
// empty array for an empty pool (no such key).
func replyRepeats(cx *Ctx, n int64, with bool, size int, put func(i int)) {
	if size == 0 {
		cx.Array(0)
		return
	}
	pairs := with && cx.Proto() == 3
	switch {
	case with && !pairs:
		cx.Array(int(2 * n))
	default:
		cx.Array(int(n))
	}
	for range n {
		if pairs {
			cx.Array(2)
		}
		put(rand.IntN(size))
	}
}
