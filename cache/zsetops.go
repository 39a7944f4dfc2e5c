package cache

import (
	"math"
	"slices"
)

// ZSetOp is ZUNION's, ZINTER's or ZDIFF's operation.
type ZSetOp uint8

// Operations over several sorted sets.
const (
	ZUnion ZSetOp = iota
	ZInter
	ZDiff
)

// ZAggregate is how ZUNION and ZINTER combine a member's scores.
type ZAggregate uint8

// Aggregates.
const (
	ZAggSum ZAggregate = iota
	ZAggMin
	ZAggMax
)

// ZCombineSpec is a parsed ZUNION/ZINTER/ZDIFF: the operation, one weight
// per key (nil: all 1) and the aggregate.
type ZCombineSpec struct {
	Op      ZSetOp
	Weights []float64
	Agg     ZAggregate
}

func aggregate(a, b float64, agg ZAggregate) float64 {
	switch agg {
	case ZAggMin:
		return min(a, b)
	case ZAggMax:
		return max(a, b)
	}
	s := a + b
	if math.IsNaN(s) {
		return 0 // inf + -inf
	}
	return s
}

func weighted(s, w float64) float64 {
	v := s * w
	if math.IsNaN(v) {
		return 0 // 0 * inf
	}
	return v
}

// zsources looks up keys (their stripes locked) as sorted sets; a missing
// key is nil. A plain set counts as a sorted set of its members, each
// with score 1, as in Redis.
func (ks *Keyspace) zsources(keys [][]byte) ([]*zset, error) {
	out := make([]*zset, len(keys))
	for i, k := range keys {
		sh, slot := ks.locate(k)
		e := ks.find(sh, slot, k)
		if e == nil {
			continue
		}
		switch e.kind() {
		case kindZSet:
			out[i] = e.zsetVal()
		case kindSet:
			z := newZSet()
			e.setVal().each(func(m string) bool {
				z.add(m, 1)
				return true
			})
			out[i] = z
		default:
			return nil, ErrWrongType
		}
		ks.touch(e)
	}
	return out, nil
}

type zsrc struct {
	z *zset
	w float64
}

func (s zsrc) card() int {
	if s.z == nil {
		return 0
	}
	return s.z.card()
}

// combine computes sp over srcs; the result is a new sorted set. limit
// > 0 stops an intersection after that many members (ZINTERCARD).
func combine(srcs []*zset, sp ZCombineSpec, limit int) *zset {
	in := make([]zsrc, len(srcs))
	for i, z := range srcs {
		in[i] = zsrc{z, 1}
		if sp.Weights != nil {
			in[i].w = sp.Weights[i]
		}
	}
	out := newZSet()
	switch sp.Op {
	case ZInter:
		slices.SortStableFunc(in, func(a, b zsrc) int { return a.card() - b.card() })
		if in[0].card() == 0 {
			return out
		}
		in[0].z.each(func(m string, s0 float64) bool {
			score := weighted(s0, in[0].w)
			for _, s := range in[1:] {
				if s.z == nil {
					return false
				}
				v, ok := s.z.score(m)
				if !ok {
					return true
				}
				score = aggregate(score, weighted(v, s.w), sp.Agg)
			}
			out.add(m, score)
			return limit <= 0 || out.card() < limit
		})
	case ZUnion:
		slices.SortStableFunc(in, func(a, b zsrc) int { return a.card() - b.card() })
		acc := make(map[string]float64)
		for _, s := range in {
			if s.z == nil {
				continue
			}
			s.z.each(func(m string, v float64) bool {
				v = weighted(v, s.w)
				if cur, ok := acc[m]; ok {
					acc[m] = aggregate(cur, v, sp.Agg)
				} else {
					acc[m] = v
				}
				return true
			})
		}
		for m, v := range acc {
			out.add(m, v)
		}
	case ZDiff:
		if in[0].z == nil {
			return out
		}
		in[0].z.each(func(m string, score float64) bool {
			for _, s := range in[1:] {
				if s.z != nil {
					if _, ok := s.z.score(m); ok {
						return true
					}
				}
			}
			out.add(m, score)
			return true
		})
	}
	return out
}

// ZCombine returns the result of sp over the sorted sets at keys, ordered
// by score.
func (ks *Keyspace) ZCombine(keys [][]byte, sp ZCombineSpec) ([]ZMember, error) {
	unlock := ks.lockKeys(keys, 1)
	defer unlock()
	srcs, err := ks.zsources(keys)
	if err != nil {
		return nil, err
	}
	z := combine(srcs, sp, 0)
	return z.collect(1, z.card(), false), nil
}

// ZInterCard returns the size of the intersection of the sorted sets at
// keys, counting no further than limit when it is positive.
func (ks *Keyspace) ZInterCard(keys [][]byte, limit int) (int, error) {
	unlock := ks.lockKeys(keys, 1)
	defer unlock()
	srcs, err := ks.zsources(keys)
	if err != nil {
		return 0, err
	}
	return combine(srcs, ZCombineSpec{Op: ZInter}, limit).card(), nil
}

// ZCombineStore stores the result of sp over the sorted sets at keys in
// dst (deleting dst when it is empty) and returns its size.
func (ks *Keyspace) ZCombineStore(dst []byte, keys [][]byte, sp ZCombineSpec) (int, error) {
	unlock := ks.lockKeys(append([][]byte{dst}, keys...), 1)
	defer unlock()
	srcs, err := ks.zsources(keys)
	if err != nil {
		return 0, err
	}
	z := combine(srcs, sp, 0)
	z.fit(ks.zlim())
	ks.zstore(dst, z)
	return z.card(), nil
}

// ZRangeStore stores the members of src that sp selects in dst and
// returns how many.
func (ks *Keyspace) ZRangeStore(dst, src []byte, sp ZRangeSpec) (int, error) {
	unlock := ks.lockKeys([][]byte{dst, src}, 1)
	defer unlock()
	srcs, err := ks.zsources([][]byte{src})
	if err != nil {
		return 0, err
	}
	z := newZSet()
	if srcs[0] != nil {
		for _, m := range srcs[0].selectRange(sp) {
			z.add(m.Member, m.Score)
		}
	}
	z.fit(ks.zlim())
	ks.zstore(dst, z)
	return z.card(), nil
}

// zstore replaces dst (its stripe locked) with z, or deletes it when z is
// empty.
func (ks *Keyspace) zstore(dst []byte, z *zset) {
	sh, slot := ks.locate(dst)
	if old := ks.find(sh, slot, dst); old != nil {
		ks.del(sh, slot, string(dst), old, ReasonDeleted)
	}
	if z.card() > 0 {
		ks.insert(sh, slot, newEntry(bstr(dst), kindZSet, nil, z))
	}
}
