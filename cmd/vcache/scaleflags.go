package main

import (
	"flag"
	"time"

	"github.com/vcache/vcache/cluster"
)

// scaleFlags tune scale-in: when underused shards merge back.
//
// Merging moves a shard's data (a copy, not a promotion) and a merged
// shard splits again at the next spike, so by default vcache merges only
// what it split: never below the number of shards the cluster started
// with, and only after half an hour under the low-water mark. A cluster
// that is merely idle keeps its layout; one that grew for a spike gives
// the extra shards back once the spike is well over.
type scaleFlags struct {
	minShards  int
	mergeAfter time.Duration
	mergeBelow float64
	// splitMethod: auto (the default: promote the shard's in-sync replica
	// when it has one, else copy), copy or promote (only promote).
	splitMethod cluster.SplitPolicy
}

func (f *scaleFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&f.minShards, "min-shards", 0, "merge underused shards only while more than this many remain (0: the number of shards the cluster starts with)")
	fs.DurationVar(&f.mergeAfter, "merge-after", 30*time.Minute, "merge a shard after every resource has stayed under --merge-below for this long")
	fs.Float64Var(&f.mergeBelow, "merge-below", 0.10, "a shard under this fraction of every budget is underused (merge candidate)")
	f.splitMethod = cluster.SplitAuto
	fs.Func("split-method", "how a split moves data: auto (promote the shard's in-sync replica to lead the moving slots, else copy), copy (snapshot and copy the moving slots) or promote (only promote) (default auto)",
		func(s string) error {
			p, err := cluster.ParseSplitPolicy(s)
			if err == nil {
				f.splitMethod = p
			}
			return err
		})
}

// apply sets c's scale-in policy; initial is the number of shards of the
// cluster's first map.
func (f *scaleFlags) apply(c *cluster.Config, initial int) {
	c.MinShards = max(1, initial)
	if f.minShards > 0 {
		c.MinShards = f.minShards
	}
	c.MergeWindow = f.mergeAfter
	c.LowWater = f.mergeBelow
	c.SplitMethod = f.splitMethod
}
