package cluster

import (
	"slices"
	"testing"
)

func TestSplitByLoad(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ranges []SlotRange
		stats  []SlotStat
		res    Resource
		moving []SlotRange
		byLoad bool
	}{
		{"one slot cannot split", []SlotRange{{7, 7}}, nil, ResMemory, nil, false},
		{"by count without stats", []SlotRange{{0, 9}}, nil, ResOps, []SlotRange{{5, 9}}, false},
		{"memory uses bytes", []SlotRange{{0, 9}}, []SlotStat{{Slot: 8, Bytes: 50}, {Slot: 9, Bytes: 50}, {Slot: 0, Ops: 1000}}, ResMemory, []SlotRange{{9, 9}}, true},
		{"ops uses ops", []SlotRange{{0, 9}}, []SlotStat{{Slot: 8, Bytes: 50}, {Slot: 9, Bytes: 50}, {Slot: 0, Ops: 10}, {Slot: 1, Ops: 10}}, ResOps, []SlotRange{{1, 9}}, true},
		{"ops falls back to bytes", []SlotRange{{0, 9}}, []SlotStat{{Slot: 2, Bytes: 10}, {Slot: 3, Bytes: 10}}, ResOps, []SlotRange{{3, 9}}, true},
		{"falls back to keys", []SlotRange{{0, 9}}, []SlotStat{{Slot: 6, Keys: 5}, {Slot: 7, Keys: 5}}, ResCPU, []SlotRange{{7, 9}}, true},
		{"ranges with holes", []SlotRange{{0, 1}, {10, 11}}, []SlotStat{{Slot: 0, Bytes: 1}, {Slot: 1, Bytes: 1}, {Slot: 10, Bytes: 1}, {Slot: 11, Bytes: 1}}, ResMemory, []SlotRange{{10, 11}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			moving, share, byLoad := splitByLoad(tc.ranges, tc.stats, tc.res)
			if !slices.Equal(moving, tc.moving) || byLoad != tc.byLoad {
				t.Fatalf("moving %v byLoad %v, want %v %v", moving, byLoad, tc.moving, tc.byLoad)
			}
			if len(moving) > 0 && (share <= 0 || share >= 1) {
				t.Fatalf("share %v", share)
			}
		})
	}
}
