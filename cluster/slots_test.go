package cluster

import (
	"slices"
	"testing"

	"github.com/vcache/vcache/internal/keyslot"
)

func TestRangesOf(t *testing.T) {
	for _, tc := range []struct {
		name  string
		slots []int
		want  []SlotRange
		text  string
	}{
		{"empty", nil, nil, ""},
		{"one", []int{5}, []SlotRange{{5, 5}}, "5"},
		{"merged and sorted", []int{7, 3, 4, 5, 9, 8, 16383}, []SlotRange{{3, 5}, {7, 9}, {16383, 16383}}, "3-5 7-9 16383"},
		{"duplicates", []int{1, 1, 2}, []SlotRange{{1, 2}}, "1-2"},
		{"out of range ignored", []int{-1, 16384, 0}, []SlotRange{{0, 0}}, "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := RangesOf(tc.slots)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("RangesOf(%v) = %v, want %v", tc.slots, got, tc.want)
			}
			if s := FormatRanges(got); s != tc.text {
				t.Fatalf("FormatRanges = %q, want %q", s, tc.text)
			}
		})
	}
}

func TestSubtractRanges(t *testing.T) {
	got := subtractRanges([]SlotRange{{0, 99}, {200, 299}}, []SlotRange{{50, 59}, {90, 210}})
	want := []SlotRange{{0, 49}, {60, 89}, {211, 299}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got := subtractRanges([]SlotRange{{0, 9}}, []SlotRange{{0, 9}}); len(got) != 0 {
		t.Fatalf("subtracting everything left %v", got)
	}
}

func TestEvenRangesCoverEverySlotOnce(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 100, keyslot.Count} {
		rs := evenRanges(n)
		if len(rs) != n || CountSlots(rs) != keyslot.Count || rs[0].Start != 0 || rs[n-1].End != keyslot.Count-1 {
			t.Fatalf("evenRanges(%d) = %d ranges, %d slots", n, len(rs), CountSlots(rs))
		}
		lo, hi := keyslot.Count, 0
		for i, r := range rs {
			if i > 0 && r.Start != rs[i-1].End+1 {
				t.Fatalf("evenRanges(%d): gap before %v", n, r)
			}
			lo, hi = min(lo, r.Len()), max(hi, r.Len())
		}
		if hi-lo > 1 {
			t.Fatalf("evenRanges(%d): sizes from %d to %d", n, lo, hi)
		}
	}
}
