package cluster

import "slices"

// weightOf returns the weight of a slot for splitting by res: bytes for
// memory and vectors, operations for the rest.
func weightOf(s SlotStat, res Resource) uint64 {
	switch res {
	case ResMemory, ResVectors:
		return s.Bytes
	default:
		return s.Ops
	}
}

// splitByLoad divides the slots of ranges in two contiguous parts of nearly
// equal load and returns the upper part, the one that moves, with its
// share of the load. The load of a slot is its weight for res from stats
// (slots not in stats weigh 0); when those weights are all zero it falls
// back to bytes, then keys, then the slot count, and byLoad is false for
// the last. It needs at least two slots; with fewer it moves nothing.
func splitByLoad(ranges []SlotRange, stats []SlotStat, res Resource) (moving []SlotRange, share float64, byLoad bool) {
	slots := SlotsIn(normalizeRanges(ranges))
	if len(slots) < 2 {
		return nil, 0, false
	}
	// stat[i] is the statistics of slots[i] (zero when absent).
	sorted := slices.Clone(stats)
	slices.SortFunc(sorted, func(a, b SlotStat) int { return a.Slot - b.Slot })
	stat := make([]SlotStat, len(slots))
	j := 0
	for i, slot := range slots {
		for j < len(sorted) && sorted[j].Slot < slot {
			j++
		}
		if j < len(sorted) && sorted[j].Slot == slot {
			stat[i] = sorted[j]
		}
	}
	weight := make([]uint64, len(slots))
	var total uint64
	for _, pick := range []func(SlotStat) uint64{
		func(s SlotStat) uint64 { return weightOf(s, res) },
		func(s SlotStat) uint64 { return s.Bytes },
		func(s SlotStat) uint64 { return s.Keys },
	} {
		total = 0
		for i := range slots {
			weight[i] = pick(stat[i])
			total += weight[i]
		}
		if total > 0 {
			byLoad = true
			break
		}
	}
	if total == 0 {
		for i := range weight {
			weight[i] = 1
		}
		total = uint64(len(slots))
	}
	// Keep the first k slots (1 <= k < n) where the kept load is closest
	// to half; on ties the smallest such k.
	var cum uint64
	bestK, bestDiff := 1, float64(-1)
	for k := 1; k < len(slots); k++ {
		cum += weight[k-1]
		diff := float64(cum) - float64(total)/2
		if diff < 0 {
			diff = -diff
		}
		if bestDiff < 0 || diff < bestDiff {
			bestK, bestDiff = k, diff
		}
	}
	var kept uint64
	for _, w := range weight[:bestK] {
		kept += w
	}
	return RangesOf(slots[bestK:]), float64(total-kept) / float64(total), byLoad
}
