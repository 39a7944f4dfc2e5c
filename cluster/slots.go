package cluster

import (
	"slices"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/keyslot"
)

// SlotRange is an inclusive range of hash slots, Start <= End.
type SlotRange struct {
	Start, End int
}

// Len returns the number of slots in r.
func (r SlotRange) Len() int { return r.End - r.Start + 1 }

// Contains reports whether slot is in r.
func (r SlotRange) Contains(slot int) bool { return r.Start <= slot && slot <= r.End }

// String formats r the way CLUSTER NODES does: "5" or "0-5460".
func (r SlotRange) String() string {
	if r.Start == r.End {
		return strconv.Itoa(r.Start)
	}
	return strconv.Itoa(r.Start) + "-" + strconv.Itoa(r.End)
}

// validSlot reports whether s is a hash slot.
func validSlot(s int) bool { return s >= 0 && s < keyslot.Count }

// RangesOf returns the sorted, merged ranges covering slots (in any order,
// duplicates allowed). Slots outside [0, 16383] are ignored.
func RangesOf(slots []int) []SlotRange {
	s := make([]int, 0, len(slots))
	for _, x := range slots {
		if validSlot(x) {
			s = append(s, x)
		}
	}
	slices.Sort(s)
	var out []SlotRange
	for _, x := range s {
		if n := len(out); n > 0 && x <= out[n-1].End+1 {
			out[n-1].End = max(out[n-1].End, x)
			continue
		}
		out = append(out, SlotRange{x, x})
	}
	return out
}

// normalizeRanges sorts and merges rs into a new slice.
func normalizeRanges(rs []SlotRange) []SlotRange {
	c := slices.Clone(rs)
	slices.SortFunc(c, func(a, b SlotRange) int { return a.Start - b.Start })
	var out []SlotRange
	for _, r := range c {
		if n := len(out); n > 0 && r.Start <= out[n-1].End+1 {
			out[n-1].End = max(out[n-1].End, r.End)
			continue
		}
		out = append(out, r)
	}
	return out
}

// CountSlots returns the number of slots in rs (ranges must not overlap).
func CountSlots(rs []SlotRange) int {
	n := 0
	for _, r := range rs {
		n += r.Len()
	}
	return n
}

// SlotsIn lists every slot of rs in order.
func SlotsIn(rs []SlotRange) []int {
	out := make([]int, 0, CountSlots(rs))
	for _, r := range rs {
		for s := r.Start; s <= r.End; s++ {
			out = append(out, s)
		}
	}
	return out
}

// subtractRanges returns the slots of a that are not in b, as ranges.
func subtractRanges(a, b []SlotRange) []SlotRange {
	var out []SlotRange
	for _, r := range normalizeRanges(a) {
		cur := r.Start
		for _, x := range normalizeRanges(b) {
			if x.End < cur || x.Start > r.End {
				continue
			}
			if x.Start > cur {
				out = append(out, SlotRange{cur, x.Start - 1})
			}
			cur = x.End + 1
		}
		if cur <= r.End {
			out = append(out, SlotRange{cur, r.End})
		}
	}
	return out
}

// FormatRanges joins rs with spaces: "0-5460 5462 6000-6001".
func FormatRanges(rs []SlotRange) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, " ")
}

// evenRanges divides all 16384 slots into n contiguous ranges whose sizes
// differ by at most one.
func evenRanges(n int) []SlotRange {
	out := make([]SlotRange, n)
	start := 0
	for i := range n {
		size := keyslot.Count / n
		if i < keyslot.Count%n {
			size++
		}
		out[i] = SlotRange{start, start + size - 1}
		start += size
	}
	return out
}
